package dev.authkeeper.check;

import static dev.authkeeper.table.Attributes.n;
import static dev.authkeeper.table.Attributes.s;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import dev.authkeeper.alert.Alert;
import dev.authkeeper.alert.AlertOutbox;
import dev.authkeeper.config.AuthKeeperConfig;
import dev.authkeeper.connection.ConnectionRepository;
import dev.authkeeper.connection.ConnectionStatus;
import dev.authkeeper.crypto.SealedToken;
import dev.authkeeper.crypto.TokenAttributes;
import dev.authkeeper.marketplace.ReauthorizationReason;
import dev.authkeeper.table.ItemUpdate;
import dev.authkeeper.table.TableLayout;
import dev.authkeeper.table.Transactions;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;

/**
 * What checks write, and only when something changed. Every write is conditional on the version
 * (and status) the check read, so a re-authorization that lands meanwhile (which bumps the version)
 * always wins: no stale status, no old token brought back. Each method answers false when that
 * condition did not hold and nothing was written.
 */
@ApplicationScoped
public class CheckStore {

    private final DynamoDbClient dynamo;
    private final ConnectionRepository connections;
    private final AlertOutbox outbox;
    private final String table;

    CheckStore(DynamoDbClient dynamo, ConnectionRepository connections, AlertOutbox outbox, AuthKeeperConfig config) {
        this.dynamo = dynamo;
        this.connections = connections;
        this.outbox = outbox;
        this.table = config.table();
    }

    /** Whether a healthy check has anything to write: a new or re-sealed token, a failure to forget, a retry to cancel, a migration. */
    static boolean healthyNeedsWrite(CheckedConnection c, Optional<SealedToken> token) {
        return token.isPresent() || c.lastCheckError().isPresent() || c.due() || !c.inRound();
    }

    /**
     * Keeps a healthy connection as it is, writing only what {@link #healthyNeedsWrite} names. A
     * rotated refresh token replaces the stored one, which is kept sealed as {@code previousToken}
     * (it worked just now: the marketplace may still honour it while its replacement is unused), and
     * a sliding lifetime moves the authorization's end to {@code rotatedUntil}.
     */
    boolean keepHealthy(CheckedConnection c, Optional<SealedToken> token, boolean rotated, Optional<Instant> rotatedUntil) {
        var update = expect(c, ConnectionStatus.ACTIVE);
        token.ifPresent(t -> update.set("token", TokenAttributes.sealedToken(t)).increment("version"));
        if (rotated && c.nonExpiring()) {
            // Migrated: the non-expiring token stopped working with the exchange; nothing to go back to.
            update.remove(TableLayout.NON_EXPIRING);
        } else if (rotated) {
            update.set("previousToken", TokenAttributes.sealedToken(c.token()));
        }
        rotatedUntil.ifPresent(until -> update.set("authorizationExpiresAt", s(until.toString())));
        inRound(c, update);
        update.remove("lastCheckError", "lastFailureAt");
        if (c.due()) {
            update.remove(TableLayout.DUE_SHARD, TableLayout.NEXT_CHECK_AT);
        }
        return write(update);
    }

    /**
     * The marketplace told the authorization's exact end (TikTok Shop's expiry notification): the
     * expiry warnings of the following checks count from it. Only while the connection is as read.
     */
    public boolean learnExpiry(CheckedConnection c, Instant expiresAt) {
        return write(expect(c, c.status()).set("authorizationExpiresAt", s(expiresAt.toString())));
    }

    /** A transient or unexpected failure: remembered, and the connection tried again at {@code retryAt}. */
    boolean recordFailure(CheckedConnection c, String cause, Instant retryAt, Instant now) {
        var update = expect(c, c.status())
                .set("lastCheckError", s(cause))
                .set("lastFailureAt", s(now.toString()));
        due(c, update, retryAt);
        if (c.status() == ConnectionStatus.ACTIVE) {
            inRound(c, update);
        }
        return write(update);
    }

    /** Moves the next re-test or reminder of a connection that needs reauthorization. */
    boolean retestAt(CheckedConnection c, Instant at) {
        return write(due(c, expect(c, ConnectionStatus.NEEDS_REAUTHORIZATION), at));
    }

