package dev.authkeeper.alert;

import static dev.authkeeper.connection.Attributes.n;
import static dev.authkeeper.connection.Attributes.number;
import static dev.authkeeper.connection.Attributes.s;
import static dev.authkeeper.connection.Attributes.string;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import dev.authkeeper.config.AuthKeeperConfig;
import dev.authkeeper.connection.TableLayout;
import dev.authkeeper.connection.Transactions;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;

/**
 * Application-level incidents for operators: LWA refusing the app's credentials, LWA failing
 * transiently run after run, and a mass rejection of authorizations. One operator alert (and, for
 * the app's credentials, an integrator event) when an incident opens; each closes on evidence that
 * the cause is gone.
 */
@ApplicationScoped
public class Incidents {

    public enum Kind {
        APP_CREDENTIALS(AlertKind.APP_CREDENTIALS_REJECTED, AlertKind.EVENT_APP_CREDENTIALS_REJECTED, AlertKind.EVENT_APP_CREDENTIALS_RESTORED),
        LWA_OUTAGE(AlertKind.LWA_OUTAGE, null, null),
        MASS_REJECTION(AlertKind.MASS_REJECTION, null, null);

        private final AlertKind alert;
        private final AlertKind openedEvent;
        private final AlertKind closedEvent;

        Kind(AlertKind alert, AlertKind openedEvent, AlertKind closedEvent) {
            this.alert = alert;
            this.openedEvent = openedEvent;
            this.closedEvent = closedEvent;
        }
    }

    private static final String OPEN = "OPEN";
    private static final String RESOLVED = "RESOLVED";
    /** How long one instance trusts what it last read of an incident's state. */
    private static final Duration STATE_CACHE = Duration.ofSeconds(30);

    private record Seen(boolean open, Instant at) {
    }

    private final DynamoDbClient dynamo;
    private final AlertOutbox outbox;
    private final String table;
    private final Clock clock;
    private final Map<Kind, Seen> seen = new EnumMap<>(Kind.class);

    Incidents(DynamoDbClient dynamo, AlertOutbox outbox, AuthKeeperConfig config, Clock clock) {
        this.dynamo = dynamo;
        this.outbox = outbox;
        this.table = config.table();
        this.clock = clock;
    }

    /** Opens the incident with its operator alert (and event), unless it is open already; what this recorded. */
    public List<Alert> open(Kind kind, String detail, Instant now) {
        String pk = TableLayout.INCIDENT_PREFIX + kind;
        Alert alert = outbox.create(pk, kind.alert, Optional.empty(), kind.name(), Optional.empty(), detail, Optional.of(now), now);
        var recorded = new ArrayList<>(List.of(alert));
        if (kind.openedEvent != null) {
            recorded.add(outbox.create(pk, kind.openedEvent, Optional.empty(), kind.name(), Optional.empty(), detail, Optional.of(now), now));
        }
        var writes = new ArrayList<TransactWriteItem>();
        writes.add(TransactWriteItem.builder().update(u -> u.tableName(table).key(key(kind))
                .updateExpression("SET #status = :open, openedAt = :now, detail = :detail, alert = :alert")
                .conditionExpression("attribute_not_exists(#status) OR #status <> :open")
                .expressionAttributeNames(Map.of("#status", "status"))
                .expressionAttributeValues(Map.of(":open", s(OPEN), ":now", s(now.toString()), ":detail", s(detail),
                        ":alert", s(alert.sk())))).build());
        recorded.forEach(a -> writes.add(outbox.record(a, false)));
        boolean opened = Transactions.writeIfConditionsHold(dynamo, writes);
        remember(kind, true);
        return opened ? recorded : List.of();
    }

    /** Closes the incident if it is open; the event that says so, if it has one. */
    public List<Alert> resolve(Kind kind, Instant now) {
        String pk = TableLayout.INCIDENT_PREFIX + kind;
        var recorded = new ArrayList<Alert>();
        if (kind.closedEvent != null) {
            recorded.add(outbox.create(pk, kind.closedEvent, Optional.empty(), kind.name(), Optional.empty(), "resolved", Optional.of(now), now));
        }
        var writes = new ArrayList<TransactWriteItem>();
        writes.add(TransactWriteItem.builder().update(u -> u.tableName(table).key(key(kind))
                .updateExpression("SET #status = :resolved, resolvedAt = :now, transientRuns = :zero")
                .conditionExpression("#status = :open")
                .expressionAttributeNames(Map.of("#status", "status"))
                .expressionAttributeValues(Map.of(":resolved", s(RESOLVED), ":open", s(OPEN), ":now", s(now.toString()),
                        ":zero", n(0)))).build());
        recorded.forEach(a -> writes.add(outbox.record(a, false)));
        boolean resolved = Transactions.writeIfConditionsHold(dynamo, writes);
        remember(kind, false);
        return resolved ? recorded : List.of();
    }

    /** Whether the incident is open, as read at most {@link #STATE_CACHE} ago by this instance. */
    public boolean isOpen(Kind kind) {
        Instant now = clock.instant();
        synchronized (seen) {
            Seen last = seen.get(kind);
            if (last != null && last.at().plus(STATE_CACHE).isAfter(now)) {
                return last.open();
            }
        }
        var item = dynamo.getItem(r -> r.tableName(table).key(key(kind)).consistentRead(true)).item();
        boolean open = item != null && string(item, "status").filter(OPEN::equals).isPresent();
        remember(kind, open);
        return open;
    }

    /** When the open incident was opened. */
    public Optional<Instant> openedAt(Kind kind) {
        var item = dynamo.getItem(r -> r.tableName(table).key(key(kind)).consistentRead(true)).item();
        if (item == null || string(item, "status").filter(OPEN::equals).isEmpty()) {
            return Optional.empty();
        }
        return string(item, "openedAt").map(Instant::parse);
    }

    /** Counts a run in which LWA only failed transiently; the count so far. */
    public long countTransientRun() {
        var item = dynamo.updateItem(r -> r.tableName(table).key(key(Kind.LWA_OUTAGE))
                .updateExpression("ADD transientRuns :one")
                .expressionAttributeValues(Map.of(":one", n(1)))
                .returnValues(ReturnValue.ALL_NEW)).attributes();
        return number(item, "transientRuns").orElse(0L);
    }

    /** A check succeeded: closes open app-credential and outage incidents and forgets transient runs; what that recorded. */
    public List<Alert> checksSucceeded(Instant now) {
        var recorded = new ArrayList<Alert>();
        for (Kind kind : List.of(Kind.APP_CREDENTIALS, Kind.LWA_OUTAGE)) {
            if (isOpen(kind)) {
                recorded.addAll(resolve(kind, now));
            }
        }
        var outage = dynamo.getItem(r -> r.tableName(table).key(key(Kind.LWA_OUTAGE))).item();
        if (outage != null && number(outage, "transientRuns").filter(runs -> runs > 0).isPresent()) {
            dynamo.updateItem(r -> r.tableName(table).key(key(Kind.LWA_OUTAGE))
                    .updateExpression("SET transientRuns = :zero")
                    .expressionAttributeValues(Map.of(":zero", n(0))));
        }
        return recorded;
    }

    private void remember(Kind kind, boolean open) {
        synchronized (seen) {
            seen.put(kind, new Seen(open, clock.instant()));
        }
    }

    private static Map<String, AttributeValue> key(Kind kind) {
        return Map.of(TableLayout.PK, s(TableLayout.INCIDENT_PREFIX + kind), TableLayout.SK, s("INCIDENT"));
    }
}
