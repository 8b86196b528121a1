package dev.authkeeper.alert;

import static dev.authkeeper.table.Attributes.n;
import static dev.authkeeper.table.Attributes.s;
import static dev.authkeeper.table.Attributes.string;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import dev.authkeeper.config.AlertConfig;
import dev.authkeeper.config.AuthKeeperConfig;
import dev.authkeeper.table.ItemUpdate;
import dev.authkeeper.table.TableLayout;
import dev.authkeeper.table.Transactions;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;

/**
 * Alerts and events are recorded in the same transaction as the change that causes them, then
 * published and marked sent. A recorded entry sits in a sparse index until then, under
 * {@code PENDING} (or {@code HELD} while a mass rejection is investigated) and the time it may go
 * out. A publisher leases entries just before it publishes them, for far longer than a publish can
 * take, so two publishers never send the same entry; a failed publish is found by the next pass.
 */
@ApplicationScoped
public class AlertOutbox {

    /** DynamoDB's limit on the items of one transaction. */
    public static final int MAX_GROUP = 100;

    /** Where an entry stands. */
    public enum State { PENDING, HELD, SENT, ABSENT }

    private final DynamoDbClient dynamo;
    private final String table;
    private final AlertConfig config;
    private final SecureRandom random = new SecureRandom();

    public AlertOutbox(DynamoDbClient dynamo, AuthKeeperConfig authKeeper, AlertConfig config) {
        this.dynamo = dynamo;
        this.table = authKeeper.table();
        this.config = config;
    }

    /** A new entry; grouped merchant alerts wait {@code authkeeper.alerts.group-window} for their siblings. */
    public Alert create(String pk, AlertKind kind, Optional<String> merchantId, String subject, Optional<String> origin,
            String detail, Optional<Instant> since, Instant now) {
        byte[] suffix = new byte[4];
        random.nextBytes(suffix);
        String sk = TableLayout.ALERT_PREFIX + now + "#" + kind + "#" + HexFormat.of().formatHex(suffix);
        Instant deliverAt = kind.grouped() ? now.plus(config.groupWindow()) : now;
        return new Alert(pk, sk, kind, merchantId, subject, origin, detail, since, now, deliverAt, Optional.empty());
    }

    /** The write that records an entry, pending or held. */
    public TransactWriteItem record(Alert alert, boolean held) {
        return TransactWriteItem.builder().put(p -> p.tableName(table).item(item(alert, held))).build();
    }

    /** The item of a recorded entry, pending or held. */
    public Map<String, AttributeValue> item(Alert alert, boolean held) {
        var item = new LinkedHashMap<String, AttributeValue>();
        item.put(TableLayout.PK, s(alert.pk()));
        item.put(TableLayout.SK, s(alert.sk()));
        item.put("kind", s(alert.kind().name()));
        alert.merchantId().ifPresent(m -> item.put("merchantId", s(m)));
        item.put("subject", s(alert.subject()));
        alert.origin().ifPresent(o -> item.put("origin", s(o)));
        item.put("detail", s(alert.detail()));
        alert.since().ifPresent(since -> item.put("since", s(since.toString())));
        alert.app().ifPresent(app -> item.put("app", s(app)));
        item.put("createdAt", s(alert.createdAt().toString()));
        item.put(TableLayout.PENDING_ALERT, s(held ? TableLayout.HELD : TableLayout.PENDING));
        item.put(TableLayout.ALERT_AT, n(alert.deliverAt().toEpochMilli()));
        item.put(TableLayout.TTL, n(alert.createdAt().plus(config.retention()).getEpochSecond()));
        return item;
    }

    /** Pending entries that may go out until {@code until}, oldest first; held ones are left out. */
    public List<Alert> pending(Instant until) {
        return dynamo.queryPaginator(r -> r.tableName(table).indexName(TableLayout.PENDING_ALERTS_INDEX)
                        .keyConditionExpression("#p = :pending AND #at <= :until")
                        .expressionAttributeNames(Map.of("#p", TableLayout.PENDING_ALERT, "#at", TableLayout.ALERT_AT))
                        .expressionAttributeValues(Map.of(":pending", s(TableLayout.PENDING), ":until", n(until.toEpochMilli()))))
                .items().stream()
                .map(AlertOutbox::alert)
                .toList();
    }

    /**
     * Takes entries for publishing, all or none (at most {@link #MAX_GROUP}); false when another
     * publisher has one of them, or one was sent, held or cancelled meanwhile.
     */
    public boolean lease(List<Alert> alerts, Instant now, Instant until) {
        var leases = alerts.stream().map(alert -> ItemUpdate.of(key(alert))
                .set("leaseUntil", n(until.toEpochMilli()))
                .when(TableLayout.PENDING_ALERT, "=", s(TableLayout.PENDING))
                .when("attribute_not_exists(#leaseUntil) OR #leaseUntil < :now")
                .with(":now", n(now.toEpochMilli()))).toList();
        if (leases.size() > 1) {
            return Transactions.writeIfConditionsHold(dynamo, leases.stream().map(lease -> lease.transactItem(table)).toList());
        }
        // One entry needs no transaction (which costs twice the write units).
        return Transactions.updateIfConditionHolds(dynamo, leases.get(0).request(table));
    }

