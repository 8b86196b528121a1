package dev.authkeeper.alert;

import static dev.authkeeper.connection.Attributes.n;
import static dev.authkeeper.connection.Attributes.s;
import static dev.authkeeper.connection.Attributes.string;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import dev.authkeeper.config.AuthKeeperConfig;
import dev.authkeeper.connection.TableLayout;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

/**
 * Alerts are recorded before they are published (in the same write as the change that causes
 * them), then marked sent. A pending alert sits in a sparse index until then; a publisher leases
 * it first, so two runs never send the same alert, and a failed publish is found by the next run.
 */
@ApplicationScoped
public class AlertOutbox {

    private final DynamoDbClient dynamo;
    private final String table;
    private final SecureRandom random = new SecureRandom();

    public AlertOutbox(DynamoDbClient dynamo, AuthKeeperConfig config) {
        this.dynamo = dynamo;
        this.table = config.table();
    }

    public Alert create(String pk, AlertKind kind, Optional<String> merchantId, String subject, Optional<String> origin,
            String detail, Optional<Instant> since, Instant now) {
        byte[] suffix = new byte[4];
        random.nextBytes(suffix);
        String sk = TableLayout.ALERT_PREFIX + now + "#" + kind + "#" + HexFormat.of().formatHex(suffix);
        return new Alert(pk, sk, kind, merchantId, subject, origin, detail, since, now);
    }

    /** The outbox item of a new alert, leased to the writer until {@code leaseUntil}. */
    public Map<String, AttributeValue> pendingItem(Alert alert, Instant leaseUntil) {
        var item = new LinkedHashMap<String, AttributeValue>();
        item.put(TableLayout.PK, s(alert.pk()));
        item.put(TableLayout.SK, s(alert.sk()));
        item.put("kind", s(alert.kind().name()));
        alert.merchantId().ifPresent(m -> item.put("merchantId", s(m)));
        item.put("subject", s(alert.subject()));
        alert.origin().ifPresent(o -> item.put("origin", s(o)));
        item.put("detail", s(alert.detail()));
        alert.since().ifPresent(since -> item.put("since", s(since.toString())));
        item.put("createdAt", s(alert.createdAt().toString()));
        item.put(TableLayout.PENDING_ALERT, s(TableLayout.PENDING));
        item.put(TableLayout.ALERT_AT, n(alert.createdAt().toEpochMilli()));
        item.put("leaseUntil", n(leaseUntil.toEpochMilli()));
        return item;
    }

    /** Pending alerts nobody is publishing right now, oldest first. */
    public List<Alert> unclaimed(Instant now) {
        return dynamo.queryPaginator(r -> r.tableName(table).indexName(TableLayout.PENDING_ALERTS_INDEX)
                        .keyConditionExpression("#p = :pending")
                        .filterExpression("attribute_not_exists(leaseUntil) OR leaseUntil < :now")
                        .expressionAttributeNames(Map.of("#p", TableLayout.PENDING_ALERT))
                        .expressionAttributeValues(Map.of(":pending", s(TableLayout.PENDING), ":now", n(now.toEpochMilli()))))
                .items().stream()
                .map(AlertOutbox::alert)
                .toList();
    }

    /** Takes a pending alert for publishing; false when another run has it or it was sent. */
    public boolean lease(Alert alert, Instant now, Instant until) {
        try {
            dynamo.updateItem(r -> r.tableName(table).key(key(alert))
                    .updateExpression("SET leaseUntil = :until")
                    .conditionExpression("attribute_exists(#p) AND (attribute_not_exists(leaseUntil) OR leaseUntil < :now)")
                    .expressionAttributeNames(Map.of("#p", TableLayout.PENDING_ALERT))
                    .expressionAttributeValues(Map.of(":until", n(until.toEpochMilli()), ":now", n(now.toEpochMilli()))));
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
    }

    /** Marks an alert sent and leaves the pending index; {@code via} names the digest that carried it. */
    public void markSent(Alert alert, String messageId, Instant now, Optional<String> via) {
        var values = new LinkedHashMap<String, AttributeValue>();
        values.put(":at", s(now.toString()));
        values.put(":message", s(messageId));
        via.ifPresent(v -> values.put(":via", s(v)));
        try {
            dynamo.updateItem(r -> r.tableName(table).key(key(alert))
                    .updateExpression("SET sentAt = :at, messageId = :message" + (via.isPresent() ? ", sentVia = :via" : "")
                            + " REMOVE #p, leaseUntil")
                    .conditionExpression("attribute_exists(#p)")
                    .expressionAttributeNames(Map.of("#p", TableLayout.PENDING_ALERT))
                    .expressionAttributeValues(values));
        } catch (ConditionalCheckFailedException e) {
            // Already marked by whoever sent it: nothing left to do.
        }
    }

    private static Map<String, AttributeValue> key(Alert alert) {
        return Map.of(TableLayout.PK, s(alert.pk()), TableLayout.SK, s(alert.sk()));
    }

    static Alert alert(Map<String, AttributeValue> item) {
        return new Alert(
                item.get(TableLayout.PK).s(),
                item.get(TableLayout.SK).s(),
                AlertKind.valueOf(item.get("kind").s()),
                string(item, "merchantId"),
                item.get("subject").s(),
                string(item, "origin"),
                item.get("detail").s(),
                string(item, "since").map(Instant::parse),
                Instant.parse(item.get("createdAt").s()));
    }

}
