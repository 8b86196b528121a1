package dev.authkeeper.check;

import static dev.authkeeper.table.Attributes.n;
import static dev.authkeeper.table.Attributes.number;
import static dev.authkeeper.table.Attributes.s;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import dev.authkeeper.alert.Alert;
import dev.authkeeper.alert.AlertOutbox;
import dev.authkeeper.alert.Incidents;
import dev.authkeeper.config.AuthKeeperConfig;
import dev.authkeeper.config.GuardConfig;
import dev.authkeeper.table.BatchReads;
import dev.authkeeper.table.TableLayout;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The mass-rejection guard. Checks of ACTIVE connections are counted in ten-minute buckets with the
 * rejections among them; when the share of rejections in the window is abnormal, an operator
 * incident opens and, while it is open, nothing that would tell a merchant (or the integrator's app)
 * that a connection needs reauthorization goes out: those connections are re-tested instead. The
 * incident closes when checks in the window are normal again, or as soon as a held connection works.
 */
@ApplicationScoped
public class MassRejectionGuard {

    private static final Logger LOG = Logger.getLogger(MassRejectionGuard.class);
    private static final Duration BUCKET = Duration.ofMinutes(10);
    private static final String PREFIX = "GUARD#";

    /** Checks and rejections over some span. */
    public record Counts(long checks, long rejections) {
        public Counts plus(Counts other) {
            return new Counts(checks + other.checks, rejections + other.rejections);
        }

        double share() {
            return checks == 0 ? 0 : (double) rejections / checks;
        }

        @Override
        public String toString() {
            return rejections + " of " + checks + " authorizations checked (" + Math.round(share() * 100) + "%)";
        }
    }

    private final DynamoDbClient dynamo;
    private final Incidents incidents;
    private final AlertOutbox outbox;
    private final CheckStore store;
    private final GuardConfig config;
    private final String table;
    private final Clock clock;

    MassRejectionGuard(DynamoDbClient dynamo, Incidents incidents, AlertOutbox outbox, CheckStore store, GuardConfig config,
            AuthKeeperConfig authKeeper, Clock clock) {
        this.dynamo = dynamo;
        this.incidents = incidents;
        this.outbox = outbox;
        this.store = store;
        this.config = config;
        this.table = authKeeper.table();
        this.clock = clock;
    }

    /** Whether "needs reauthorization" alerts and events are held right now. */
    public boolean holding() {
        return incidents.isOpen(Incidents.Kind.MASS_REJECTION);
    }

    /** Adds what one worker (or request) saw to the current bucket, then weighs the window; what that recorded. */
    public List<Alert> count(Counts seen, Instant now) {
        if (seen.checks() > 0) {
            long bucket = now.getEpochSecond() / BUCKET.toSeconds();
            dynamo.updateItem(r -> r.tableName(table).key(key(bucket))
                    .updateExpression("ADD checks :checks, rejections :rejections SET #ttl = :ttl")
                    .expressionAttributeNames(Map.of("#ttl", TableLayout.TTL))
                    .expressionAttributeValues(Map.of(":checks", n(seen.checks()), ":rejections", n(seen.rejections()),
                            ":ttl", n(now.plus(Duration.ofDays(2)).getEpochSecond()))));
        }
        return evaluate(now);
    }

    /** Opens or closes the incident from the window's counts; what that recorded. */
    public List<Alert> evaluate(Instant now) {
        Counts window = window(now);
        boolean open = holding();
        if (!open && abnormal(window)) {
            return open(window, now);
        }
        if (open && window.checks() >= config.minChecks() && window.share() < config.rejectionShare()) {
            LOG.infof("Mass rejection over: %s in the last %s; held connections are re-tested and their merchants told only if still refused",
                    window, config.window());
            return incidents.resolve(Incidents.Kind.MASS_REJECTION, now);
        }
        return List.of();
    }

    /** A held connection works again: the rejections were not the sellers' doing, so the incident is over. */
    void heldConnectionWorks(Instant now) {
        if (holding()) {
            LOG.info("A held connection works again: the mass rejection is over");
            incidents.resolve(Incidents.Kind.MASS_REJECTION, now);
        }
    }

    /**
     * While the incident is open, holds the "needs reauthorization" alerts and events recorded before
     * it opened and not sent yet, and schedules their connections for re-tests; how many connections.
     */
    public int holdPending(Instant deadline) {
        if (!holding()) {
            return 0;
        }
        Instant now = clock.instant();
        var connections = outbox.pending(now.plus(Duration.ofDays(1))).stream()
                .filter(a -> a.kind().heldDuringMassRejection())
                .map(Alert::pk)
                .distinct()
                .toList();
        int held = 0;
        for (String pk : connections) {
            if (clock.instant().isAfter(deadline)) {
                break;
            }
            Optional<CheckedConnection> c = store.read(pk);
            if (c.isPresent() && store.hold(c.get(), now.plus(config.retestEvery()))) {
                held++;
            }
        }
        if (held > 0) {
            LOG.infof("Held the alerts of %d connection(s) rejected before the mass-rejection incident opened", held);
        }
        return held;
    }

    private boolean abnormal(Counts counts) {
        return counts.checks() >= config.minChecks() && counts.share() >= config.rejectionShare();
    }

    private List<Alert> open(Counts counts, Instant now) {
        var recorded = incidents.open(Incidents.Kind.MASS_REJECTION, counts + " in about " + config.window(), now);
        if (!recorded.isEmpty()) {
            LOG.errorf("OPERATOR: mass rejection, %s: merchant alerts are held and the connections re-tested", counts);
        }
        return recorded;
    }

    Counts window(Instant now) {
        long last = now.getEpochSecond() / BUCKET.toSeconds();
        long first = now.minus(config.window()).getEpochSecond() / BUCKET.toSeconds();
        var keys = new ArrayList<Map<String, AttributeValue>>();
        for (long bucket = first; bucket <= last; bucket++) {
            keys.add(key(bucket));
        }
        var items = BatchReads.read(dynamo, table, keys, true);
        Counts total = new Counts(0, 0);
        for (var item : items) {
            total = total.plus(new Counts(number(item, "checks").orElse(0L), number(item, "rejections").orElse(0L)));
        }
        return total;
    }

    private static Map<String, AttributeValue> key(long bucket) {
        return Map.of(TableLayout.PK, s(PREFIX + bucket), TableLayout.SK, s("GUARD"));
    }
}
