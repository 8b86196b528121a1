package dev.authkeeper.authorization;

import static dev.authkeeper.table.Attributes.s;

import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import dev.authkeeper.alert.AlertDelivery;
import dev.authkeeper.alert.AlertDetail;
import dev.authkeeper.alert.AlertKind;
import dev.authkeeper.alert.AlertOutbox;
import dev.authkeeper.app.App;
import dev.authkeeper.config.AlertConfig;
import dev.authkeeper.config.AuthKeeperConfig;
import dev.authkeeper.connection.Authorization;
import dev.authkeeper.connection.Connection;
import dev.authkeeper.connection.ConnectionRepository;
import dev.authkeeper.connection.Flow;
import dev.authkeeper.crypto.TokenAttributes;
import dev.authkeeper.table.Attributes;
import dev.authkeeper.table.ConnectionId;
import dev.authkeeper.table.TableLayout;
import dev.authkeeper.table.Transactions;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;

/**
 * A seller already connected to one merchant, authorized again by another. The seller id on the
 * redirect comes from the browser and cannot be verified, so the connection is neither taken over
 * nor locked for good: the new authorization is kept as a claim ({@code CONFLICT#<connection>},
 * {@code CLAIM#<time>#<merchant>}, its token sealed for that connection, kept for the retention
 * period) and operators are alerted in the same write. Support then moves the connection to the claimant with {@link #resolve} or
 * leaves it where it is with {@link #dismiss}.
 */
@ApplicationScoped
public class SellerConflicts {

    private static final Logger LOG = Logger.getLogger(SellerConflicts.class);
    static final String CONFLICT_PREFIX = "CONFLICT#";
    static final String CLAIM_PREFIX = "CLAIM#";
    private static final int ATTEMPTS = 3;
    /** Besides the connection, its history entry, the claim and the event, a transaction holds this many cancellations. */
    private static final int MAX_CANCELLED = AlertOutbox.MAX_GROUP - 4;

    private final DynamoDbClient dynamo;
    private final ConnectionRepository connections;
    private final AlertOutbox outbox;
    private final AlertDelivery delivery;
    private final AlertConfig alerts;
    private final String table;
    private final Clock clock;

    public SellerConflicts(DynamoDbClient dynamo, ConnectionRepository connections, AlertOutbox outbox, AlertDelivery delivery,
            AlertConfig alerts, AuthKeeperConfig config, Clock clock) {
        this.dynamo = dynamo;
        this.connections = connections;
        this.outbox = outbox;
        this.delivery = delivery;
        this.alerts = alerts;
        this.table = config.table();
        this.clock = clock;
    }

    /** A claim on a connection: who authorized it, when, and the authorization itself. */
    public record Claim(String sortKey, Authorization authorization) {
    }

    public sealed interface Resolution {
        /** The connection now belongs to the claimant, with the claim's token; the claims are gone. */
        record Moved(String fromMerchant) implements Resolution {
        }

        /** The merchant has no claim on this connection; nothing changed. */
        record NoClaim() implements Resolution {
        }

        /** The connection no longer exists, or changed hands meanwhile; nothing changed: look again. */
        record Changed() implements Resolution {
        }
    }

    /** Records the claim of {@code claim}'s merchant on a connection another merchant holds, and tells operators. */
    public void record(Authorization claim, Instant now) {
        ConnectionId id = claim.id();
        String holder = connections.find(id).map(Connection::merchantId).orElse("(no one any more)");
        var alert = outbox.create(TableLayout.connectionKey(id), AlertKind.SELLER_CONFLICT, Optional.of(claim.merchantId()),
                id.value(), Optional.of(claim.origin().toString()), new AlertDetail.Holder(holder), Optional.of(now), now);
        var item = new LinkedHashMap<String, AttributeValue>();
        item.put(TableLayout.PK, s(CONFLICT_PREFIX + id.value()));
        item.put(TableLayout.SK, s(CLAIM_PREFIX + now + "#" + claim.merchantId()));
        item.put(TableLayout.CONNECTION_ID, s(id.value()));
        item.put("merchantId", s(claim.merchantId()));
        item.put("heldBy", s(holder));
        item.put("flow", s(claim.flow().name()));
        item.put("app", s(claim.app()));
        item.put("origin", s(claim.origin().toString()));
        item.put("token", TokenAttributes.sealedToken(claim.token()));
        item.put("authorizedAt", s(claim.authorizedAt().toString()));
        item.put("authorizationExpiresAt", s(claim.authorizationExpiresAt().toString()));
        item.put(TableLayout.TTL, Attributes.n(now.plus(alerts.retention()).getEpochSecond()));
        boolean written = Transactions.writeIfConditionsHold(dynamo, List.of(
                TransactWriteItem.builder().put(p -> p.tableName(table).item(item).conditionExpression("attribute_not_exists(pk)")).build(),
                outbox.record(alert, false)));
        if (written) {
            LOG.warnf("OPERATOR: merchant %s authorized %s, which merchant %s holds: claim recorded, support alerted", claim.merchantId(),
                    id, holder);
            delivery.deliverNow(List.of(alert));
        }
    }

