package dev.authkeeper.connection;

import static dev.authkeeper.connection.Attributes.n;
import static dev.authkeeper.connection.Attributes.s;

import java.net.URI;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;

import dev.authkeeper.config.AuthKeeperConfig;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.Update;

/** Connections and their history in the DynamoDB table. */
@ApplicationScoped
public class ConnectionRepository {

    private final DynamoDbClient dynamo;
    private final String table;
    private final SecureRandom random = new SecureRandom();

    public ConnectionRepository(DynamoDbClient dynamo, AuthKeeperConfig config) {
        this.dynamo = dynamo;
        this.table = config.table();
    }

    public sealed interface Recorded {
        /** Stored; {@code reconnected} when the connection needed reauthorization until now. */
        record Saved(boolean reconnected) implements Recorded {
        }

        /** The account is connected to another merchant of the integrator; nothing was changed. */
        record HeldByAnotherMerchant() implements Recorded {
        }
    }

    /**
     * Stores a new authorization in one transaction: the connection (created, or updated in place
     * so that every attribute the integrator keeps on it survives) with its new sealed token, and
     * a history entry. The connection must be new or already belong to the same merchant. When it
     * needed reauthorization, the item {@code reconnectedNotice} makes is written in the same
     * transaction (the notice's outbox entry); that takes a second attempt, on that path only.
     */
    public Recorded recordAuthorization(Authorization authorization, Instant nextCheckAt,
            Supplier<Map<String, AttributeValue>> reconnectedNotice) {
        ConnectionId id = authorization.id();
        var write = authorizationWrite(authorization, nextCheckAt);
        write.values().put(":needs", s(ConnectionStatus.NEEDS_REAUTHORIZATION.name()));
        var history = history(id, authorization.authorizedAt(), Map.of(
                "kind", s("AUTHORIZED"),
                "merchantId", s(authorization.merchantId()),
                "flow", s(authorization.flow().name()),
                "authorizationExpiresAt", s(authorization.authorizationExpiresAt().toString())));
        var healthyOrNew = connectionUpdate(id, write.update(),
                "attribute_not_exists(pk) OR (#merchantId = :merchantId AND #status <> :needs)", write.names(), write.values());
        if (Transactions.writeIfConditionsHold(dynamo, List.of(healthyOrNew, history))) {
            return new Recorded.Saved(false);
        }
        var needingIt = connectionUpdate(id, write.update(), "#merchantId = :merchantId AND #status = :needs", write.names(), write.values());
        var notice = TransactWriteItem.builder().put(p -> p.tableName(table).item(reconnectedNotice.get())).build();
        if (Transactions.writeIfConditionsHold(dynamo, List.of(needingIt, history, notice))) {
            return new Recorded.Saved(true);
        }
        return new Recorded.HeldByAnotherMerchant();
    }

    /**
     * Moves a connection {@code fromMerchant} holds to the authorization's merchant, with its
     * token (support settling who a seller belongs to): the connection updated in place, a
     * history entry at {@code now}, and {@code alongside}, in one transaction. False, and nothing
     * written, when the connection no longer belongs to {@code fromMerchant} or a condition of
     * {@code alongside} fails.
     */
    public boolean transfer(Authorization authorization, String fromMerchant, Instant nextCheckAt, Instant now,
            List<TransactWriteItem> alongside) {
        ConnectionId id = authorization.id();
        var write = authorizationWrite(authorization, nextCheckAt);
        write.values().put(":from", s(fromMerchant));
        var items = new ArrayList<TransactWriteItem>();
        items.add(connectionUpdate(id, write.update(), "#merchantId = :from", write.names(), write.values()));
        items.add(history(id, now, Map.of(
                "kind", s("TRANSFERRED"),
                "fromMerchantId", s(fromMerchant),
                "merchantId", s(authorization.merchantId()),
                "flow", s(authorization.flow().name()),
                "authorizationExpiresAt", s(authorization.authorizationExpiresAt().toString()))));
        items.addAll(alongside);
        return Transactions.writeIfConditionsHold(dynamo, items);
    }

    private record Write(String update, Map<String, String> names, Map<String, AttributeValue> values) {
    }

