package dev.authkeeper.sweep;

import static dev.authkeeper.connection.Attributes.n;
import static dev.authkeeper.connection.Attributes.number;
import static dev.authkeeper.connection.Attributes.s;
import static dev.authkeeper.connection.Attributes.string;

import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import dev.authkeeper.alert.Alert;
import dev.authkeeper.alert.AlertOutbox;
import dev.authkeeper.alert.ReauthorizationReason;
import dev.authkeeper.config.AuthKeeperConfig;
import dev.authkeeper.connection.Attributes;
import dev.authkeeper.connection.Connection;
import dev.authkeeper.connection.ConnectionRepository;
import dev.authkeeper.connection.ConnectionStatus;
import dev.authkeeper.connection.TableLayout;
import dev.authkeeper.connection.Transactions;
import dev.authkeeper.crypto.SealedToken;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;

/**
 * The sweep's reads and writes. Every write after the claim is conditional on the version the
 * claim saw, so a re-authorization that lands meanwhile (which bumps the version) always wins:
 * no stale status, no old token brought back.
 */
@ApplicationScoped
class SweepStore {

    private static final int PAGE_SIZE = 100;

    private final DynamoDbClient dynamo;
    private final ConnectionRepository connections;
    private final AlertOutbox outbox;
    private final String table;

    SweepStore(DynamoDbClient dynamo, ConnectionRepository connections, AlertOutbox outbox, AuthKeeperConfig config) {
        this.dynamo = dynamo;
        this.connections = connections;
        this.outbox = outbox;
        this.table = config.table();
    }

    /** Pages of keys of one shard's due connections, oldest first, fetched as they are consumed. */
    Iterator<QueryResponse> duePages(String shard, Instant now) {
        return dynamo.queryPaginator(r -> r.tableName(table).indexName(TableLayout.DUE_INDEX)
                .keyConditionExpression("#shard = :shard AND #next <= :now")
                .expressionAttributeNames(Map.of("#shard", TableLayout.DUE_SHARD, "#next", TableLayout.NEXT_CHECK_AT))
                .expressionAttributeValues(Map.of(":shard", s(shard), ":now", n(now.getEpochSecond())))
                .limit(PAGE_SIZE)).iterator();
    }

    /**
     * Takes a due connection for this run and moves its next check forward in the same write;
     * empty when another run took it first. {@code force} claims it whether due or not (a check
     * support asked for).
     */
    Optional<ClaimedConnection> claim(String pk, Instant now, Instant nextCheck, boolean force) {
        try {
            var attributes = dynamo.updateItem(r -> r.tableName(table)
                    .key(Map.of(TableLayout.PK, s(pk), TableLayout.SK, s(TableLayout.CONNECTION_SORT)))
                    .updateExpression("SET #next = :next, lastCheckAt = :at")
                    .conditionExpression(force ? "attribute_exists(pk)" : "attribute_exists(#shard) AND #next <= :now")
                    .expressionAttributeNames(force ? Map.of("#next", TableLayout.NEXT_CHECK_AT)
                            : Map.of("#next", TableLayout.NEXT_CHECK_AT, "#shard", TableLayout.DUE_SHARD))
                    .expressionAttributeValues(force
                            ? Map.of(":next", n(nextCheck.getEpochSecond()), ":at", s(now.toString()))
                            : Map.of(":next", n(nextCheck.getEpochSecond()), ":at", s(now.toString()), ":now", n(now.getEpochSecond())))
                    .returnValues(ReturnValue.ALL_NEW)).attributes();
            return Optional.of(claimed(attributes));
        } catch (ConditionalCheckFailedException e) {
            return Optional.empty();
        }
    }

    /** Tries again soon; false when the connection changed since the claim. */
    boolean reschedule(ClaimedConnection connection, Instant nextCheck, String cause) {
        return update(connection, "SET #next = :next, lastCheckError = :cause", "",
                Map.of(":next", n(nextCheck.getEpochSecond()), ":cause", s(cause)));
    }

    /** Takes the connection out of the due index: nothing more to check or say until it is authorized again. */
    boolean leaveDueIndex(ClaimedConnection connection) {
        return update(connection, "REMOVE #shard", "", Map.of());
    }

    /** Keeps the refresh token LWA rotated; false when the connection changed since the claim. */
    boolean replaceToken(ClaimedConnection connection, SealedToken token) {
        return update(connection, "SET #token = :token, #version = #version + :one REMOVE lastCheckError",
                " AND #status = :active",
                Map.of(":token", Attributes.sealedToken(token), ":one", n(1), ":active", s(ConnectionStatus.ACTIVE.name())));
    }