    /**
     * NEEDS_REAUTHORIZATION with its reason, a history entry, and the merchant alert and event, in one
     * transaction; the connection leaves the round and waits in the due index for {@code nextActionAt}.
     */
    boolean recordRevoked(CheckedConnection c, ReauthorizationReason reason, Alert alert, Alert event, boolean held,
            Instant nextActionAt, Instant now) {
        var update = expect(c, ConnectionStatus.ACTIVE)
                .set("status", s(ConnectionStatus.NEEDS_REAUTHORIZATION.name()))
                .set("statusReason", s(reason.name()))
                .set("needsReauthorizationSince", s(now.toString()))
                .set("remindersSent", n(0))
                .set("incidentAlert", s(alert.sk()))
                .set("incidentEvent", s(event.sk()))
                .set("updatedAt", s(now.toString()))
                .increment("version")
                .remove(TableLayout.CHECK_PARTITION, TableLayout.CHECK_ORDER, "lastCheckError", "lastFailureAt");
        due(c, update, nextActionAt);
        var history = history(c, now, Map.of(
                "kind", s("STATUS_CHANGED"),
                "from", s(ConnectionStatus.ACTIVE.name()),
                "to", s(ConnectionStatus.NEEDS_REAUTHORIZATION.name()),
                "reason", s(reason.name()),
                "held", AttributeValue.fromBool(held),
                "alert", s(alert.sk())));
        return Transactions.writeIfConditionsHold(dynamo,
                List.of(update.transactItem(table), history, outbox.record(alert, held), outbox.record(event, held)));
    }

    /**
     * A connection that needed reauthorization works again: ACTIVE and back in the round, with a
     * history entry and the recovery's writes (a "reconnected" notice and event recorded, its alert
     * and event not sent yet removed, those being published marked) in the same transaction. False
     * when a condition failed: the connection changed, or an entry's publishing began or ended meanwhile.
     */
    boolean recordRecovered(CheckedConnection c, Optional<SealedToken> token, AlertOutbox.Recovery recovery, Instant now) {
        var update = expect(c, ConnectionStatus.NEEDS_REAUTHORIZATION)
                .set("status", s(ConnectionStatus.ACTIVE.name()))
                .set("updatedAt", s(now.toString()))
                .increment("version")
                .remove("statusReason", "needsReauthorizationSince", "remindersSent", "incidentAlert", "incidentEvent",
                        "lastCheckError", "lastFailureAt", TableLayout.DUE_SHARD, TableLayout.NEXT_CHECK_AT);
        update.set(TableLayout.CHECK_PARTITION, s(TableLayout.checkPartition(c.id())))
                .set(TableLayout.CHECK_ORDER, s(TableLayout.checkOrder(c.id())));
        token.ifPresent(t -> update.set("token", TokenAttributes.sealedToken(t)));
        if (token.isPresent() && c.nonExpiring()) {
            update.remove(TableLayout.NON_EXPIRING); // the token written is the migrated pair's refresh token
        }
        var writes = new ArrayList<TransactWriteItem>();
        writes.add(update.transactItem(table));
        writes.add(history(c, now, Map.of(
                "kind", s("STATUS_CHANGED"),
                "from", s(ConnectionStatus.NEEDS_REAUTHORIZATION.name()),
                "to", s(ConnectionStatus.ACTIVE.name()),
                "reason", s(recovery.anyoneTold() ? "WORKS_AGAIN" : "WORKS_AGAIN_BEFORE_ANY_ALERT"))));
        writes.addAll(outbox.writes(c.pk(), recovery));
        return Transactions.writeIfConditionsHold(dynamo, writes);
    }

    /** Counts a reminder and records its alert; after the last one the connection leaves the due index. */
    boolean recordReminder(CheckedConnection c, Alert alert, Optional<Instant> nextReminder) {
        var update = expect(c, ConnectionStatus.NEEDS_REAUTHORIZATION)
                .set("remindersSent", n(c.remindersSent() + 1))
                .when("remindersSent", "=", n(c.remindersSent()));
        if (nextReminder.isPresent()) {
            due(c, update, nextReminder.get());
        } else {
            update.remove(TableLayout.DUE_SHARD, TableLayout.NEXT_CHECK_AT);
        }
        return Transactions.writeIfConditionsHold(dynamo, List.of(update.transactItem(table), outbox.record(alert, false)));
    }

    /** Silence after the last reminder: the connection leaves the due index until it is authorized again. */
    boolean leaveDueIndex(CheckedConnection c) {
        return write(expect(c, ConnectionStatus.NEEDS_REAUTHORIZATION).remove(TableLayout.DUE_SHARD, TableLayout.NEXT_CHECK_AT));
    }

