package dev.authkeeper.notification;

import static dev.authkeeper.table.Attributes.n;
import static dev.authkeeper.table.Attributes.s;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import dev.authkeeper.config.AuthKeeperConfig;
import dev.authkeeper.table.TableLayout;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Which marketplace deliveries were acted on, by the marketplace's delivery id, kept a week (longer
 * than any marketplace retries). What a delivery does is idempotent in itself, so a delivery is
 * marked done after it was acted on: two copies arriving at once both act, harmlessly, and a
 * failure in between leaves the retry free to act again.
 */
@ApplicationScoped
public class Deliveries {

    static final Duration KEPT = Duration.ofDays(7);

    private final DynamoDbClient dynamo;
    private final String table;

    public Deliveries(DynamoDbClient dynamo, AuthKeeperConfig config) {
        this.dynamo = dynamo;
        this.table = config.table();
    }

    public boolean done(String marketplace, String deliveryId) {
        var item = dynamo.getItem(r -> r.tableName(table).key(key(marketplace, deliveryId)).consistentRead(true)).item();
        return item != null && !item.isEmpty();
    }

    public void markDone(String marketplace, String deliveryId, String topic, Instant now) {
        var item = new HashMap<>(key(marketplace, deliveryId));
        item.put("topic", s(topic));
        item.put("receivedAt", s(now.toString()));
        item.put(TableLayout.TTL, n(now.plus(KEPT).getEpochSecond()));
        dynamo.putItem(r -> r.tableName(table).item(item));
    }

    private static Map<String, AttributeValue> key(String marketplace, String deliveryId) {
        return Map.of(TableLayout.PK, s(TableLayout.NOTIFICATION_PREFIX + marketplace + "#" + deliveryId),
                TableLayout.SK, s(TableLayout.NOTIFICATION_SORT));
    }
}
