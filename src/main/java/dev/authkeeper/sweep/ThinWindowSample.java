package dev.authkeeper.sweep;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import dev.authkeeper.app.App;
import dev.authkeeper.check.CheckedConnection;
import dev.authkeeper.check.MassRejectionGuard;
import dev.authkeeper.config.GuardConfig;
import dev.authkeeper.table.TableLayout;

/**
 * An app whose rejections a worker saw but whose window holds fewer than {@code min-checks}
 * checks (a small deployment: a slot holds a handful of connections) cannot be weighed: the
 * worker proves that many more of the app's connections first, before the planner delivers any
 * "needs reauthorization" alert, so a broken credential opens the app's incident instead of
 * telling the merchants one by one, and a genuine revocation is seen among working ones.
 */
@ApplicationScoped
class ThinWindowSample {

    private static final Logger LOG = Logger.getLogger(ThinWindowSample.class);

    private final MassRejectionGuard guard;
    private final GuardConfig config;
    private final RoundPages pages;
    private final ConnectionChecks checker;
    private final Clock clock;

    ThinWindowSample(MassRejectionGuard guard, GuardConfig config, RoundPages pages, ConnectionChecks checker, Clock clock) {
        this.guard = guard;
        this.config = config;
        this.pages = pages;
        this.checker = checker;
        this.clock = clock;
    }

    void proveWhereThin(Tally tally, Instant now) {
        for (var scope : List.copyOf(tally.guarded.keySet())) {
            var seen = tally.guarded.get(scope);
            if (seen.rejections() == 0 || guard.holding(scope.app()) || clock.instant().isAfter(tally.deadline)) {
                continue;
            }
            long missing = config.minChecks() - guard.window(scope, now).plus(seen).checks();
            if (missing <= 0) {
                continue;
            }
            var sample = pages.sampleOf(scope.app(), App.DEFAULT.equals(scope.app()), ThreadLocalRandom.current().nextInt(TableLayout.CHECK_PARTITIONS),
                    (int) missing);
            LOG.infof("Sweep %s (%s): %s of app %s rejected among too few checks to weigh; proving %d more of the app's connections",
                    tally.runId, tally.unit, seen, scope.app(), sample.size());
            try (var checks = checker.inFlight(tally)) {
                for (var item : sample) {
                    tally.examined.incrementAndGet();
                    String name = item.get(TableLayout.CONNECTION_ID).s();
                    checks.submit(() -> checker.check(tally, name, () -> CheckedConnection.of(item)));
                }
            }
        }
    }
}