    /** Holds the connection's pending alert and event (a mass rejection is being investigated) and re-tests it at {@code retestAt}. */
    boolean hold(CheckedConnection c, Instant retestAt) {
        var writes = new ArrayList<TransactWriteItem>();
        writes.add(due(c, expect(c, ConnectionStatus.NEEDS_REAUTHORIZATION), retestAt).transactItem(table));
        c.incidentAlert().ifPresent(sk -> writes.add(outbox.hold(c.pk(), sk)));
        c.incidentEvent().ifPresent(sk -> writes.add(outbox.hold(c.pk(), sk)));
        return Transactions.writeIfConditionsHold(dynamo, writes);
    }

    /** Lets a held alert and event go out now (the rejection is genuine); reminders follow from {@code nextReminder}. */
    boolean release(CheckedConnection c, Instant now, Instant nextReminder) {
        var writes = new ArrayList<TransactWriteItem>();
        writes.add(due(c, expect(c, ConnectionStatus.NEEDS_REAUTHORIZATION), nextReminder).transactItem(table));
        c.incidentAlert().ifPresent(sk -> writes.add(outbox.release(c.pk(), sk, now)));
        c.incidentEvent().ifPresent(sk -> writes.add(outbox.release(c.pk(), sk, now)));
        return Transactions.writeIfConditionsHold(dynamo, writes);
    }

    /** Remembers the expiry threshold warned about and records the alert and event, once per threshold. */
    boolean recordExpiryWarning(CheckedConnection c, long version, int days, Alert alert, Alert event) {
        var update = ItemUpdate.of(TableLayout.connectionItemKey(c.id()))
                .set("expiryWarnedDays", n(days))
                .when("version", "=", n(version))
                .when("attribute_not_exists(#expiryWarnedDays) OR #expiryWarnedDays > :expiryWarnedDays");
        return Transactions.writeIfConditionsHold(dynamo,
                List.of(update.transactItem(table), outbox.record(alert, false), outbox.record(event, false)));
    }

    /**
     * Takes a connection from the due index for this check and moves its next due time to
     * {@code until}, so that a crash retries it then; empty when another check took it first or it
     * is not due (any more).
     */
    public Optional<CheckedConnection> claimDue(String pk, Instant now, Instant until) {
        try {
            var attributes = dynamo.updateItem(ItemUpdate.of(Map.of(TableLayout.PK, s(pk), TableLayout.SK, s(TableLayout.CONNECTION_SORT)))
                    .set(TableLayout.NEXT_CHECK_AT, n(until.getEpochSecond()))
                    .whenExists(TableLayout.DUE_SHARD)
                    .when(TableLayout.NEXT_CHECK_AT, "<=", n(now.getEpochSecond()))
                    .request(table).toBuilder().returnValues(ReturnValue.ALL_NEW).build()).attributes();
            return Optional.of(CheckedConnection.of(attributes));
        } catch (ConditionalCheckFailedException e) {
            return Optional.empty();
        }
    }

    /** The connection's own item, read consistently. */
    public Optional<CheckedConnection> read(String pk) {
        var item = dynamo.getItem(r -> r.tableName(table).consistentRead(true)
                .key(Map.of(TableLayout.PK, s(pk), TableLayout.SK, s(TableLayout.CONNECTION_SORT)))).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(CheckedConnection.of(item));
    }

    private ItemUpdate expect(CheckedConnection c, ConnectionStatus status) {
        return ItemUpdate.of(TableLayout.connectionItemKey(c.id()))
                .when("version", "=", n(c.version()))
                .when("status", "=", s(status.name()));
    }

    private static ItemUpdate due(CheckedConnection c, ItemUpdate update, Instant at) {
        return update.set(TableLayout.DUE_SHARD, s(TableLayout.dueShard(c.id())))
                .set(TableLayout.NEXT_CHECK_AT, n(at.getEpochSecond()));
    }

    private static void inRound(CheckedConnection c, ItemUpdate update) {
        if (!c.inRound()) {
            update.set(TableLayout.CHECK_PARTITION, s(TableLayout.checkPartition(c.id())))
                    .set(TableLayout.CHECK_ORDER, s(TableLayout.checkOrder(c.id())));
        }
    }

    private TransactWriteItem history(CheckedConnection c, Instant now, Map<String, AttributeValue> details) {
        return TransactWriteItem.builder().put(p -> p.tableName(table).item(connections.historyEntry(c.id(), now, details))).build();
    }

    private boolean write(ItemUpdate update) {
        return Transactions.updateIfConditionHolds(dynamo, update.request(table));
    }
}
