package dev.authkeeper.table;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The single DynamoDB table: connections, their history and OAuth states, told apart by key
 * prefix. {@code template.yaml} and the local table set-up declare the same keys and indexes.
 */
public final class TableLayout {

    public static final String PK = "pk";
    public static final String SK = "sk";
    /** Epoch seconds after which DynamoDB's TTL removes an item: OAuth states, sent alerts, history, run records. */
    public static final String TTL = "ttl";

    /** Query a merchant's connections: partition {@link #MERCHANT_KEY}, sort {@link #CONNECTION_ID}. */
    public static final String BY_MERCHANT_INDEX = "byMerchant";
    public static final String MERCHANT_KEY = "merchantKey";
    public static final String CONNECTION_ID = "connectionId";
    /**
     * What the merchant index carries besides its keys: enough to list a merchant's connections, and
     * little that changes, so writes rarely touch this index (details are read from the items; a
     * projection cannot change without recreating the index).
     */
    public static final List<String> BY_MERCHANT_ATTRIBUTES =
            List.of("merchantId", "origin", "status", "authorizedAt", "authorizationExpiresAt", "version");

    /**
     * The daily round of checks: every ACTIVE connection, and only those, carries {@link #CHECK_PARTITION}
     * (the first hex digit of a hash of its id) and {@link #CHECK_ORDER} (eight hex digits of that hash,
     * then the id). A round walks the index in hash order, a slice of the hash space at a time, so a
     * healthy check needs no write of its own.
     */
    public static final String CHECKS_INDEX = "checks";
    public static final String CHECK_PARTITION = "checkPartition";
    public static final String CHECK_ORDER = "checkOrder";
    /** Everything a check reads, so that a page of the index is all a round needs. */
    public static final List<String> CHECKS_ATTRIBUTES = List.of("connectionId", "merchantId", "origin", "app", "status", "token",
            "authorizedAt", "authorizationExpiresAt", "version", "expiryWarnedDays", "lastCheckError", "dueShard");
    public static final int CHECK_PARTITIONS = 16;

    /**
     * Connections that need attention at a given time outside the daily round: a retry after a
     * transient failure, a re-test or reminder of one that needs reauthorization. Partition
     * {@link #DUE_SHARD}, sort {@link #NEXT_CHECK_AT}; sparse and keys only.
     */
    public static final String DUE_INDEX = "due";
    public static final String DUE_SHARD = "dueShard";
    public static final String NEXT_CHECK_AT = "nextCheckAt";
    /** Spreads the due index over this many partitions so no single one caps a sweep. */
    public static final int DUE_SHARDS = 16;

    /**
     * Alerts and events recorded but not yet published: partition {@link #PENDING_ALERT} ({@link #PENDING},
     * or {@link #HELD} while a mass rejection is investigated), sort {@link #ALERT_AT} (when it may go
     * out, epoch milliseconds). A sparse index: the attribute is removed once sent.
     */
    public static final String PENDING_ALERTS_INDEX = "pendingAlerts";
    public static final String PENDING_ALERT = "pendingAlert";
    public static final String ALERT_AT = "alertAt";
    public static final String PENDING = "PENDING";
    public static final String HELD = "HELD";

    public static final String CONNECTION_PREFIX = "CONNECTION#";
    public static final String ALERT_PREFIX = "ALERT#";
    public static final String INCIDENT_PREFIX = "INCIDENT#";
    public static final String CONNECTION_SORT = "CONNECTION";
    public static final String HISTORY_PREFIX = "HISTORY#";
    /** A marketplace delivery (webhook) acted on, by marketplace and delivery id: duplicates and retries act once. */
    public static final String NOTIFICATION_PREFIX = "NOTIFICATION#";
    public static final String NOTIFICATION_SORT = "NOTIFICATION";
    public static final String STATE_PREFIX = "STATE#";
    public static final String STATE_SORT = "STATE";

    private TableLayout() {
    }

    public static String connectionKey(ConnectionId id) {
        return CONNECTION_PREFIX + id.value();
    }

    /** The key of a connection's own item. */
    public static Map<String, AttributeValue> connectionItemKey(ConnectionId id) {
        return Map.of(PK, AttributeValue.fromS(connectionKey(id)), SK, AttributeValue.fromS(CONNECTION_SORT));
    }

    public static String dueShard(ConnectionId id) {
        return "due#" + Math.floorMod(id.value().hashCode(), DUE_SHARDS);
    }

    /** The first 32 bits of SHA-256 of the id, unsigned: where the connection stands in the round of checks. */
    public static long checkHash(ConnectionId id) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(id.value().getBytes(StandardCharsets.UTF_8));
            return ((digest[0] & 0xffL) << 24) | ((digest[1] & 0xffL) << 16) | ((digest[2] & 0xffL) << 8) | (digest[3] & 0xffL);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    public static String checkPartition(ConnectionId id) {
        return checkPartition(checkHash(id));
    }

    public static String checkPartition(long hash) {
        return Character.toString(Character.forDigit((int) (hash >>> 28), 16));
    }

    public static String checkOrder(ConnectionId id) {
        return hex8(checkHash(id)) + "#" + id.value();
    }

    /** A 32-bit hash as eight lower-case hex digits, the prefix of {@link #CHECK_ORDER}. */
    public static String hex8(long hash) {
        return HexFormat.of().toHexDigits((int) hash);
    }

    /** The id at the end of a {@link #CHECK_ORDER} value. */
    public static ConnectionId idOfCheckOrder(String order) {
        return ConnectionId.parse(order.substring(order.indexOf('#') + 1));
    }
}
