package dev.authkeeper.connection;

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
    /** Epoch seconds after which DynamoDB's TTL removes an item (OAuth states only). */
    public static final String TTL = "ttl";

    /** Query a merchant's connections: partition {@link #MERCHANT_KEY}, sort {@link #CONNECTION_ID}. */
    public static final String BY_MERCHANT_INDEX = "byMerchant";
    public static final String MERCHANT_KEY = "merchantKey";
    public static final String CONNECTION_ID = "connectionId";
    /**
     * What the merchant index carries besides its keys: enough for a connections page, and
     * nothing a check rewrites, so the sweep's claims never touch this index.
     */
    public static final List<String> BY_MERCHANT_ATTRIBUTES =
            List.of("merchantId", "origin", "status", "authorizedAt", "authorizationExpiresAt", "version");

    /** Query connections due for a check: partition {@link #DUE_SHARD}, sort {@link #NEXT_CHECK_AT}. */
    public static final String DUE_INDEX = "due";
    public static final String DUE_SHARD = "dueShard";
    public static final String NEXT_CHECK_AT = "nextCheckAt";
    /** Spreads the due index over this many partitions so no single one caps a sweep. */
    public static final int DUE_SHARDS = 16;

    /** Alerts recorded but not yet published: partition {@link #PENDING_ALERT}, sort {@link #ALERT_AT}. A sparse index. */
    public static final String PENDING_ALERTS_INDEX = "pendingAlerts";
    public static final String PENDING_ALERT = "pendingAlert";
    public static final String ALERT_AT = "alertAt";
    public static final String PENDING = "PENDING";

    public static final String CONNECTION_PREFIX = "CONNECTION#";
    public static final String ALERT_PREFIX = "ALERT#";
    public static final String INCIDENT_PREFIX = "INCIDENT#";
    public static final String CONNECTION_SORT = "CONNECTION";
    public static final String HISTORY_PREFIX = "HISTORY#";
    static final String STATE_PREFIX = "STATE#";
    static final String STATE_SORT = "STATE";

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
}
