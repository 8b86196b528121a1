package dev.authkeeper.alert;

import static dev.authkeeper.table.Attributes.n;
import static dev.authkeeper.table.Attributes.number;
import static dev.authkeeper.table.Attributes.s;
import static dev.authkeeper.table.Attributes.string;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import dev.authkeeper.config.AuthKeeperConfig;
import dev.authkeeper.table.TableLayout;
import dev.authkeeper.table.Transactions;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;

/**
 * Application-level incidents for operators: LWA refusing an app's credentials (one incident per
 * app), LWA failing transiently run after run, and a mass rejection of authorizations. One operator
 * alert (and, for an app's credentials, an integrator event) when an incident opens; each closes on
 * evidence that the cause is gone. The default app's credentials incident keeps the key it had
 * before several apps ({@code INCIDENT#APP_CREDENTIALS}); another app's is {@code INCIDENT#APP_CREDENTIALS#<app>}.
 */
@ApplicationScoped
public class Incidents {

    public enum Kind {
        APP_CREDENTIALS(AlertKind.APP_CREDENTIALS_REJECTED, AlertKind.EVENT_APP_CREDENTIALS_REJECTED, AlertKind.EVENT_APP_CREDENTIALS_RESTORED),
        LWA_OUTAGE(AlertKind.LWA_OUTAGE, null, null),
        MASS_REJECTION(AlertKind.MASS_REJECTION, null, null),
        AWS_DEPENDENCY(AlertKind.AWS_DEPENDENCY_FAILING, null, null);

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

    /** One incident: a kind, for one app or for all of them. */
    private record Scope(Kind kind, Optional<String> app) {
        /** The default app's incident keeps the key it had before several apps. */
        String pk() {
            return TableLayout.INCIDENT_PREFIX + kind + app.filter(a -> !DEFAULT_APP.equals(a)).map(a -> "#" + a).orElse("");
        }

        /** What its alerts and events name as their subject. */
        String subject() {
            return kind.name();
        }
    }

    private final DynamoDbClient dynamo;
    private final AlertOutbox outbox;
    private final String table;
    private final Clock clock;
    /** {@code dev.authkeeper.app.App.DEFAULT}, which this package does not depend on. */
    static final String DEFAULT_APP = "default";
    private static final Scope OUTAGE = new Scope(Kind.LWA_OUTAGE, Optional.empty());

    private final Map<Scope, Seen> seen = new HashMap<>();

    Incidents(DynamoDbClient dynamo, AlertOutbox outbox, AuthKeeperConfig config, Clock clock) {
        this.dynamo = dynamo;
        this.outbox = outbox;
        this.table = config.table();
        this.clock = clock;
    }

    /** Opens the incident with its operator alert, unless it is open already; what this recorded. */
    public List<Alert> open(Kind kind, String detail, Instant now) {
        return open(new Scope(kind, Optional.empty()), detail, now);
    }

    /** Opens the incident of one app with its operator alert and event, both naming the app; what this recorded. */
    public List<Alert> openForApp(Kind kind, String app, String detail, Instant now) {
        return open(new Scope(kind, Optional.of(app)), detail, now);
    }

    private List<Alert> open(Scope scope, String detail, Instant now) {
        Kind kind = scope.kind();
        String pk = scope.pk();
        var recorded = new ArrayList<Alert>();
        recorded.add(entry(scope, kind.alert, detail, now));
        if (kind.openedEvent != null) {
            recorded.add(entry(scope, kind.openedEvent, detail, now));
        }
        var writes = new ArrayList<TransactWriteItem>();
        String alertSk = recorded.get(0).sk();
        writes.add(TransactWriteItem.builder().update(u -> u.tableName(table).key(key(scope))
                .updateExpression("SET #status = :open, openedAt = :now, detail = :detail, alert = :alert")
                .conditionExpression("attribute_not_exists(#status) OR #status <> :open")
                .expressionAttributeNames(Map.of("#status", "status"))
                .expressionAttributeValues(Map.of(":open", s(OPEN), ":now", s(now.toString()), ":detail", s(detail),
                        ":alert", s(alertSk)))).build());
        recorded.forEach(a -> writes.add(outbox.record(a, false)));
        boolean opened = Transactions.writeIfConditionsHold(dynamo, writes);
        remember(scope, true);
        return opened ? recorded : List.of();
    }

    /** Closes the incident if it is open; the event that says so, if it has one. */
    public List<Alert> resolve(Kind kind, Instant now) {
        return resolve(new Scope(kind, Optional.empty()), now);
    }

    /** Closes one app's incident if it is open; the event that says so, if it has one. */
    public List<Alert> resolveForApp(Kind kind, String app, Instant now) {
        return resolve(new Scope(kind, Optional.of(app)), now);
    }

