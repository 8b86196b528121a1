package dev.authkeeper.connection;

import static dev.authkeeper.table.Attributes.n;
import static dev.authkeeper.table.Attributes.s;

import java.net.URI;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

import jakarta.enterprise.context.ApplicationScoped;

import dev.authkeeper.config.AlertConfig;
import dev.authkeeper.config.AuthKeeperConfig;
import dev.authkeeper.crypto.SealedToken;
import dev.authkeeper.crypto.TokenAttributes;
import dev.authkeeper.table.Attributes;
import dev.authkeeper.table.ConnectionId;
import dev.authkeeper.table.ItemUpdate;
import dev.authkeeper.table.TableLayout;
import dev.authkeeper.table.Transactions;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;

/** Connections and their history in the DynamoDB table. */
@ApplicationScoped
public class ConnectionRepository {

    private final DynamoDbClient dynamo;
    private final String table;
    private final Duration retention;
    private final SecureRandom random = new SecureRandom();

    public ConnectionRepository(DynamoDbClient dynamo, AuthKeeperConfig config, AlertConfig alerts) {
        this.dynamo = dynamo;
        this.table = config.table();
        this.retention = alerts.retention();
    }

    /** What the connection was before an authorization was recorded. */
    public record Prior(Optional<ConnectionStatus> status, Optional<String> merchantId, long version, Optional<String> incidentAlert,
            Optional<String> incidentEvent) {

        static final Prior NONE = new Prior(Optional.empty(), Optional.empty(), 0, Optional.empty(), Optional.empty());

        public boolean exists() {
            return status.isPresent();
        }

        /** Held by another merchant, unless the integrator disconnected it (then anyone may connect it afresh). */
        boolean heldByAnotherThan(String merchant) {
            return status.filter(s -> s != ConnectionStatus.DISCONNECTED).isPresent() && !merchantId.orElseThrow().equals(merchant);
        }
    }

    public sealed interface Recorded {
        /** Stored; {@code prior} says what it replaced. */
        record Saved(Prior prior) implements Recorded {
        }

        /** The account is connected to another merchant of the integrator; nothing was changed. */
        record HeldByAnotherMerchant(Prior prior) implements Recorded {
        }
    }

    /**
     * Stores a new authorization in one transaction: the connection (created, or updated in place so
     * that every attribute the integrator keeps on it survives) with its new sealed token, placed in
     * the round of checks; a history entry; and what {@code extras} adds for the state it replaces
     * (events, a "reconnected" notice, cancelling alerts not sent yet). The write is conditional on
     * the version read first, so a check or another authorization in between makes it read again.
     */
    public Recorded recordAuthorization(Authorization authorization, Function<Prior, List<TransactWriteItem>> extras) {
        ConnectionId id = authorization.id();
        for (int attempt = 0; attempt < 3; attempt++) {
            Prior prior = prior(id);
            if (prior.heldByAnotherThan(authorization.merchantId())) {
                return new Recorded.HeldByAnotherMerchant(prior);
            }
            var update = authorizationUpdate(authorization);
            if (prior.exists()) {
                update.when("version", "=", n(prior.version()));
            } else {
                update.whenAbsent(TableLayout.PK);
            }
            var history = history(id, authorization.authorizedAt(), Map.of(
                    "kind", s(prior.exists() ? "REAUTHORIZED" : "AUTHORIZED"),
                    "merchantId", s(authorization.merchantId()),
                    "flow", s(authorization.flow().name()),
                    "app", s(authorization.app()),
                    "authorizationExpiresAt", s(authorization.authorizationExpiresAt().toString())));
            var writes = new ArrayList<TransactWriteItem>(List.of(update.transactItem(table), history));
            writes.addAll(extras.apply(prior));
            if (Transactions.writeIfConditionsHold(dynamo, writes)) {
                return new Recorded.Saved(prior);
            }
        }
        throw new IllegalStateException("connection " + id + " kept changing while an authorization was recorded");
    }

    /**
     * Moves a connection {@code fromMerchant} holds to the authorization's merchant, with its
     * token (support settling who a seller belongs to, {@code requestedBy}): the connection updated
     * in place, a history entry at {@code now}, and {@code alongside}, in one transaction. False, and nothing
     * written, when the connection no longer belongs to {@code fromMerchant} or a condition of
     * {@code alongside} fails.
     */
    public boolean transfer(Authorization authorization, String fromMerchant, String requestedBy, Instant now,
            List<TransactWriteItem> alongside) {
        ConnectionId id = authorization.id();
        var items = new ArrayList<TransactWriteItem>();
        items.add(authorizationUpdate(authorization).when("merchantId", "=", s(fromMerchant)).transactItem(table));
        items.add(history(id, now, Map.of(
                "kind", s("TRANSFERRED"),
                "fromMerchantId", s(fromMerchant),
                "merchantId", s(authorization.merchantId()),
                "flow", s(authorization.flow().name()),
                "app", s(authorization.app()),
                "requestedBy", s(requestedBy),
                "authorizationExpiresAt", s(authorization.authorizationExpiresAt().toString()))));
        items.addAll(alongside);
        return Transactions.writeIfConditionsHold(dynamo, items);
    }