    /** The connection's new authorization: token, status, merchant, dates; every other attribute stays. */
    private Write authorizationWrite(Authorization authorization, Instant nextCheckAt) {
        ConnectionId id = authorization.id();
        var names = new LinkedHashMap<String, String>();
        var values = new LinkedHashMap<String, AttributeValue>();
        var assignments = new StringBuilder();
        set(assignments, names, values, "merchantId", s(authorization.merchantId()));
        set(assignments, names, values, TableLayout.MERCHANT_KEY, s(authorization.merchantId()));
        set(assignments, names, values, TableLayout.CONNECTION_ID, s(id.value()));
        set(assignments, names, values, "marketplace", s(id.marketplace()));
        set(assignments, names, values, "region", s(id.region()));
        set(assignments, names, values, "accountId", s(id.accountId()));
        set(assignments, names, values, "origin", s(authorization.origin().toString()));
        set(assignments, names, values, "status", s(ConnectionStatus.ACTIVE.name()));
        set(assignments, names, values, "token", Attributes.sealedToken(authorization.token()));
        set(assignments, names, values, "authorizedAt", s(authorization.authorizedAt().toString()));
        set(assignments, names, values, "authorizationExpiresAt", s(authorization.authorizationExpiresAt().toString()));
        set(assignments, names, values, "lastFlow", s(authorization.flow().name()));
        set(assignments, names, values, TableLayout.NEXT_CHECK_AT, n(nextCheckAt.getEpochSecond()));
        set(assignments, names, values, TableLayout.DUE_SHARD, s(TableLayout.dueShard(id)));
        set(assignments, names, values, "updatedAt", s(authorization.authorizedAt().toString()));
        names.put("#createdAt", "createdAt");
        names.put("#version", "version");
        values.put(":zero", n(0));
        values.put(":one", n(1));
        // A new authorization starts over: no reason, reminders or warnings of the old one remain.
        String update = "SET " + assignments + ", #createdAt = if_not_exists(#createdAt, :updatedAt)"
                + ", #version = if_not_exists(#version, :zero) + :one"
                + " REMOVE statusReason, needsReauthorizationSince, remindersSent, expiryWarnedDays, lastCheckError";
        return new Write(update, names, values);
    }

    private TransactWriteItem history(ConnectionId id, Instant at, Map<String, AttributeValue> details) {
        return TransactWriteItem.builder().put(Put.builder().tableName(table).item(historyEntry(id, at, details)).build()).build();
    }

    private TransactWriteItem connectionUpdate(ConnectionId id, String update, String condition, Map<String, String> names,
            Map<String, AttributeValue> values) {
        return TransactWriteItem.builder().update(Update.builder()
                .tableName(table)
                .key(TableLayout.connectionItemKey(id))
                .updateExpression(update)
                .conditionExpression(condition)
                .expressionAttributeNames(names)
                .expressionAttributeValues(values)
                .build()).build();
    }

    public Optional<Connection> find(ConnectionId id) {
        var item = dynamo.getItem(r -> r.tableName(table).key(TableLayout.connectionItemKey(id)).consistentRead(true)).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(connection(item));
    }

    /** A merchant's connections, read page by page from the merchant index. */
    public List<Connection> ofMerchant(String merchantId) {
        return dynamo.queryPaginator(r -> r.tableName(table).indexName(TableLayout.BY_MERCHANT_INDEX)
                        .keyConditionExpression("#m = :m")
                        .expressionAttributeNames(Map.of("#m", TableLayout.MERCHANT_KEY))
                        .expressionAttributeValues(Map.of(":m", s(merchantId))))
                .items().stream()
                .map(ConnectionRepository::connection)
                .toList();
    }

    /** A history entry of a connection: an authorization, a status change, an alert's cause. */
    public Map<String, AttributeValue> historyEntry(ConnectionId id, Instant at, Map<String, AttributeValue> details) {
        byte[] suffix = new byte[4];
        random.nextBytes(suffix);
        var item = new LinkedHashMap<String, AttributeValue>(details);
        item.put(TableLayout.PK, s(TableLayout.connectionKey(id)));
        item.put(TableLayout.SK, s(TableLayout.HISTORY_PREFIX + at + "#" + HexFormat.of().formatHex(suffix)));
        item.put("at", s(at.toString()));
        return item;
    }

    private static void set(StringBuilder assignments, Map<String, String> names, Map<String, AttributeValue> values,
            String attribute, AttributeValue value) {
        if (!assignments.isEmpty()) {
            assignments.append(", ");
        }
        assignments.append('#').append(attribute).append(" = :").append(attribute);
        names.put("#" + attribute, attribute);
        values.put(":" + attribute, value);
    }



    /** A connection item as the flows read it. */
    public static Connection connection(Map<String, AttributeValue> item) {
        return new Connection(
                ConnectionId.parse(item.get(TableLayout.CONNECTION_ID).s()),
                item.get("merchantId").s(),
                URI.create(item.get("origin").s()),
                ConnectionStatus.valueOf(item.get("status").s()),
                Instant.parse(item.get("authorizedAt").s()),
                Instant.parse(item.get("authorizationExpiresAt").s()),
                Long.parseLong(item.get("version").n()));
    }
}