    private List<Alert> resolve(Scope scope, Instant now) {
        Kind kind = scope.kind();
        var recorded = new ArrayList<Alert>();
        if (kind.closedEvent != null) {
            recorded.add(entry(scope, kind.closedEvent, "resolved", now));
        }
        var writes = new ArrayList<TransactWriteItem>();
        writes.add(TransactWriteItem.builder().update(u -> u.tableName(table).key(key(scope))
                .updateExpression("SET #status = :resolved, resolvedAt = :now, transientRuns = :zero")
                .conditionExpression("#status = :open")
                .expressionAttributeNames(Map.of("#status", "status"))
                .expressionAttributeValues(Map.of(":resolved", s(RESOLVED), ":open", s(OPEN), ":now", s(now.toString()),
                        ":zero", n(0)))).build());
        recorded.forEach(a -> writes.add(outbox.record(a, false)));
        boolean resolved = Transactions.writeIfConditionsHold(dynamo, writes);
        remember(scope, false);
        return resolved ? recorded : List.of();
    }

    /** Whether the incident is open, as read at most {@link #STATE_CACHE} ago by this instance. */
    public boolean isOpen(Kind kind) {
        return isOpen(new Scope(kind, Optional.empty()));
    }

    /** Whether one app's incident is open, as read at most {@link #STATE_CACHE} ago by this instance. */
    public boolean isOpenForApp(Kind kind, String app) {
        return isOpen(new Scope(kind, Optional.of(app)));
    }

    private boolean isOpen(Scope scope) {
        Instant now = clock.instant();
        synchronized (seen) {
            Seen last = seen.get(scope);
            if (last != null && last.at().plus(STATE_CACHE).isAfter(now)) {
                return last.open();
            }
        }
        var item = dynamo.getItem(r -> r.tableName(table).key(key(scope)).consistentRead(true)).item();
        boolean open = item != null && string(item, "status").filter(OPEN::equals).isPresent();
        remember(scope, open);
        return open;
    }

    /** When one app's open incident was opened. */
    public Optional<Instant> openedAtForApp(Kind kind, String app) {
        return openedAt(new Scope(kind, Optional.of(app)));
    }

    private Optional<Instant> openedAt(Scope scope) {
        var item = dynamo.getItem(r -> r.tableName(table).key(key(scope)).consistentRead(true)).item();
        if (item == null || string(item, "status").filter(OPEN::equals).isEmpty()) {
            return Optional.empty();
        }
        return string(item, "openedAt").map(Instant::parse);
    }

    /** Counts a run in which LWA only failed transiently; the count so far. */
    public long countTransientRun() {
        var item = dynamo.updateItem(r -> r.tableName(table).key(key(OUTAGE))
                .updateExpression("ADD transientRuns :one")
                .expressionAttributeValues(Map.of(":one", n(1)))
                .returnValues(ReturnValue.ALL_NEW)).attributes();
        return number(item, "transientRuns").orElse(0L);
    }

    /**
     * Checks of {@code apps}' connections succeeded: closes those apps' credential incidents and an
     * outage incident, and forgets transient runs; what that recorded.
     */
    public List<Alert> checksSucceeded(Collection<String> apps, Instant now) {
        var recorded = new ArrayList<Alert>();
        var scopes = new ArrayList<Scope>();
        apps.forEach(app -> scopes.add(new Scope(Kind.APP_CREDENTIALS, Optional.of(app))));
        scopes.add(OUTAGE);
        for (Scope scope : scopes) {
            if (isOpen(scope)) {
                recorded.addAll(resolve(scope, now));
            }
        }
        var outage = dynamo.getItem(r -> r.tableName(table).key(key(OUTAGE))).item();
        if (outage != null && number(outage, "transientRuns").filter(runs -> runs > 0).isPresent()) {
            dynamo.updateItem(r -> r.tableName(table).key(key(OUTAGE))
                    .updateExpression("SET transientRuns = :zero")
                    .expressionAttributeValues(Map.of(":zero", n(0))));
        }
        return recorded;
    }

    private Alert entry(Scope scope, AlertKind kind, String detail, Instant now) {
        Alert alert = outbox.create(scope.pk(), kind, Optional.empty(), scope.subject(), Optional.empty(), new AlertDetail.Text(detail),
                Optional.of(now), now);
        return scope.app().map(alert::withApp).orElse(alert);
    }

    private void remember(Scope scope, boolean open) {
        synchronized (seen) {
            seen.put(scope, new Seen(open, clock.instant()));
        }
    }

    private static Map<String, AttributeValue> key(Scope scope) {
        return Map.of(TableLayout.PK, s(scope.pk()), TableLayout.SK, s("INCIDENT"));
    }
}