    /** The connection's new authorization: token, status, merchant, dates, a place in the round; every other attribute stays. */
    private ItemUpdate authorizationUpdate(Authorization authorization) {
        ConnectionId id = authorization.id();
        var update = ItemUpdate.of(TableLayout.connectionItemKey(id));
        id.region().ifPresent(region -> update.set("region", s(region)));
        return update
                .set("merchantId", s(authorization.merchantId()))
                .set(TableLayout.MERCHANT_KEY, s(authorization.merchantId()))
                .set(TableLayout.CONNECTION_ID, s(id.value()))
                .set("marketplace", s(id.marketplace()))
                .set("accountId", s(id.accountId()))
                .set("origin", s(authorization.origin().toString()))
                .set("status", s(ConnectionStatus.ACTIVE.name()))
                .set("token", TokenAttributes.sealedToken(authorization.token()))
                .set("authorizedAt", s(authorization.authorizedAt().toString()))
                .set("authorizationExpiresAt", s(authorization.authorizationExpiresAt().toString()))
                .set("lastFlow", s(authorization.flow().name()))
                .set("app", s(authorization.app()))
                .set(TableLayout.CHECK_PARTITION, s(TableLayout.checkPartition(id)))
                .set(TableLayout.CHECK_ORDER, s(TableLayout.checkOrder(id)))
                .set("updatedAt", s(authorization.authorizedAt().toString()))
                .setIfAbsent("createdAt", s(authorization.authorizedAt().toString()))
                .increment("version")
                // A new authorization starts over: no reason, reminders, warnings or retries of the old one remain.
                .remove("previousToken", "statusReason", "needsReauthorizationSince", "remindersSent", "expiryWarnedDays", "lastCheckError",
                        "lastFailureAt", "incidentAlert", "incidentEvent", "disconnectedAt", TableLayout.DUE_SHARD,
                        TableLayout.NEXT_CHECK_AT);
    }

    private TransactWriteItem history(ConnectionId id, Instant at, Map<String, AttributeValue> details) {
        return TransactWriteItem.builder().put(p -> p.tableName(table).item(historyEntry(id, at, details))).build();
    }

    private Prior prior(ConnectionId id) {
        var item = dynamo.getItem(r -> r.tableName(table).key(TableLayout.connectionItemKey(id)).consistentRead(true)).item();
        if (item == null || item.isEmpty()) {
            return Prior.NONE;
        }
        return new Prior(Optional.of(ConnectionStatus.valueOf(item.get("status").s())), Attributes.string(item, "merchantId"),
                Attributes.number(item, "version").orElse(0L), Attributes.string(item, "incidentAlert"),
                Attributes.string(item, "incidentEvent"));
    }

    /** The app (by configured name) the connection was last authorized with; empty for one authorized before several apps. */
    public Optional<String> appOf(ConnectionId id) {
        var item = dynamo.getItem(r -> r.tableName(table).key(TableLayout.connectionItemKey(id))
                .projectionExpression("#app").expressionAttributeNames(Map.of("#app", "app"))).item();
        return item == null ? Optional.empty() : Attributes.string(item, "app");
    }

    /**
     * The refresh token kept sealed beside the current one of a marketplace whose tokens rotate, if
     * the connection is still at {@code version} (the two belong together only then).
     */
    public Optional<SealedToken> previousToken(ConnectionId id, long version) {
        var item = dynamo.getItem(r -> r.tableName(table).key(TableLayout.connectionItemKey(id)).consistentRead(true)
                .projectionExpression("previousToken, version")).item();
        if (item == null || !item.containsKey("previousToken")
                || Attributes.number(item, "version").filter(v -> v == version).isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(TokenAttributes.sealedToken(item, "previousToken"));
    }

    /**
     * Erases everything kept of the connection: its item, history, alerts and events, cached access
     * token; what a marketplace's data-erasure request (Shopify's {@code shop/redact}) asks for.
     * Rare and small, so item by item. Returns how many items were erased.
     */
    public int erase(ConnectionId id) {
        var keys = dynamo.queryPaginator(r -> r.tableName(table).consistentRead(true)
                        .keyConditionExpression("#pk = :pk")
                        .projectionExpression("#pk, #sk")
                        .expressionAttributeNames(Map.of("#pk", TableLayout.PK, "#sk", TableLayout.SK))
                        .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS(TableLayout.connectionKey(id)))))
                .items().stream().toList();
        keys.forEach(key -> dynamo.deleteItem(r -> r.tableName(table).key(key)));
        return keys.size();
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

    /** A history entry of a connection (an authorization, a status change), kept for the retention period. */
    public Map<String, AttributeValue> historyEntry(ConnectionId id, Instant at, Map<String, AttributeValue> details) {
        byte[] suffix = new byte[4];
        random.nextBytes(suffix);
        var item = new LinkedHashMap<String, AttributeValue>(details);
        item.put(TableLayout.PK, s(TableLayout.connectionKey(id)));
        item.put(TableLayout.SK, s(TableLayout.HISTORY_PREFIX + at + "#" + HexFormat.of().formatHex(suffix)));
        item.put("at", s(at.toString()));
        item.put(TableLayout.TTL, n(at.plus(retention).getEpochSecond()));
        return item;
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
