package dev.authkeeper.sweep;

import static dev.authkeeper.table.Attributes.n;
import static dev.authkeeper.table.Attributes.s;

import java.time.Instant;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import dev.authkeeper.config.AuthKeeperConfig;
import dev.authkeeper.table.TableLayout;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;

/** The due index's entries whose time has come (retries, re-tests, reminders), one shard at a time. */
@ApplicationScoped
class DueIndex {

    private static final int PAGE = 100;

    private final DynamoDbClient dynamo;
    private final String table;

    DueIndex(DynamoDbClient dynamo, AuthKeeperConfig config) {
        this.dynamo = dynamo;
        this.table = config.table();
    }

    /** Whether the shard holds at least one entry due by {@code now}: one item read. */
    boolean anyDue(int shard, Instant now) {
        return !dynamo.query(r -> dueBy(r, shard, now).limit(1)).items().isEmpty();
    }

    /** The shard's entries due by {@code now}, read a page at a time as they are iterated. */
    Iterable<Map<String, AttributeValue>> due(int shard, Instant now) {
        return dynamo.queryPaginator(r -> dueBy(r, shard, now).limit(PAGE)).items();
    }

    private QueryRequest.Builder dueBy(QueryRequest.Builder request, int shard, Instant now) {
        return request.tableName(table).indexName(TableLayout.DUE_INDEX)
                .keyConditionExpression("#shard = :shard AND #next <= :now")
                .expressionAttributeNames(Map.of("#shard", TableLayout.DUE_SHARD, "#next", TableLayout.NEXT_CHECK_AT))
                .expressionAttributeValues(Map.of(":shard", s("due#" + shard), ":now", n(now.getEpochSecond())));
    }
}
