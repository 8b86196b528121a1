package dev.authkeeper.api;

import static dev.authkeeper.table.Attributes.n;
import static dev.authkeeper.table.Attributes.s;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import dev.authkeeper.alert.AlertDelivery;
import dev.authkeeper.alert.AlertDetail;
import dev.authkeeper.alert.AlertKind;
import dev.authkeeper.alert.AlertOutbox;
import dev.authkeeper.config.AuthKeeperConfig;
import dev.authkeeper.connection.ConnectionRepository;
import dev.authkeeper.connection.ConnectionStatus;
import dev.authkeeper.table.ConnectionId;
import dev.authkeeper.table.ItemUpdate;
import dev.authkeeper.table.TableLayout;
import dev.authkeeper.table.Transactions;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;

/**
 * The merchant uninstalled: the connection becomes DISCONNECTED in one transaction that destroys its
 * tokens (the sealed refresh token removed, the cached access token deleted), takes it out of the
 * round, the due index and the merchant index, cancels its alerts and events not sent yet (one
 * being published goes out: it was true when it was recorded), and
 * records a history entry and the {@code connection.disconnected} event. History stays for its
 * retention. A later authorization of the same seller creates the connection afresh.
 */
@ApplicationScoped
public class Disconnections {

    private static final Logger LOG = Logger.getLogger(Disconnections.class);
    private static final int ATTEMPTS = 3;
    /** Besides the connection, its cache entry, a history entry, the event and a merchant notice, a transaction holds this many cancellations. */
    private static final int MAX_CANCELLED = AlertOutbox.MAX_GROUP - 5;

    public enum Result { DISCONNECTED, ALREADY_DISCONNECTED, NOT_FOUND, BUSY }

    private final DynamoDbClient dynamo;
    private final ConnectionRepository connections;
    private final AccessTokenCache cache;
    private final AlertOutbox outbox;
    private final AlertDelivery delivery;
    private final String table;
    private final Clock clock;

    public Disconnections(DynamoDbClient dynamo, ConnectionRepository connections, AccessTokenCache cache, AlertOutbox outbox,
            AlertDelivery delivery, AuthKeeperConfig config, Clock clock) {
        this.dynamo = dynamo;
        this.connections = connections;
        this.cache = cache;
        this.outbox = outbox;
        this.delivery = delivery;
        this.table = config.table();
        this.clock = clock;
    }

    /** Disconnects the connection for {@code requestedBy}; conditional on what was read, read again when something changed meanwhile. */
    public Result disconnect(ConnectionId id, Caller requestedBy) {
        return disconnect(id, requestedBy.principal(), "DISCONNECTED_BY_INTEGRATOR", false);
    }

    /**
     * Disconnects the connection because {@code reason} (in its history), at the request of
     * {@code requestedBy}; {@code tellMerchant} adds a merchant notice (the marketplace ended the
     * authorization, not the integrator's product).
     */
    public Result disconnect(ConnectionId id, String requestedBy, String reason, boolean tellMerchant) {
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            var current = connections.find(id);
            if (current.isEmpty()) {
                return Result.NOT_FOUND;
            }
            var connection = current.get();
            if (connection.status() == ConnectionStatus.DISCONNECTED) {
                return Result.ALREADY_DISCONNECTED;
            }
            Instant now = clock.instant();
            String pk = TableLayout.connectionKey(id);
            var event = outbox.create(pk, AlertKind.EVENT_DISCONNECTED, Optional.of(connection.merchantId()), id.value(),
                    Optional.of(connection.origin().toString()), new AlertDetail.None(), Optional.of(now), now);
            var told = new ArrayList<>(List.of(event));
            if (tellMerchant) {
                told.add(outbox.create(pk, AlertKind.DISCONNECTED, Optional.of(connection.merchantId()), id.value(),
                        Optional.of(connection.origin().toString()), new AlertDetail.Reason(reason), Optional.of(now), now));
            }
            var update = ItemUpdate.of(TableLayout.connectionItemKey(id))
                    .when("version", "=", n(connection.version()))
                    .when("status", "=", s(connection.status().name()))
                    .set("status", s(ConnectionStatus.DISCONNECTED.name()))
                    .set("disconnectedAt", s(now.toString()))
                    .set("updatedAt", s(now.toString()))
                    .increment("version")
                    .remove("token", "previousToken", TableLayout.MERCHANT_KEY, TableLayout.CHECK_PARTITION, TableLayout.CHECK_ORDER, TableLayout.DUE_SHARD,
                            TableLayout.NEXT_CHECK_AT, "statusReason", "needsReauthorizationSince", "remindersSent", "incidentAlert",
                            "incidentEvent", "lastCheckError", "lastFailureAt", "expiryWarnedDays");
            var writes = new ArrayList<TransactWriteItem>();
            writes.add(update.transactItem(table));
            writes.add(cache.delete(id));
            writes.add(TransactWriteItem.builder().put(p -> p.tableName(table).item(connections.historyEntry(id, now, Map.of(
                    "kind", s("STATUS_CHANGED"),
                    "from", s(connection.status().name()),
                    "to", s(ConnectionStatus.DISCONNECTED.name()),
                    "reason", s(reason),
                    "requestedBy", s(requestedBy))))).build());
            told.forEach(entry -> writes.add(outbox.record(entry, false)));
            outbox.cancellable(pk, Optional.empty(), MAX_CANCELLED).forEach(sk -> writes.add(outbox.cancel(pk, sk)));
            if (Transactions.writeIfConditionsHold(dynamo, writes)) {
                LOG.infof("Connection %s of merchant %s disconnected by %s: tokens destroyed, %d unsent alert(s) and event(s) cancelled",
                        id, connection.merchantId(), requestedBy, writes.size() - 3 - told.size());
                delivery.deliverNow(told);
                return Result.DISCONNECTED;
            }
        }
        return Result.BUSY;
    }
}
