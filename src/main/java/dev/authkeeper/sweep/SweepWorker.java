package dev.authkeeper.sweep;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BiConsumer;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import dev.authkeeper.alert.Alert;
import dev.authkeeper.alert.AlertDelivery;
import dev.authkeeper.alert.Incidents;
import dev.authkeeper.app.App;
import dev.authkeeper.app.Apps;
import dev.authkeeper.aws.FailedCall;
import dev.authkeeper.check.CheckOutcome;
import dev.authkeeper.check.CheckRecorder;
import dev.authkeeper.check.CheckStore;
import dev.authkeeper.check.CheckedConnection;
import dev.authkeeper.check.ConnectionProof;
import dev.authkeeper.check.MassRejectionGuard;
import dev.authkeeper.config.GuardConfig;
import dev.authkeeper.config.SweepConfig;
import dev.authkeeper.crypto.TokenCipher;
import dev.authkeeper.table.ConnectionId;
import dev.authkeeper.table.TableLayout;

/**
 * A sweep worker: proves the connections of one unit of work within its own time budget. A unit
 * of the round is claimed a page at a time (one conditional write per page, none per healthy
 * connection, each also recording how far the checks have finished); a shard of the due index,
 * connection by connection. Whatever the unit, the worker
 * stops taking work when its budget is used, finishes the checks in flight, opens or closes
 * incidents, delivers what must go out now, adds its figures to its run, and logs its summary.
 */
@ApplicationScoped
public class SweepWorker {

    private static final Logger LOG = Logger.getLogger(SweepWorker.class);
    /** Kept at the end of the budget for incidents, delivery and bookkeeping. */
    static final Duration FINISHING = Duration.ofSeconds(20);
    /** What a check started just before the worker stops taking work may still take (its LWA retries). */
    static final Duration CHECK_ALLOWANCE = Duration.ofSeconds(25);
    private static final int PROGRESS_EVERY = 1000;
    /** What a connection's {@code lastCheckError} says when its sealed token does not open. */
    static final String TOKEN_UNOPENABLE = "the stored token does not open";

    private final RoundProgress progress;
    private final RoundPages pages;
    private final CheckStore store;
    private final ConnectionProof proof;
    private final CheckRecorder recorder;
    private final MassRejectionGuard guard;
    private final Incidents incidents;
    private final AlertDelivery delivery;
    private final SweepRuns runs;
    private final SweepMetrics metrics;
    private final SweepConfig config;
    private final GuardConfig guardConfig;
    private final DueIndex dueIndex;
    private final Apps apps;
    private final Clock clock;

    public SweepWorker(RoundProgress progress, RoundPages pages, CheckStore store, ConnectionProof proof, CheckRecorder recorder,
            MassRejectionGuard guard, Incidents incidents, AlertDelivery delivery, SweepRuns runs, SweepMetrics metrics,
            SweepConfig config, GuardConfig guardConfig, DueIndex dueIndex, Apps apps, Clock clock) {
        this.guardConfig = guardConfig;
        this.apps = apps;
        this.progress = progress;
        this.pages = pages;
        this.store = store;
        this.proof = proof;
        this.recorder = recorder;
        this.guard = guard;
        this.incidents = incidents;
        this.delivery = delivery;
        this.runs = runs;
        this.metrics = metrics;
        this.config = config;
        this.dueIndex = dueIndex;
        this.clock = clock;
    }

    /** One message from the sweep queue, or one connection support asks to check now. */
    public SweepSummary work(SweepUnit unit) {
        return switch (unit.work()) {
            case SweepUnit.Round round -> run(unit.runId(), round.unit().toString(), (tally, checks) -> round(tally, round.unit(), checks));
            case SweepUnit.Due due -> run(unit.runId(), "due shard " + due.shard(), (tally, checks) -> due(tally, due.shard(), checks));
            case SweepUnit.Now now -> checkNow(now.id());
        };
    }

    private SweepSummary run(String runId, String unit, BiConsumer<Tally, Checks> work) {
        var tally = new Tally(runId, unit, clock.instant(), config.timeBudget(), apps.all().size());
        LOG.infof("Sweep %s: worker started on %s", tally.runId, tally.unit);
        try (var checks = new Checks(tally)) {
            work.accept(tally, checks);
        }
        return finish(tally, true);
    }