    /** Status NEEDS_REAUTHORIZATION, its history entry and the merchant alert, in one transaction. */
    boolean recordRevoked(ClaimedConnection connection, long version, ReauthorizationReason reason, Alert alert,
            Instant leaseUntil, Instant firstReminder, Instant now) {
        var values = new LinkedHashMap<String, AttributeValue>();
        values.put(":needs", s(ConnectionStatus.NEEDS_REAUTHORIZATION.name()));
        values.put(":active", s(ConnectionStatus.ACTIVE.name()));
        values.put(":reason", s(reason.name()));
        values.put(":now", s(now.toString()));
        values.put(":zero", n(0));
        values.put(":next", n(firstReminder.getEpochSecond()));
        values.put(":one", n(1));
        values.put(":version", n(version));
        var change = TransactWriteItem.builder().update(u -> u.tableName(table).key(TableLayout.connectionItemKey(connection.id()))
                .updateExpression("SET #status = :needs, statusReason = :reason, needsReauthorizationSince = :now, "
                        + "remindersSent = :zero, #next = :next, updatedAt = :now, #version = #version + :one REMOVE lastCheckError")
                .conditionExpression("#version = :version AND #status = :active")
                .expressionAttributeNames(Map.of("#status", "status", "#next", TableLayout.NEXT_CHECK_AT, "#version", "version"))
                .expressionAttributeValues(values)).build();
        var history = TransactWriteItem.builder().put(p -> p.tableName(table).item(connections.historyEntry(connection.id(), now, Map.of(
                "kind", s("STATUS_CHANGED"),
                "from", s(ConnectionStatus.ACTIVE.name()),
                "to", s(ConnectionStatus.NEEDS_REAUTHORIZATION.name()),
                "reason", s(reason.name()),
                "alert", s(alert.sk()))))).build();
        return Transactions.writeIfConditionsHold(dynamo, List.of(change, history, put(outbox.pendingItem(alert, leaseUntil))));
    }

    /** Counts a reminder and records its alert; after the last one the connection leaves the due index. */
    boolean recordReminder(ClaimedConnection connection, Alert alert, Instant leaseUntil, Optional<Instant> nextReminder) {
        var values = new LinkedHashMap<String, AttributeValue>();
        values.put(":sent", n(connection.remindersSent()));
        values.put(":one", n(1));
        values.put(":needs", s(ConnectionStatus.NEEDS_REAUTHORIZATION.name()));
        values.put(":version", n(connection.version()));
        nextReminder.ifPresent(next -> values.put(":next", n(next.getEpochSecond())));
        var names = new LinkedHashMap<String, String>();
        names.put("#status", "status");
        names.put("#version", "version");
        names.put(nextReminder.isPresent() ? "#next" : "#shard", nextReminder.isPresent() ? TableLayout.NEXT_CHECK_AT : TableLayout.DUE_SHARD);
        var change = TransactWriteItem.builder().update(u -> u.tableName(table).key(TableLayout.connectionItemKey(connection.id()))
                .updateExpression("SET remindersSent = :sent + :one" + (nextReminder.isPresent() ? ", #next = :next" : " REMOVE #shard"))
                .conditionExpression("#version = :version AND #status = :needs AND remindersSent = :sent")
                .expressionAttributeNames(names)
                .expressionAttributeValues(values)).build();
        return Transactions.writeIfConditionsHold(dynamo, List.of(change, put(outbox.pendingItem(alert, leaseUntil))));
    }

    /** Remembers the expiry threshold warned about and records the alert, once per threshold. */
    boolean recordExpiryWarning(ClaimedConnection connection, long version, int days, Alert alert, Instant leaseUntil) {
        var change = TransactWriteItem.builder().update(u -> u.tableName(table).key(TableLayout.connectionItemKey(connection.id()))
                .updateExpression("SET expiryWarnedDays = :days")
                .conditionExpression("#version = :version AND (attribute_not_exists(expiryWarnedDays) OR expiryWarnedDays > :days)")
                .expressionAttributeNames(Map.of("#version", "version"))
                .expressionAttributeValues(Map.of(":days", n(days), ":version", n(version)))).build();
        return Transactions.writeIfConditionsHold(dynamo, List.of(change, put(outbox.pendingItem(alert, leaseUntil))));
    }

    private boolean update(ClaimedConnection connection, String expression, String extraCondition, Map<String, AttributeValue> extraValues) {
        var values = new LinkedHashMap<String, AttributeValue>(extraValues);
        values.put(":version", n(connection.version()));
        var names = new LinkedHashMap<String, String>();
        names.put("#version", "version");
        if (expression.contains("#next")) {
            names.put("#next", TableLayout.NEXT_CHECK_AT);
        }
        if (expression.contains("#shard")) {
            names.put("#shard", TableLayout.DUE_SHARD);
        }
        if (expression.contains("#token")) {
            names.put("#token", "token");
        }
        if (extraCondition.contains("#status")) {
            names.put("#status", "status");
        }
        try {
            dynamo.updateItem(r -> r.tableName(table).key(TableLayout.connectionItemKey(connection.id()))
                    .updateExpression(expression)
                    .conditionExpression("#version = :version" + extraCondition)
                    .expressionAttributeNames(names)
                    .expressionAttributeValues(values));
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
    }

    private TransactWriteItem put(Map<String, AttributeValue> item) {
        return TransactWriteItem.builder().put(p -> p.tableName(table).item(item)).build();
    }


    private static ClaimedConnection claimed(Map<String, AttributeValue> item) {
        Connection connection = ConnectionRepository.connection(item);
        return new ClaimedConnection(
                connection.id(),
                connection.merchantId(),
                connection.origin(),
                connection.status(),
                Attributes.sealedToken(item),
                connection.authorizedAt(),
                connection.authorizationExpiresAt(),
                connection.version(),
                string(item, "needsReauthorizationSince").map(Instant::parse),
                string(item, "statusReason"),
                number(item, "remindersSent").map(Long::intValue).orElse(0),
                number(item, "expiryWarnedDays").map(Long::intValue));
    }
}
