package dev.authkeeper.sweep;

import java.time.Clock;
import java.time.Duration;
import java.util.function.BiConsumer;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import dev.authkeeper.app.Apps;
import dev.authkeeper.config.SweepConfig;
import dev.authkeeper.table.ConnectionId;

/**
 * A sweep worker: proves the connections of one unit of work within its own time budget, a unit
 * of the round ({@link RoundUnitWork}) or a shard of the due index ({@link DueShardWork}).
 * Whatever the unit, the worker stops taking work when its budget is used, finishes the checks in
 * flight, and then settles and reports what they found ({@link WorkerFinish}).
 */
@ApplicationScoped
public class SweepWorker {

    private static final Logger LOG = Logger.getLogger(SweepWorker.class);
    /** Kept at the end of the budget for incidents, delivery and bookkeeping. */
    static final Duration FINISHING = Duration.ofSeconds(20);
    /** What a check started just before the worker stops taking work may still take (its LWA retries). */
    static final Duration CHECK_ALLOWANCE = Duration.ofSeconds(25);

    private final RoundUnitWork roundUnit;
    private final DueShardWork dueShard;
    private final ConnectionChecks checker;
    private final WorkerFinish finish;
    private final SweepConfig config;
    private final Apps apps;
    private final Clock clock;

    SweepWorker(RoundUnitWork roundUnit, DueShardWork dueShard, ConnectionChecks checker, WorkerFinish finish, SweepConfig config,
            Apps apps, Clock clock) {
        this.roundUnit = roundUnit;
        this.dueShard = dueShard;
        this.checker = checker;
        this.finish = finish;
        this.config = config;
        this.apps = apps;
        this.clock = clock;
    }

    /** One message from the sweep queue, or one connection support asks to check now. */
    public SweepSummary work(SweepUnit unit) {
        return switch (unit.work()) {
            case SweepUnit.Round round -> run(unit.runId(), round.unit().toString(), (tally, checks) -> roundUnit.work(tally, round.unit(), checks));
            case SweepUnit.Due due -> run(unit.runId(), "due shard " + due.shard(), (tally, checks) -> dueShard.work(tally, due.shard(), checks));
            case SweepUnit.Now now -> checkNow(now.id());
        };
    }

    private SweepSummary run(String runId, String unit, BiConsumer<Tally, ChecksInFlight> work) {
        var tally = tally(runId, unit);
        LOG.infof("Sweep %s: worker started on %s", tally.runId, tally.unit);
        try (var checks = checker.inFlight(tally)) {
            work.accept(tally, checks);
        }
        return finish.finish(tally, true);
    }

    /** Checks one connection now, due or not: what support asks for. */
    public SweepSummary checkNow(ConnectionId id) {
        var tally = tally("now", "connection " + id);
        checker.checkStored(tally, id);
        return finish.finish(tally, false);
    }

    private Tally tally(String runId, String unit) {
        return new Tally(runId, unit, clock.instant(), config.timeBudget(), apps.all().size());
    }
}