    /** Checks one connection now, due or not: what support asks for. */
    public SweepSummary checkNow(ConnectionId id) {
        var tally = new Tally("now", "connection " + id, clock.instant(), config.timeBudget(), apps.all().size());
        store.read(TableLayout.connectionKey(id)).ifPresent(c -> {
            tally.examined.incrementAndGet();
            check(tally, id.value(), () -> c);
        });
        return finish(tally, false);
    }

    private void round(Tally tally, RoundUnit unit, Checks checks) {
        Instant now = clock.instant();
        long round = unit.dueRound(now, config.interval());
        if (round < 0) {
            return;
        }
        Instant lease = tally.deadline.plus(CHECK_ALLOWANCE);
        var seen = progress.get(unit);
        long version;
        Optional<String> cursor;
        if (seen.isEmpty() || seen.get().done() && seen.get().round() < round) {
            if (!progress.startLap(unit, seen, round, tally.owner, lease, now)) {
                tally.takenByOthers.incrementAndGet();
                return;
            }
            version = seen.map(p -> p.version() + 1).orElse(1L);
            cursor = Optional.empty();
        } else if (seen.get().done()) {
            return;
        } else if (seen.get().leasedBy(tally.owner, now)) {
            tally.takenByOthers.incrementAndGet();
            return;
        } else if (!progress.take(unit, seen.get(), tally.owner, lease)) {
            tally.takenByOthers.incrementAndGet();
            return;
        } else {
            version = seen.get().version() + 1;
            // Where the last worker's checks had got to: a page it claimed but never checked (it was killed) is checked now.
            cursor = seen.get().checked();
        }
        var inHand = new PagesInHand(cursor);
        while (true) {
            var current = new RoundProgress.Progress(round, cursor, false, lease, tally.owner, version, Optional.empty(),
                    Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
            if (tally.shouldStop(clock.instant())) {
                checks.close();
                progress.release(unit, current, cursor, clock.instant());
                return;
            }
            var page = pages.next(unit, cursor, config.pageSize());
            if (page.isEmpty()) {
                checks.close();
                progress.finishLap(unit, current, clock.instant());
                return;
            }
            String last = page.get(page.size() - 1).get(TableLayout.CHECK_ORDER).s();
            if (!progress.claimPage(unit, current, last, inHand.checkedThrough(), lease, clock.instant())) {
                tally.takenByOthers.addAndGet(page.size());
                return;
            }
            version++;
            cursor = Optional.of(last);
            var claimed = inHand.claimed(last, page.size());
            for (var item : page) {
                tally.examined.incrementAndGet();
                String name = TableLayout.idOfCheckOrder(item.get(TableLayout.CHECK_ORDER).s()).value();
                checks.submit(() -> {
                    try {
                        check(tally, name, () -> CheckedConnection.of(item));
                    } finally {
                        claimed.countDown();
                    }
                });
            }
        }
    }

    /** The pages a worker claimed whose checks are in flight, in order: how far the unit is checked through. */
    private static final class PagesInHand {
        private record Page(String last, CountDownLatch unchecked) {
        }

        private final Queue<Page> pages = new ConcurrentLinkedQueue<>();
        private Optional<String> checkedThrough;

        PagesInHand(Optional<String> checkedThrough) {
            this.checkedThrough = checkedThrough;
        }

        CountDownLatch claimed(String last, int size) {
            var page = new Page(last, new CountDownLatch(size));
            pages.add(page);
            return page.unchecked();
        }

        /** The end of the last page whose checks, and all before it, have finished; what the unit had when none has. */
        Optional<String> checkedThrough() {
            while (!pages.isEmpty() && pages.peek().unchecked().getCount() == 0) {
                checkedThrough = Optional.of(pages.remove().last());
            }
            return checkedThrough;
        }
    }

    /** Retries, re-tests and reminders whose time has come, claimed one by one (each is a change anyway). */
    private void due(Tally tally, int shard, Checks checks) {
        Instant now = clock.instant();
        for (var key : dueIndex.due(shard, now)) {
            if (tally.shouldStop(clock.instant())) {
                return;
            }
            tally.examined.incrementAndGet();
            var claimed = store.claimDue(key.get(TableLayout.PK).s(), clock.instant(), clock.instant().plus(config.retryAfterTransient()));
            if (claimed.isEmpty()) {
                tally.takenByOthers.incrementAndGet();
                continue;
            }
            checks.submit(() -> check(tally, claimed.get().id().value(), claimed::get));
        }
    }

    /** Proves and records one connection; whatever goes wrong is logged with the connection and counted, and the rest go on. */
    private void check(Tally tally, String name, Supplier<CheckedConnection> read) {
        CheckedConnection connection = null;
        try {
            connection = read.get();
            String app = connection.app();
            Instant deadline = tally.deadline.plus(CHECK_ALLOWANCE);
            String refused = tally.refusedApps.get(app);
            CheckOutcome outcome = refused != null ? new CheckOutcome.AppCredentialsBroken(refused)
                    : proof.prove(connection, deadline, () -> tally.refusedApps.containsKey(app));
            if (outcome instanceof CheckOutcome.AppCredentialsBroken broken && tally.refusedApps.putIfAbsent(app, broken.error()) == null) {
                LOG.errorf("OPERATOR: the marketplace refused the credentials of app %s (%s); this worker stops calling it for the app's connections",
                        app, broken.error());
            }
            if (outcome instanceof CheckOutcome.Unexpected unexpected) {
                tally.firstUnexpected.compareAndSet(null, unexpected.description());
            }
            var recorded = recorder.record(connection, outcome);
            tally.guard(MassRejectionGuard.Scope.of(connection), recorded.result());
            if (recorded.result() == CheckRecorder.Result.VALID || recorded.result() == CheckRecorder.Result.RECOVERED) {
                tally.appsWorking.add(app);
            }
            tally.add(recorded);
        } catch (RuntimeException e) {
            tally.errors.incrementAndGet();
            String kind = notChecked(tally, name, e);
            if (connection != null) {
                remember(connection, kind);
            }
        }
        int checked = tally.checked();
        if (checked % PROGRESS_EVERY == 0) {
            LOG.infof("Sweep %s (%s): %d checked, %d valid, %d need reauthorization, %d transient", tally.runId, tally.unit, checked,
                    tally.count(CheckRecorder.Result.VALID), tally.count(CheckRecorder.Result.NEEDS_REAUTHORIZATION),
                    tally.count(CheckRecorder.Result.TRANSIENT));
        }
    }

    /**
     * An app whose rejections this worker saw but whose window holds fewer than {@code min-checks}
     * checks (a small deployment: a slot holds a handful of connections) cannot be weighed: this
     * worker proves that many more of the app's connections first, before the planner delivers any
     * "needs reauthorization" alert, so a broken credential opens the app's incident instead of
     * telling the merchants one by one, and a genuine revocation is seen among working ones.
     */
    private void sampleWhereThin(Tally tally, Instant now) {
        for (var scope : List.copyOf(tally.guarded.keySet())) {
            var seen = tally.guarded.get(scope);
            if (seen.rejections() == 0 || guard.holding(scope.app()) || clock.instant().isAfter(tally.deadline)) {
                continue;
            }
            long missing = guardConfig.minChecks() - guard.window(scope, now).plus(seen).checks();
            if (missing <= 0) {
                continue;
            }
            var sample = pages.sampleOf(scope.app(), App.DEFAULT.equals(scope.app()), ThreadLocalRandom.current().nextInt(TableLayout.CHECK_PARTITIONS),
                    (int) missing);
            LOG.infof("Sweep %s (%s): %s of app %s rejected among too few checks to weigh; proving %d more of the app's connections",
                    tally.runId, tally.unit, seen, scope.app(), sample.size());
            try (var checks = new Checks(tally)) {
                for (var item : sample) {
                    tally.examined.incrementAndGet();
                    String name = item.get(TableLayout.CONNECTION_ID).s();
                    checks.submit(() -> check(tally, name, () -> CheckedConnection.of(item)));
                }
            }
        }
    }

    /** What kept a check from running, logged (an AWS failure once per kind, an unopenable token each time) and counted. */
    private String notChecked(Tally tally, String name, RuntimeException e) {
        if (e instanceof TokenCipher.CannotOpen) {
            tally.tokensUnopenable.incrementAndGet();
            LOG.errorf("OPERATOR: the stored token of %s does not open (its branch key is gone or it was altered); restore the key, or "
                    + "the merchant connects the account again", name);
            return TOKEN_UNOPENABLE;
        }
        if (tally.dependencies.failed(e)) {
            return FailedCall.of(e).map(FailedCall::toString).orElseThrow();
        }
        LOG.errorf("Checking %s failed (%s); it is tried again from the due index", name, e.getClass().getSimpleName());
        return e.getClass().getSimpleName();
    }

    /** Records a check that could not run, so it does not read as VALID and is tried again soon; if that fails too, the round retries it. */
    private void remember(CheckedConnection connection, String kind) {
        try {
            recorder.recordNotChecked(connection, kind);
        } catch (RuntimeException e) {
            LOG.errorf("Could not record that %s was not checked (%s); the next round checks it", connection.id(),
                    FailedCall.of(e).map(FailedCall::toString).orElse(e.getClass().getSimpleName()));
        }
    }

    private SweepSummary finish(Tally tally, boolean partOfRun) {
        Instant now = clock.instant();
        var interim = tally.summary(now);
        // The summary line and the metrics go out even when the bookkeeping below fails (DynamoDB down, say), so that the
        // CheckErrors alarm sees an outage; the failure is then rethrown and the unit's message delivered again.
        RuntimeException failed = null;
        try {
            tally.refusedApps.forEach((app, error) -> record(tally, incidents.openForApp(Incidents.Kind.APP_CREDENTIALS, app, error, now), true));
            var working = new HashSet<>(tally.appsWorking);
            working.removeAll(tally.refusedApps.keySet());
            if (!working.isEmpty()) {
                record(tally, incidents.checksSucceeded(working, now), false);
            }
            record(tally, tally.dependencies.settle(incidents, interim.checked() > 0, now), true);
            sampleWhereThin(tally, now);
            tally.guarded.forEach((scope, counts) -> record(tally, guard.count(scope, counts, now), true));
            if (interim.unexpected() > 0) {
                LOG.warnf("OPERATOR: a marketplace answered %d check(s) in a way it does not document (first: %s); they are tried again later",
                        interim.unexpected(), tally.firstUnexpected.get());
            }
            var delivered = delivery.deliverNow(List.copyOf(tally.recorded), tally.deadline.plus(CHECK_ALLOWANCE).plus(FINISHING));
            tally.alertsSent.addAndGet(delivered.messages());
        } catch (RuntimeException e) {
            failed = e;
            LOG.errorf("Sweep %s (%s): its incidents, guard counts or alerts were not recorded (%s); the unit's message is delivered again",
                    tally.runId, tally.unit, FailedCall.of(e).map(FailedCall::toString).orElse(e.getClass().getSimpleName()));
        }
        var summary = tally.summary(clock.instant());
        LOG.infof("Sweep %s (%s) finished: examined=%d checked=%d valid=%d needsReauthorization=%d held=%d released=%d recovered=%d "
                + "reminders=%d transient=%d unexpected=%d applicationLevel=%d expiryWarnings=%d tokensRotated=%d tokensResealed=%d "
                + "migrated=%d nonExpiringLeft=%d superseded=%d takenByOthers=%d errors=%d alertsSent=%d operatorIncidents=%d durationMs=%d%s",
                summary.runId(), summary.unit(), summary.examined(), summary.checked(), summary.valid(), summary.needsReauthorization(),
                summary.held(), summary.released(), summary.recovered(), summary.reminders(), summary.transientFailures(),
                summary.unexpected(), summary.applicationLevel(), summary.expiryWarnings(), summary.tokensRotated(),
                summary.tokensResealed(), summary.migrated(), summary.nonExpiringLeft(), summary.superseded(), summary.takenByOtherRuns(), summary.errors(),
                summary.alertsSent(), summary.operatorIncidents(), summary.durationMillis(),
                summary.stoppedEarly() ? " (stopped early: " + summary.stopReason() + ")" : "");
        metrics.emitWorker(summary, now.toEpochMilli());
        if (failed != null) {
            throw failed;
        }
        if (partOfRun) {
            runs.add(summary);
        }
        return summary;
    }

    private static void record(Tally tally, List<Alert> recorded, boolean incident) {
        if (incident && !recorded.isEmpty()) {
            tally.operatorIncidents.incrementAndGet();
        }
        tally.recorded.addAll(recorded);
    }

    /** The worker's checks in flight: virtual threads, at most {@code authkeeper.sweep.concurrency} at once. */
    private final class Checks implements AutoCloseable {
        private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
        private final Semaphore permits = new Semaphore(config.concurrency());
        private final Tally tally;

        Checks(Tally tally) {
            this.tally = tally;
        }

        void submit(Runnable check) {
            permits.acquireUninterruptibly();
            executor.submit(() -> {
                try {
                    check.run();
                } catch (RuntimeException e) {
                    tally.errors.incrementAndGet();
                    LOG.errorf("A check failed outside its own handling (%s)", e.getClass().getSimpleName());
                } finally {
                    permits.release();
                }
            });
        }

        @Override
        public void close() {
            executor.close();
        }
    }
}
