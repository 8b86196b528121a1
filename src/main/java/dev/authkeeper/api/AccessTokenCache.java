package dev.authkeeper.api;

import static dev.authkeeper.table.Attributes.n;
import static dev.authkeeper.table.Attributes.number;
import static dev.authkeeper.table.Attributes.s;
import static dev.authkeeper.table.Attributes.string;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import dev.authkeeper.config.AuthKeeperConfig;
import dev.authkeeper.crypto.SealedToken;
import dev.authkeeper.crypto.TokenAttributes;
import dev.authkeeper.table.ConnectionId;
import dev.authkeeper.table.ItemUpdate;
import dev.authkeeper.table.TableLayout;
import dev.authkeeper.table.Transactions;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;

/**
 * A connection's cached access token: the item {@code pk = CONNECTION#<id>}, {@code sk = ACCESS_TOKEN}
 * beside the connection, holding the token sealed as {@code ACCESS} for that connection, when it
 * expires (epoch seconds), the connection {@code version} it was minted under (a re-authorization
 * bumps it, so the token is no longer served), and the lease of the one request minting a new one.
 */
@ApplicationScoped
public class AccessTokenCache {

    static final String SORT = "ACCESS_TOKEN";
    private static final int READ_ATTEMPTS = 3;

    /** What the item holds; every field may be absent. */
    public record Entry(Optional<SealedToken> token, Optional<Instant> expiresAt, Optional<Long> connectionVersion,
            Optional<Instant> leaseUntil, Optional<String> leaseOwner, Optional<String> failure) {

        static final Entry NONE = new Entry(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty());

        /** A token minted under {@code version} that lasts beyond {@code freshUntil}. */
        public boolean freshFor(long version, Instant freshUntil) {
            return token.isPresent() && connectionVersion.filter(v -> v == version).isPresent()
                    && expiresAt.filter(at -> at.getEpochSecond() > freshUntil.getEpochSecond()).isPresent();
        }

        /** Another request holds the lease at {@code now}. */
        public boolean leased(Instant now) {
            return leaseUntil.filter(until -> until.isAfter(now)).isPresent();
        }
    }

    /** The connection item and the cache entry, read together. */
    public record Read(Optional<Map<String, AttributeValue>> connection, Entry entry) {
    }

    private final DynamoDbClient dynamo;
    private final String table;

    AccessTokenCache(DynamoDbClient dynamo, AuthKeeperConfig config) {
        this.dynamo = dynamo;
        this.table = config.table();
    }

    /** The connection and its cache entry, consistently, in one BatchGetItem: all a cached answer costs. */
    public Read read(ConnectionId id) {
        var connectionKey = TableLayout.connectionItemKey(id);
        var entryKey = key(id);
        var wanted = KeysAndAttributes.builder().keys(connectionKey, entryKey).consistentRead(true).build();
        Optional<Map<String, AttributeValue>> connection = Optional.empty();
        Entry entry = Entry.NONE;
        for (int attempt = 1; ; attempt++) {
            var request = wanted;
            var result = dynamo.batchGetItem(r -> r.requestItems(Map.of(table, request)));
            for (var item : result.responses().getOrDefault(table, List.of())) {
                if (item.get(TableLayout.SK).s().equals(SORT)) {
                    entry = entry(item);
                } else {
                    connection = Optional.of(item);
                }
            }
            var unprocessed = result.unprocessedKeys().get(table);
            if (unprocessed == null || unprocessed.keys().isEmpty()) {
                return new Read(connection, entry);
            }
            if (attempt == READ_ATTEMPTS) {
                throw new Busy();
            }
            wanted = unprocessed;
        }
    }

    /** DynamoDB kept answering part of a read with "unprocessed" (throttling): the caller is asked to come back. */
    public static final class Busy extends RuntimeException {
        Busy() {
            super("DynamoDB throttled the read", null, false, false);
        }
    }

    /**
     * Takes the lease for minting a token under {@code version}: only while nobody holds it and no
     * token minted under that version lasts beyond {@code freshUntil}, so a request that read
     * before another's token landed never mints a second one.
     */
    public boolean lease(ConnectionId id, long version, String owner, Instant now, Instant until, Instant freshUntil) {
        var update = ItemUpdate.of(key(id))
                .set("leaseUntil", n(until.toEpochMilli()))
                .set("leaseOwner", s(owner))
                .set(TableLayout.TTL, n(until.plus(Duration.ofDays(1)).getEpochSecond()))
                .remove("failure", "token", "expiresAt", "connectionVersion")
                .when("attribute_not_exists(#leaseUntil) OR #leaseUntil < :now")
                .when("attribute_not_exists(#token) OR #connectionVersion <> :version OR #expiresAt <= :freshUntil")
                .with(":now", n(now.toEpochMilli()))
                .with(":version", n(version))
                .with(":freshUntil", n(freshUntil.getEpochSecond()));
        return Transactions.updateIfConditionHolds(dynamo, update.request(table));
    }

    /** Stores the new token and frees the lease, if {@code owner} still holds it. */
    public boolean store(ConnectionId id, String owner, SealedToken token, Instant expiresAt, long version) {
        var update = ItemUpdate.of(key(id))
                .set("token", TokenAttributes.sealedToken(token))
                .set("expiresAt", n(expiresAt.getEpochSecond()))
                .set("connectionVersion", n(version))
                .set(TableLayout.TTL, n(expiresAt.plus(Duration.ofDays(1)).getEpochSecond()))
                .remove("leaseUntil", "leaseOwner")
                .when("leaseOwner", "=", s(owner));
        return Transactions.updateIfConditionHolds(dynamo, update.request(table));
    }

    /** Keeps the lease until {@code until} with what went wrong, so callers meanwhile get 503 without another LWA call. */
    public void fail(ConnectionId id, String owner, String failure, Instant until) {
        var update = ItemUpdate.of(key(id))
                .set("leaseUntil", n(until.toEpochMilli()))
                .set("failure", s(failure))
                .when("leaseOwner", "=", s(owner));
        Transactions.updateIfConditionHolds(dynamo, update.request(table));
    }

    /** Frees the lease without a token (the connection's state answers the callers now). */
    public void release(ConnectionId id, String owner) {
        var update = ItemUpdate.of(key(id)).remove("leaseUntil", "leaseOwner").when("leaseOwner", "=", s(owner));
        Transactions.updateIfConditionHolds(dynamo, update.request(table));
    }

    /** The write that removes the entry, token and lease, in a disconnect's transaction. */
    public TransactWriteItem delete(ConnectionId id) {
        return TransactWriteItem.builder().delete(d -> d.tableName(table).key(key(id))).build();
    }

    private static Map<String, AttributeValue> key(ConnectionId id) {
        return Map.of(TableLayout.PK, s(TableLayout.connectionKey(id)), TableLayout.SK, s(SORT));
    }

    private static Entry entry(Map<String, AttributeValue> item) {
        return new Entry(
                item.containsKey("token") ? Optional.of(TokenAttributes.sealedToken(item)) : Optional.empty(),
                number(item, "expiresAt").map(Instant::ofEpochSecond),
                number(item, "connectionVersion"),
                number(item, "leaseUntil").map(Instant::ofEpochMilli),
                string(item, "leaseOwner"),
                string(item, "failure"));
    }
}
