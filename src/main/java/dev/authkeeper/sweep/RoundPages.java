package dev.authkeeper.sweep;

import static dev.authkeeper.table.Attributes.s;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import dev.authkeeper.config.AuthKeeperConfig;
import dev.authkeeper.table.TableLayout;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Reads a unit of the round from the checks index in hash order, a page at a time, after a
 * cursor. The index carries what a check needs, so a page is all a worker reads.
 */
@ApplicationScoped
class RoundPages {

    private final DynamoDbClient dynamo;
    private final String table;

    RoundPages(DynamoDbClient dynamo, AuthKeeperConfig config) {
        this.dynamo = dynamo;
        this.table = config.table();
    }

    /** Up to {@code limit} connections of the unit after {@code cursor} (a {@code checkOrder}), in order. */
    List<Map<String, AttributeValue>> next(RoundUnit unit, Optional<String> cursor, int limit) {
        var page = new ArrayList<Map<String, AttributeValue>>();
        String from = cursor.orElse(unit.lowestOrder());
        int first = Character.digit(from.charAt(0), 16);
        int last = Character.digit(unit.highestOrder().charAt(0), 16);
        for (int partition = first; partition <= last && page.size() < limit; partition++) {
            String digit = Character.toString(Character.forDigit(partition, 16));
            String low = max(unit.lowestOrder(), digit + "0000000");
            String high = min(unit.highestOrder(), digit + "fffffff#~");
            Map<String, AttributeValue> start = partition == first ? cursor.map(c -> startKey(digit, c)).orElse(null) : null;
            do {
                var exclusiveStart = start;
                int wanted = limit - page.size();
                var response = dynamo.query(r -> r.tableName(table).indexName(TableLayout.CHECKS_INDEX)
                        .keyConditionExpression("#p = :p AND #o BETWEEN :low AND :high")
                        .expressionAttributeNames(Map.of("#p", TableLayout.CHECK_PARTITION, "#o", TableLayout.CHECK_ORDER))
                        .expressionAttributeValues(Map.of(":p", s(digit), ":low", s(low), ":high", s(high)))
                        .exclusiveStartKey(exclusiveStart)
                        .limit(wanted));
                page.addAll(response.items());
                start = response.hasLastEvaluatedKey() && !response.lastEvaluatedKey().isEmpty() ? response.lastEvaluatedKey() : null;
            } while (start != null && page.size() < limit);
        }
        return page;
    }

    private static Map<String, AttributeValue> startKey(String partition, String order) {
        var key = new HashMap<String, AttributeValue>();
        key.put(TableLayout.CHECK_PARTITION, s(partition));
        key.put(TableLayout.CHECK_ORDER, s(order));
        key.put(TableLayout.PK, s(TableLayout.connectionKey(TableLayout.idOfCheckOrder(order))));
        key.put(TableLayout.SK, s(TableLayout.CONNECTION_SORT));
        return key;
    }

    private static String max(String a, String b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    private static String min(String a, String b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
