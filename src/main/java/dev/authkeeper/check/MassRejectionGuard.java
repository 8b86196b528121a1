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
import dev.authkeeper.app.App;
import dev.authkeeper.app.Apps;
import dev.authkeeper.config.AuthKeeperConfig;
import dev.authkeeper.config.GuardConfig;
import dev.authkeeper.table.BatchReads;
import dev.authkeeper.table.TableLayout;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The mass-rejection guard, one per marketplace and app: an app whose credentials are wrong (a
 * client id of another app) sees every grant refused, which looks like every seller revoking at
 * once. Checks of ACTIVE connections are counted in ten-minute buckets per marketplace and app,
 * with the rejections among them; when an app's rejections in the window are abnormal (at least
 * {@code min-rejections}, and a share above {@code rejection-share} with 95 % confidence), an
 * operator incident naming the marketplace and the app opens and, while it is open, nothing that
 * would tell a merchant (or the integrator's app) that one of that app's connections needs
 * reauthorization goes out: those connections are re-tested instead. Other apps are not affected.
 * The incident closes when checks of the app work again since it opened, or as soon as a held
 * connection works.
 */
@ApplicationScoped
public class MassRejectionGuard {

    private static final Logger LOG = Logger.getLogger(MassRejectionGuard.class);
    private static final Duration BUCKET = Duration.ofMinutes(10);
    /** How long a bucket is kept: the longest span the guard reads back. */
    private static final Duration KEPT = Duration.ofDays(2);
    private static final String PREFIX = "GUARD#";
    /** 95 % two-sided normal quantile, for the Wilson bound. */
    private static final double Z = 1.96;

    /** Whose checks are weighed together: one marketplace's app. */
    public record Scope(String marketplace, String app) {
        public static Scope of(CheckedConnection c) {
            return new Scope(c.id().marketplace(), c.app());
        }

        @Override
        public String toString() {
            return "app " + app + " of " + marketplace;
        }
    }

    /** Checks and rejections over some span. */
    public record Counts(long checks, long rejections) {
        public static final Counts NONE = new Counts(0, 0);

        public Counts plus(Counts other) {
            return new Counts(checks + other.checks, rejections + other.rejections);
        }

        double share() {
            return checks == 0 ? 0 : (double) rejections / checks;
        }

        /** The lower end of the 95 % Wilson score interval of the rejection share: how low it can plausibly be. */
        double shareAtLeast() {
            if (checks == 0) {
                return 0;
            }
            double p = share();
            double z2 = Z * Z;
            double centre = p + z2 / (2.0 * checks);
            double spread = Z * Math.sqrt(p * (1 - p) / checks + z2 / (4.0 * checks * checks));
            return (centre - spread) / (1 + z2 / checks);
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
    private final Apps apps;
    private final GuardConfig config;
    private final String table;
    private final Clock clock;

    MassRejectionGuard(DynamoDbClient dynamo, Incidents incidents, AlertOutbox outbox, CheckStore store, Apps apps, GuardConfig config,
            AuthKeeperConfig authKeeper, Clock clock) {
        this.dynamo = dynamo;
        this.incidents = incidents;
        this.outbox = outbox;
        this.store = store;
        this.apps = apps;
        this.config = config;
        this.table = authKeeper.table();
        this.clock = clock;
    }

    /** Whether "needs reauthorization" alerts and events about the connections of {@code app} are held right now. */
    public boolean holding(String app) {
        return incidents.isOpenForApp(Incidents.Kind.MASS_REJECTION, app);
    }

    /**
     * Adds what one worker (or request) saw of one app to the current bucket (one ADD, so concurrent
     * counters never lose a count), then opens the app's incident if its window is abnormal; what that recorded.
     */
    public List<Alert> count(Scope scope, Counts seen, Instant now) {
        if (seen.checks() == 0) {
            return List.of();
        }
        dynamo.updateItem(r -> r.tableName(table).key(key(scope, bucketOf(now)))
                .updateExpression("ADD checks :checks, rejections :rejections SET #ttl = :ttl")
                .expressionAttributeNames(Map.of("#ttl", TableLayout.TTL))
                .expressionAttributeValues(Map.of(":checks", n(seen.checks()), ":rejections", n(seen.rejections()),
                        ":ttl", n(now.plus(KEPT).getEpochSecond()))));
        if (seen.rejections() == 0 || holding(scope.app())) {
            return List.of();
        }
        Counts window = counts(scope, now.minus(config.window()), now);
        return abnormal(window) ? open(scope, window, now) : List.of();
    }

    /** Opens or closes each app's incident from its counts; what that recorded. */
    public List<Alert> evaluate(Instant now) {
        var recorded = new ArrayList<Alert>();
        for (App app : apps.all()) {
            var scope = new Scope(app.marketplace(), app.name());
            if (!holding(app.name())) {
                Counts window = counts(scope, now.minus(config.window()), now);
                if (abnormal(window)) {
                    recorded.addAll(open(scope, window, now));
                }
                continue;
            }
            Instant since = incidents.openedAtForApp(Incidents.Kind.MASS_REJECTION, app.name()).orElse(now.minus(config.window()));
            Counts sinceOpened = counts(scope, since.isBefore(now.minus(KEPT)) ? now.minus(KEPT) : since, now);
            if (sinceOpened.checks() - sinceOpened.rejections() >= config.minRejections() && sinceOpened.share() < config.rejectionShare()) {
                LOG.infof("Mass rejection of %s over: %s since it opened; held connections are re-tested and their merchants told only "
                        + "if still refused", scope, sinceOpened);
                recorded.addAll(incidents.resolveForApp(Incidents.Kind.MASS_REJECTION, app.name(), now));
            }
        }
        return recorded;
    }

    /** The window's counts of one app: what a rejection is weighed against. */
    public Counts window(Scope scope, Instant now) {
        return counts(scope, now.minus(config.window()), now);
    }

    /** A held connection of {@code app} works again: the rejections were not the sellers' doing, so the app's incident is over. */
    void heldConnectionWorks(String app, Instant now) {
        if (holding(app)) {
            LOG.infof("A held connection of app %s works again: the mass rejection is over", app);
            incidents.resolveForApp(Incidents.Kind.MASS_REJECTION, app, now);
        }
    }

    /**
     * Holds the "needs reauthorization" alerts and events recorded before an app's incident opened
     * and not sent yet, and schedules their connections for re-tests; how many connections.
     */
    public int holdPending(Instant deadline) {
        Instant now = clock.instant();
        var connections = outbox.pending(now.plus(Duration.ofDays(1))).stream()
                .filter(a -> a.kind().heldDuringMassRejection())
                .filter(a -> holding(a.app().orElse(App.DEFAULT)))
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
            LOG.infof("Held the alerts of %d connection(s) rejected before a mass-rejection incident opened", held);
        }
        return held;
    }

    boolean abnormal(Counts counts) {
        return counts.rejections() >= config.minRejections() && counts.shareAtLeast() >= config.rejectionShare();
    }

    private List<Alert> open(Scope scope, Counts counts, Instant now) {
        var recorded = incidents.openForApp(Incidents.Kind.MASS_REJECTION, scope.app(),
                scope.marketplace() + " rejected " + counts + " in about " + config.window(), now);
        if (!recorded.isEmpty()) {
            LOG.errorf("OPERATOR: mass rejection, %s: %s; merchant alerts about its connections are held and the connections re-tested",
                    scope, counts);
        }
        return recorded;
    }

    private Counts counts(Scope scope, Instant from, Instant to) {
        var keys = new ArrayList<Map<String, AttributeValue>>();
        for (long bucket = bucketOf(from); bucket <= bucketOf(to); bucket++) {
            keys.add(key(scope, bucket));
        }
        Counts total = Counts.NONE;
        for (var item : BatchReads.read(dynamo, table, keys, true)) {
            total = total.plus(new Counts(number(item, "checks").orElse(0L), number(item, "rejections").orElse(0L)));
        }
        return total;
    }

    private static long bucketOf(Instant at) {
        return at.getEpochSecond() / BUCKET.toSeconds();
    }

    private static Map<String, AttributeValue> key(Scope scope, long bucket) {
        return Map.of(TableLayout.PK, s(PREFIX + scope.marketplace() + "#" + scope.app() + "#" + bucket), TableLayout.SK, s("GUARD"));
    }
}
