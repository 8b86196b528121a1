package dev.authkeeper.table;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import dev.authkeeper.config.Backoff;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;

/**
 * Items of one table by key, whatever their number: BatchGetItem takes at most 100 keys and may
 * leave some unprocessed (throttling, or more than 16 MB in one answer). Unprocessed keys are asked
 * for again with jittered pauses until they are read or the deadline passes; then the read fails,
 * so that no caller answers with part of the items as if it were all of them.
 */
public final class BatchReads {

    /** BatchGetItem's limit of keys per call. */
    static final int MAX_KEYS = 100;
    static final Duration DEADLINE = Duration.ofSeconds(3);
    private static final Duration FIRST_PAUSE = Duration.ofMillis(20);
    private static final Duration LONGEST_PAUSE = Duration.ofMillis(500);

    /** DynamoDB kept some keys unprocessed until the deadline. */
    public static final class Unprocessed extends RuntimeException {
        Unprocessed(int keys, String table) {
            super("DynamoDB left " + keys + " key(s) of table " + table + " unprocessed until the deadline", null, false, false);
        }
    }

    private BatchReads() {
    }

    /** The items that exist under {@code keys}, in no particular order. */
    public static List<Map<String, AttributeValue>> read(DynamoDbClient dynamo, String table, List<Map<String, AttributeValue>> keys,
            boolean consistent) {
        return read(table, keys, consistent, DEADLINE, wanted -> dynamo.batchGetItem(r -> r.requestItems(Map.of(table, wanted))));
    }

    /** The same over any way of asking for one page: the loop itself. */
    static List<Map<String, AttributeValue>> read(String table, List<Map<String, AttributeValue>> keys, boolean consistent, Duration within,
            Function<KeysAndAttributes, BatchGetItemResponse> page) {
        long deadline = System.nanoTime() + within.toNanos();
        var items = new ArrayList<Map<String, AttributeValue>>();
        for (int from = 0; from < keys.size(); from += MAX_KEYS) {
            var wanted = KeysAndAttributes.builder().keys(keys.subList(from, Math.min(keys.size(), from + MAX_KEYS)))
                    .consistentRead(consistent).build();
            Duration pause = FIRST_PAUSE;
            while (true) {
                var answer = page.apply(wanted);
                items.addAll(answer.responses().getOrDefault(table, List.of()));
                var unprocessed = answer.unprocessedKeys().get(table);
                if (unprocessed == null || !unprocessed.hasKeys() || unprocessed.keys().isEmpty()) {
                    break;
                }
                if (System.nanoTime() + pause.toNanos() > deadline) {
                    throw new Unprocessed(unprocessed.keys().size(), table);
                }
                Backoff.pause(Backoff.withJitter(pause));
                pause = pause.multipliedBy(2).compareTo(LONGEST_PAUSE) > 0 ? LONGEST_PAUSE : pause.multipliedBy(2);
                wanted = unprocessed;
            }
        }
        return items;
    }
}
