package dev.authkeeper.table;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.authkeeper.testing.FaultProxy;
import dev.authkeeper.testing.ProxiedDynamoDb;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Batch reads against DynamoDB Local. It does not throttle, so a proxy in front of it turns part of
 * a real answer into "unprocessed", as DynamoDB does under throttling: it asks DynamoDB Local for
 * the other keys only and names the held-back ones in {@code UnprocessedKeys}.
 */
class BatchReadsTest {

    static final String TABLE = "batch-reads-test";
    static final String BATCH_GET = "BatchGetItem";
    static final int ITEMS = 250;
    static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static final ProxiedDynamoDb DYNAMODB = new ProxiedDynamoDb(TABLE);

    @BeforeAll
    static void seed() {
        for (int i = 0; i < ITEMS; i++) {
            var item = new HashMap<>(key(i));
            item.put("n", AttributeValue.fromN(Integer.toString(i)));
            DYNAMODB.client().putItem(r -> r.tableName(TABLE).item(item));
        }
    }

    /** Holds back the first {@code count} keys of the call: DynamoDB Local reads the rest, the answer names the held ones unprocessed. */
    static FaultProxy.Fault holdBack(int count) {
        return (call, upstream) -> {
            var request = (ObjectNode) JSON.readTree(call.body());
            var wanted = (ObjectNode) request.get("RequestItems").get(TABLE);
            var keys = (ArrayNode) wanted.get("Keys");
            var held = JSON.createArrayNode();
            for (int i = 0; i < count && !keys.isEmpty(); i++) {
                held.add(keys.remove(0));
            }
            // DynamoDB refuses a call without keys: when every key is held back, nothing is asked.
            var body = keys.isEmpty() ? JSON.createObjectNode()
                    : (ObjectNode) JSON.readTree(upstream.forward(JSON.writeValueAsBytes(request)).body());
            var unprocessed = wanted.deepCopy().set("Keys", held);
            body.putObject("UnprocessedKeys").set(TABLE, unprocessed);
            return FaultProxy.Answer.json(200, JSON.writeValueAsString(body));
        };
    }

    @Test
    void moreKeysThanOneCallTakesAreReadInCallsOfAHundred() {
        int before = DYNAMODB.proxy().calls(BATCH_GET);

        var items = BatchReads.read(DYNAMODB.client(), TABLE, keys(ITEMS), true);

        assertThat(numbers(items)).containsExactlyInAnyOrderElementsOf(IntStream.range(0, ITEMS).boxed().toList());
        assertThat(DYNAMODB.proxy().calls(BATCH_GET) - before).isEqualTo(3);
    }

    @Test
    void unprocessedKeysAreAskedForAgainUntilEveryItemIsRead() {
        DYNAMODB.proxy().fault(BATCH_GET, 2, holdBack(5));
        int before = DYNAMODB.proxy().calls(BATCH_GET);

        var items = BatchReads.read(DYNAMODB.client(), TABLE, keys(20), false);

        assertThat(numbers(items)).containsExactlyInAnyOrderElementsOf(IntStream.range(0, 20).boxed().toList());
        assertThat(DYNAMODB.proxy().calls(BATCH_GET) - before).as("two answers with unprocessed keys, then the rest").isEqualTo(3);
    }

    @Test
    void keysStillUnprocessedAtTheDeadlineFailTheReadInsteadOfAnsweringShort() {
        DYNAMODB.proxy().fault(BATCH_GET, 1000, holdBack(1));

        assertThatThrownBy(() -> BatchReads.read(TABLE, keys(3), true, Duration.ofMillis(300),
                wanted -> DYNAMODB.client().batchGetItem(r -> r.requestItems(Map.of(TABLE, wanted)))))
                .isInstanceOf(BatchReads.Unprocessed.class).hasMessageContaining("unprocessed");
    }

    private static List<Map<String, AttributeValue>> keys(int count) {
        return IntStream.range(0, count).mapToObj(BatchReadsTest::key).toList();
    }

    private static Map<String, AttributeValue> key(int i) {
        return Map.of(TableLayout.PK, AttributeValue.fromS("TEST#" + i), TableLayout.SK, AttributeValue.fromS("TEST"));
    }

    private static List<Integer> numbers(List<Map<String, AttributeValue>> items) {
        return items.stream().map(item -> Integer.parseInt(item.get("n").n())).toList();
    }
}
