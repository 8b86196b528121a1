package dev.authkeeper.alert;

import static dev.authkeeper.table.Attributes.n;
import static dev.authkeeper.table.Attributes.number;
import static dev.authkeeper.table.Attributes.s;
import static dev.authkeeper.table.Attributes.string;

import java.security.SecureRandom;
import java.time.Clock;
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
 * The lease and a cancellation exclude each other: an entry being published is never cancelled
 * (a connection that works again meanwhile marks it instead, and its publisher records the
 * "reconnected" notice once it is sent, or removes it if the publish fails), and a cancelled entry
 * is never leased.
 */
@ApplicationScoped
public class AlertOutbox {

    /** DynamoDB's limit on the items of one transaction. */
    public static final int MAX_GROUP = 100;

    /** Where an entry stands; {@code PUBLISHING}: pending and leased by a publisher now. */
    public enum State { PENDING, PUBLISHING, HELD, SENT, ABSENT }

    /** Set on an entry being published when its connection works again meanwhile: the publisher follows it with a "reconnected" notice. */
    private static final String RECOVERED_AT = "recoveredAt";
    private static final String LEASE_UNTIL = "leaseUntil";

    private final DynamoDbClient dynamo;
    private final String table;
    private final AlertConfig config;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    public AlertOutbox(DynamoDbClient dynamo, AuthKeeperConfig authKeeper, AlertConfig config, Clock clock) {
        this.dynamo = dynamo;
        this.table = authKeeper.table();
        this.config = config;
        this.clock = clock;
    }