    /** The claims on a connection, oldest first. */
    public List<Claim> claims(ConnectionId id) {
        return dynamo.queryPaginator(r -> r.tableName(table).consistentRead(true)
                        .keyConditionExpression("#pk = :pk AND begins_with(#sk, :claim)")
                        .expressionAttributeNames(Map.of("#pk", TableLayout.PK, "#sk", TableLayout.SK))
                        .expressionAttributeValues(Map.of(":pk", s(CONFLICT_PREFIX + id.value()), ":claim", s(CLAIM_PREFIX))))
                .items().stream()
                .map(item -> new Claim(item.get(TableLayout.SK).s(), new Authorization(id, item.get("merchantId").s(),
                        Attributes.string(item, "app").orElse(App.DEFAULT),
                        URI.create(item.get("origin").s()), Flow.valueOf(item.get("flow").s()), TokenAttributes.sealedToken(item),
                        Instant.parse(item.get("authorizedAt").s()), Instant.parse(item.get("authorizationExpiresAt").s()))))
                .toList();
    }

    /**
     * Moves the connection to {@code toMerchant} with the token of that merchant's newest claim,
     * conditional on the connection still belonging to whom it belongs now and on that claim
     * still being there; a history entry records the move and who asked for it ({@code requestedBy},
     * an IAM principal), and the claims are removed. What waited to go out to the merchant it
     * leaves (an alert, an event) no longer applies and is cancelled in the same transaction, which
     * records the {@code connection.transferred} event; an entry being published meanwhile makes it
     * read again.
     */
    public Resolution resolve(ConnectionId id, String toMerchant, String requestedBy) {
        List<Claim> claims = claims(id);
        Optional<Claim> newest = claims.stream()
                .filter(c -> c.authorization().merchantId().equals(toMerchant))
                .max(Comparator.comparing(c -> c.authorization().authorizedAt()));
        if (newest.isEmpty()) {
            return new Resolution.NoClaim();
        }
        var claimStillThere = TransactWriteItem.builder().delete(d -> d.tableName(table).key(claimKey(id, newest.get()))
                .conditionExpression("attribute_exists(pk)")).build();
        String pk = TableLayout.connectionKey(id);
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            Optional<Connection> current = connections.find(id);
            if (current.isEmpty() || current.get().merchantId().equals(toMerchant)) {
                return new Resolution.Changed();
            }
            Instant now = clock.instant();
            String from = current.get().merchantId();
            var authorization = newest.get().authorization();
            var moved = outbox.create(pk, AlertKind.EVENT_TRANSFERRED, Optional.of(toMerchant), id.value(),
                    Optional.of(authorization.origin().toString()), new AlertDetail.Holder(from), Optional.of(now), now)
                    .withApp(authorization.app());
            var alongside = new ArrayList<>(List.of(claimStillThere, outbox.record(moved, false)));
            outbox.cancellable(pk, Optional.of(from), MAX_CANCELLED).forEach(sk -> alongside.add(outbox.cancel(pk, sk)));
            if (connections.transfer(authorization, from, requestedBy, now, alongside)) {
                removeClaims(id, claims.stream().filter(c -> c != newest.get()).toList());
                LOG.infof("Seller conflict on %s resolved: moved from merchant %s to merchant %s, %d unsent alert(s) and event(s) of %s "
                        + "cancelled", id, from, toMerchant, alongside.size() - 2, from);
                delivery.deliverNow(List.of(moved));
                return new Resolution.Moved(from);
            }
        }
        return new Resolution.Changed();
    }

    /** Leaves the connection with the merchant who holds it and removes every claim on it; returns how many. */
    public int dismiss(ConnectionId id) {
        List<Claim> claims = claims(id);
        removeClaims(id, claims);
        LOG.infof("Seller conflict on %s dismissed: %d claim(s) removed", id, claims.size());
        return claims.size();
    }

    private void removeClaims(ConnectionId id, List<Claim> claims) {
        for (Claim claim : claims) {
            dynamo.deleteItem(r -> r.tableName(table).key(claimKey(id, claim)));
        }
    }

    private static Map<String, AttributeValue> claimKey(ConnectionId id, Claim claim) {
        return Map.of(TableLayout.PK, s(CONFLICT_PREFIX + id.value()), TableLayout.SK, s(claim.sortKey()));
    }
}
