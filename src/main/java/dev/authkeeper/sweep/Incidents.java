package dev.authkeeper.sweep;

import static dev.authkeeper.connection.Attributes.n;
import static dev.authkeeper.connection.Attributes.number;
import static dev.authkeeper.connection.Attributes.s;
import static dev.authkeeper.connection.Attributes.string;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import dev.authkeeper.alert.Alert;
import dev.authkeeper.alert.AlertKind;
import dev.authkeeper.alert.AlertOutbox;
import dev.authkeeper.config.AuthKeeperConfig;
import dev.authkeeper.connection.TableLayout;
import dev.authkeeper.connection.Transactions;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;

/**
 * Application-level incidents for operators: LWA refusing the app's credentials, and LWA failing
 * transiently run after run. One alert when an incident opens; it closes when a check succeeds.
 */
@ApplicationScoped
class Incidents {

    enum Kind { APP_CREDENTIALS, LWA_OUTAGE }

    private static final String OPEN = "OPEN";
    private static final String RESOLVED = "RESOLVED";

    private final DynamoDbClient dynamo;
    private final AlertOutbox outbox;
    private final String table;

    Incidents(DynamoDbClient dynamo, AlertOutbox outbox, AuthKeeperConfig config) {
        this.dynamo = dynamo;
        this.outbox = outbox;
        this.table = config.table();
    }

    /** Opens the incident with its operator alert, unless it is open already; the alert, if this opened it. */
    Optional<Alert> open(Kind kind, String detail, Instant now, Instant leaseUntil) {
        String pk = TableLayout.INCIDENT_PREFIX + kind;
        Alert alert = outbox.create(pk, kind == Kind.APP_CREDENTIALS ? AlertKind.APP_CREDENTIALS_REJECTED : AlertKind.LWA_OUTAGE,
                Optional.empty(), kind.name(), Optional.empty(), detail, Optional.of(now), now);
        var incident = TransactWriteItem.builder().update(u -> u.tableName(table).key(key(kind))
                .updateExpression("SET #status = :open, openedAt = :now, detail = :detail, alert = :alert")
                .conditionExpression("attribute_not_exists(#status) OR #status <> :open")
                .expressionAttributeNames(Map.of("#status", "status"))
                .expressionAttributeValues(Map.of(":open", s(OPEN), ":now", s(now.toString()), ":detail", s(detail),
                        ":alert", s(alert.sk())))).build();
        var record = TransactWriteItem.builder().put(p -> p.tableName(table).item(outbox.pendingItem(alert, leaseUntil))).build();
        return Transactions.writeIfConditionsHold(dynamo, List.of(incident, record)) ? Optional.of(alert) : Optional.empty();
    }

    /** Counts a run in which LWA only failed transiently; the count so far. */
    long countTransientRun() {
        var item = dynamo.updateItem(r -> r.tableName(table).key(key(Kind.LWA_OUTAGE))
                .updateExpression("ADD transientRuns :one")
                .expressionAttributeValues(Map.of(":one", n(1)))
                .returnValues(ReturnValue.ALL_NEW)).attributes();
        return number(item, "transientRuns").orElse(0L);
    }

    /** A check succeeded: closes open incidents and forgets transient runs (writes only what changed). */
    void checksSucceeded(Instant now) {
        var keys = List.of(key(Kind.APP_CREDENTIALS), key(Kind.LWA_OUTAGE));
        var found = dynamo.batchGetItem(r -> r.requestItems(Map.of(table, KeysAndAttributes.builder().keys(keys).consistentRead(true).build()))).responses().getOrDefault(table, List.of());
        for (var item : found) {
            boolean open = string(item, "status").filter(OPEN::equals).isPresent();
            boolean counting = number(item, "transientRuns").filter(runs -> runs > 0).isPresent();
            if (open || counting) {
                dynamo.updateItem(r -> r.tableName(table).key(Map.of(TableLayout.PK, item.get(TableLayout.PK), TableLayout.SK, item.get(TableLayout.SK)))
                        .updateExpression("SET #status = :resolved, resolvedAt = :now, transientRuns = :zero")
                        .expressionAttributeNames(Map.of("#status", "status"))
                        .expressionAttributeValues(Map.of(":resolved", s(RESOLVED), ":now", s(now.toString()), ":zero", n(0))));
            }
        }
    }

    private static Map<String, AttributeValue> key(Kind kind) {
        return Map.of(TableLayout.PK, s(TableLayout.INCIDENT_PREFIX + kind), TableLayout.SK, s("INCIDENT"));
    }
}