    /**
     * A new entry; grouped merchant alerts wait {@code authkeeper.alerts.group-window} for their siblings.
     * Its detail must be the one its kind carries, so that it reads back from the table as it was recorded.
     */
    public Alert create(String pk, AlertKind kind, Optional<String> merchantId, String subject, Optional<String> origin,
            AlertDetail detail, Optional<Instant> since, Instant now) {
        if (!AlertDetail.read(kind, detail.stored()).equals(detail)) {
            throw new IllegalArgumentException(kind + " does not carry a detail of type " + detail.getClass().getSimpleName());
        }
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
        item.put("detail", s(alert.detail().stored()));
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
                .set(LEASE_UNTIL, n(until.toEpochMilli()))
                .when(TableLayout.PENDING_ALERT, "=", s(TableLayout.PENDING))
                .when("attribute_not_exists(#leaseUntil) OR #leaseUntil < :now")
                .with(":now", n(now.toEpochMilli()))).toList();
        if (leases.size() > 1) {
            return Transactions.writeIfConditionsHold(dynamo, leases.stream().map(lease -> lease.transactItem(table)).toList());
        }
        // One entry needs no transaction (which costs twice the write units).
        return Transactions.updateIfConditionHolds(dynamo, leases.get(0).request(table));
    }

    /**
     * Marks an entry sent: it leaves the pending index and is kept for its retention; {@code via}
     * names the digest that carried it. Returns what must follow it: the "reconnected" notice (or
     * event) recorded in the same write when its connection worked again while it was published.
     */
    public List<Alert> markSent(Alert alert, String messageId, Instant now, Optional<String> via) {
        if (Transactions.updateIfConditionHolds(dynamo, sent(alert, messageId, now, via).whenAbsent(RECOVERED_AT).request(table))) {
            return List.of();
        }
        var item = dynamo.getItem(r -> r.tableName(table).key(key(alert)).consistentRead(true)).item();
        if (item == null || !item.containsKey(TableLayout.PENDING_ALERT) || !item.containsKey(RECOVERED_AT)) {
            return List.of(); // already marked by whoever sent it: nothing left to do
        }
        var notice = reconnected(alert.pk(), alert.kind().audience() == AlertKind.Audience.INTEGRATOR
                        ? AlertKind.EVENT_RECONNECTED : AlertKind.RECONNECTED, alert.merchantId().orElseThrow(), alert.subject(),
                alert.app(), alert.origin().orElse(""), now);
        var writes = List.of(sent(alert, messageId, now, via).whenExists(RECOVERED_AT).transactItem(table), record(notice, false));
        return Transactions.writeIfConditionsHold(dynamo, writes) ? List.of(notice) : List.of();
    }

    /** The write that marks an entry sent, while it is still pending. */
    private ItemUpdate sent(Alert alert, String messageId, Instant now, Optional<String> via) {
        var update = ItemUpdate.of(key(alert))
                .set("sentAt", s(now.toString()))
                .set("messageId", s(messageId))
                .set(TableLayout.TTL, n(now.plus(config.retention()).getEpochSecond()))
                .remove(TableLayout.PENDING_ALERT, LEASE_UNTIL)
                .whenExists(TableLayout.PENDING_ALERT);
        via.ifPresent(v -> update.set("sentVia", s(v)));
        return update;
    }

    /**
     * Gives back entries whose publish failed, leased until {@code leasedUntil}: each is pending again
     * for the next pass, except one whose connection worked again meanwhile, which is removed (nobody
     * was told, so nobody hears of the fix either).
     */
    public void publishFailed(List<Alert> alerts, Instant leasedUntil) {
        for (Alert alert : alerts) {
            var released = ItemUpdate.of(key(alert)).remove(LEASE_UNTIL)
                    .when(LEASE_UNTIL, "=", n(leasedUntil.toEpochMilli()))
                    .whenAbsent(RECOVERED_AT);
            if (!Transactions.updateIfConditionHolds(dynamo, released.request(table))) {
                try {
                    dynamo.deleteItem(r -> r.tableName(table).key(key(alert))
                            .conditionExpression("#lease = :lease AND attribute_exists(#recovered)")
                            .expressionAttributeNames(Map.of("#lease", LEASE_UNTIL, "#recovered", RECOVERED_AT))
                            .expressionAttributeValues(Map.of(":lease", n(leasedUntil.toEpochMilli()))));
                } catch (ConditionalCheckFailedException e) {
                    // Its lease ran out and another publisher has it now: that one decides.
                }
            }
        }
    }

    /** Where the entry {@code sk} under {@code pk} stands, read consistently. */
    public State state(String pk, String sk) {
        var item = dynamo.getItem(r -> r.tableName(table).key(Map.of(TableLayout.PK, s(pk), TableLayout.SK, s(sk)))
                .consistentRead(true)).item();
        if (item == null || item.isEmpty()) {
            return State.ABSENT;
        }
        if (string(item, TableLayout.PENDING_ALERT).isEmpty()) {
            return State.SENT;
        }
        if (item.get(TableLayout.PENDING_ALERT).s().equals(TableLayout.HELD)) {
            return State.HELD;
        }
        boolean leased = number(item, LEASE_UNTIL).filter(until -> until >= clock.millis()).isPresent();
        return leased ? State.PUBLISHING : State.PENDING;
    }

    /**
     * What to record, cancel and follow when a connection that needed reauthorization works again: a
     * merchant (or the integrator's app) that was told hears that it is fixed; one that was not hears
     * nothing, and what was waiting to go out is removed; one being told right now ({@code followed})
     * hears of the fix from the publisher, once what it is being told was sent.
     */
    public record Recovery(List<Alert> recorded, List<String> cancelled, List<String> followed, boolean appTold, boolean wasHeld) {

        /** Whether anyone was told, or is being told, that the connection needed reauthorization. */
        public boolean anyoneTold() {
            return !recorded.isEmpty() || !followed.isEmpty();
        }
    }

    public Recovery recovery(String pk, String merchantId, String connectionId, String app, String origin,
            Optional<String> incidentAlert, Optional<String> incidentEvent, Instant now) {
        State alertState = incidentAlert.map(sk -> state(pk, sk)).orElse(State.SENT);
        State eventState = incidentEvent.map(sk -> state(pk, sk)).orElse(State.SENT);
        var recorded = new ArrayList<Alert>();
        var cancelled = new ArrayList<String>();
        var followed = new ArrayList<String>();
        decide(alertState, incidentAlert, () -> recorded.add(reconnected(pk, AlertKind.RECONNECTED, merchantId, connectionId, Optional.of(app),
                origin, now)), cancelled, followed);
        decide(eventState, incidentEvent, () -> recorded.add(reconnected(pk, AlertKind.EVENT_RECONNECTED, merchantId, connectionId,
                Optional.of(app), origin, now)), cancelled, followed);
        boolean appTold = announced(eventState) || eventState == State.PUBLISHING;
        return new Recovery(List.copyOf(recorded), List.copyOf(cancelled), List.copyOf(followed), appTold, alertState == State.HELD);
    }

    private static void decide(State state, Optional<String> sk, Runnable tell, List<String> cancelled, List<String> followed) {
        switch (state) {
            case SENT, ABSENT -> tell.run();
            case PUBLISHING -> sk.ifPresent(followed::add);
            case PENDING, HELD -> sk.ifPresent(cancelled::add);
        }
    }

    /** The writes of a recovery: its notices recorded, what waited cancelled, what is being published marked to be followed. */
    public List<TransactWriteItem> writes(String pk, Recovery recovery) {
        var writes = new ArrayList<TransactWriteItem>();
        recovery.recorded().forEach(alert -> writes.add(record(alert, false)));
        recovery.cancelled().forEach(sk -> writes.add(cancel(pk, sk)));
        recovery.followed().forEach(sk -> writes.add(follow(pk, sk)));
        return writes;
    }

    private Alert reconnected(String pk, AlertKind kind, String merchantId, String connectionId, Optional<String> app, String origin,
            Instant now) {
        var notice = create(pk, kind, Optional.of(merchantId), connectionId, Optional.of(origin), new AlertDetail.None(), Optional.of(now),
                now);
        return app.map(notice::withApp).orElse(notice);
    }

    /** Marks an entry being published, while it still is: its publisher follows it with the "reconnected" notice. */
    private TransactWriteItem follow(String pk, String sk) {
        return TransactWriteItem.builder().update(u -> u.tableName(table).key(Map.of(TableLayout.PK, s(pk), TableLayout.SK, s(sk)))
                .updateExpression("SET #recovered = :now")
                .conditionExpression("#p = :pending AND #lease >= :now")
                .expressionAttributeNames(Map.of("#p", TableLayout.PENDING_ALERT, "#lease", LEASE_UNTIL, "#recovered", RECOVERED_AT))
                .expressionAttributeValues(Map.of(":pending", s(TableLayout.PENDING), ":now", n(clock.millis())))).build();
    }

    /**
     * The sort keys of the connection's entries that have not gone out and are not going out now
     * (pending or held, not leased): all of them (a disconnection), or only the alerts and events
     * addressed to {@code merchantId} (a transfer away from that merchant). At most {@code limit}.
     */
    public List<String> cancellable(String pk, Optional<String> merchantId, int limit) {
        long now = clock.millis();
        return dynamo.queryPaginator(r -> r.tableName(table).consistentRead(true)
                        .keyConditionExpression("#pk = :pk AND begins_with(#sk, :alert)")
                        .filterExpression("attribute_exists(#p)")
                        .expressionAttributeNames(Map.of("#pk", TableLayout.PK, "#sk", TableLayout.SK, "#p", TableLayout.PENDING_ALERT))
                        .expressionAttributeValues(Map.of(":pk", s(pk), ":alert", s(TableLayout.ALERT_PREFIX))))
                .items().stream()
                .filter(item -> number(item, LEASE_UNTIL).filter(until -> until >= now).isEmpty())
                .filter(item -> merchantId.isEmpty() || merchantId.equals(string(item, "merchantId"))
                        && AlertKind.valueOf(item.get("kind").s()).audience() != AlertKind.Audience.OPERATOR)
                .map(item -> item.get(TableLayout.SK).s())
                .limit(limit)
                .toList();
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

    /**
     * Removes an entry that must never go out (the connection recovered first); only while it is
     * still unsent and no publisher holds it.
     */
    public TransactWriteItem cancel(String pk, String sk) {
        return TransactWriteItem.builder().delete(d -> d.tableName(table).key(Map.of(TableLayout.PK, s(pk), TableLayout.SK, s(sk)))
                .conditionExpression("attribute_exists(#p) AND (attribute_not_exists(#lease) OR #lease < :now)")
                .expressionAttributeNames(Map.of("#p", TableLayout.PENDING_ALERT, "#lease", LEASE_UNTIL))
                .expressionAttributeValues(Map.of(":now", n(clock.millis())))).build();
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
        AlertKind kind = AlertKind.valueOf(item.get("kind").s());
        return new Alert(
                item.get(TableLayout.PK).s(),
                item.get(TableLayout.SK).s(),
                kind,
                string(item, "merchantId"),
                item.get("subject").s(),
                string(item, "origin"),
                AlertDetail.read(kind, item.get("detail").s()),
                string(item, "since").map(Instant::parse),
                Instant.parse(item.get("createdAt").s()),
                Instant.ofEpochMilli(Long.parseLong(item.get(TableLayout.ALERT_AT).n())),
                string(item, "app"));
    }
}