    /** Marks an entry sent: it leaves the pending index and is kept for its retention; {@code via} names the digest that carried it. */
    public void markSent(Alert alert, String messageId, Instant now, Optional<String> via) {
        var values = new LinkedHashMap<String, AttributeValue>();
        values.put(":at", s(now.toString()));
        values.put(":message", s(messageId));
        values.put(":ttl", n(now.plus(config.retention()).getEpochSecond()));
        via.ifPresent(v -> values.put(":via", s(v)));
        try {
            dynamo.updateItem(r -> r.tableName(table).key(key(alert))
                    .updateExpression("SET sentAt = :at, messageId = :message, #ttl = :ttl" + (via.isPresent() ? ", sentVia = :via" : "")
                            + " REMOVE #p, leaseUntil")
                    .conditionExpression("attribute_exists(#p)")
                    .expressionAttributeNames(Map.of("#p", TableLayout.PENDING_ALERT, "#ttl", TableLayout.TTL))
                    .expressionAttributeValues(values));
        } catch (ConditionalCheckFailedException e) {
            // Already marked by whoever sent it: nothing left to do.
        }
    }

    /** Where the entry {@code sk} under {@code pk} stands, read consistently. */
    public State state(String pk, String sk) {
        var item = dynamo.getItem(r -> r.tableName(table).key(Map.of(TableLayout.PK, s(pk), TableLayout.SK, s(sk)))
                .consistentRead(true)).item();
        if (item == null || item.isEmpty()) {
            return State.ABSENT;
        }
        return string(item, TableLayout.PENDING_ALERT)
                .map(p -> p.equals(TableLayout.HELD) ? State.HELD : State.PENDING)
                .orElse(State.SENT);
    }

    /**
     * What to record and cancel when a connection that needed reauthorization works again: a merchant
     * (or the integrator's app) that was told hears that it is fixed; one that was not hears nothing,
     * and what was waiting to go out is removed.
     */
    public record Recovery(List<Alert> recorded, List<String> cancelled, boolean wasHeld) {
    }

    public Recovery recovery(String pk, String merchantId, String connectionId, String app, String origin,
            Optional<String> incidentAlert, Optional<String> incidentEvent, Instant now) {
        State alertState = incidentAlert.map(sk -> state(pk, sk)).orElse(State.SENT);
        State eventState = incidentEvent.map(sk -> state(pk, sk)).orElse(State.SENT);
        var recorded = new ArrayList<Alert>();
        var cancelled = new ArrayList<String>();
        if (announced(alertState)) {
            recorded.add(create(pk, AlertKind.RECONNECTED, Optional.of(merchantId), connectionId, Optional.of(origin), "", Optional.of(now), now)
                    .withApp(app));
        } else {
            incidentAlert.ifPresent(cancelled::add);
        }
        if (announced(eventState)) {
            recorded.add(create(pk, AlertKind.EVENT_RECONNECTED, Optional.of(merchantId), connectionId, Optional.of(origin), "",
                    Optional.of(now), now).withApp(app));
        } else {
            incidentEvent.ifPresent(cancelled::add);
        }
        return new Recovery(List.copyOf(recorded), List.copyOf(cancelled), alertState == State.HELD);
    }

    /** Sent, or gone (sent and expired, or written before alerts were tracked): the merchant was told. */
    private static boolean announced(State state) {
        return state == State.SENT || state == State.ABSENT;
    }

    /** Holds a pending entry back (a mass rejection is being investigated); it keeps its place otherwise. */
    public TransactWriteItem hold(String pk, String sk) {
        return move(pk, sk, TableLayout.PENDING, TableLayout.HELD, Optional.empty());
    }

    /** Lets a held entry go out at {@code deliverAt}. */
    public TransactWriteItem release(String pk, String sk, Instant deliverAt) {
        return move(pk, sk, TableLayout.HELD, TableLayout.PENDING, Optional.of(deliverAt));
    }

    /** Removes an entry that must never go out (the connection recovered first); only while it is still unsent. */
    public TransactWriteItem cancel(String pk, String sk) {
        return TransactWriteItem.builder().delete(d -> d.tableName(table).key(Map.of(TableLayout.PK, s(pk), TableLayout.SK, s(sk)))
                .conditionExpression("attribute_exists(#p)")
                .expressionAttributeNames(Map.of("#p", TableLayout.PENDING_ALERT))).build();
    }

    private TransactWriteItem move(String pk, String sk, String from, String to, Optional<Instant> deliverAt) {
        var values = new LinkedHashMap<String, AttributeValue>();
        values.put(":from", s(from));
        values.put(":to", s(to));
        deliverAt.ifPresent(at -> values.put(":at", n(at.toEpochMilli())));
        return TransactWriteItem.builder().update(u -> u.tableName(table).key(Map.of(TableLayout.PK, s(pk), TableLayout.SK, s(sk)))
                .updateExpression("SET #p = :to" + (deliverAt.isPresent() ? ", #at = :at" : "") + " REMOVE leaseUntil")
                .conditionExpression("#p = :from")
                .expressionAttributeNames(deliverAt.isPresent()
                        ? Map.of("#p", TableLayout.PENDING_ALERT, "#at", TableLayout.ALERT_AT)
                        : Map.of("#p", TableLayout.PENDING_ALERT))
                .expressionAttributeValues(values)).build();
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
                Instant.parse(item.get("createdAt").s()),
                Instant.ofEpochMilli(Long.parseLong(item.get(TableLayout.ALERT_AT).n())),
                string(item, "app"));
    }
}
