package dev.authkeeper.sweep;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import dev.authkeeper.alert.Alert;
import dev.authkeeper.alert.AlertDelivery;
import dev.authkeeper.check.MassRejectionGuard;
import dev.authkeeper.config.SweepConfig;
import dev.authkeeper.table.TableLayout;

/**
 * The scheduled start of a sweep run. It hands out, as messages on the sweep queue, every unit of
 * the round whose slot has come and whose lap is not done (nor leased by a live worker), and every
 * shard of the due index with work in it; then it does the run's own bookkeeping: the mass-rejection
 * guard, the move of old connections into the round, and the delivery of alerts whose time has come.
 */
@ApplicationScoped
public class SweepPlanner {

    private static final Logger LOG = Logger.getLogger(SweepPlanner.class);

    private final RoundProgress progress;
    private final SweepQueue queue;
    private final SweepRuns runs;
    private final MassRejectionGuard guard;
    private final LegacyMigration migration;
    private final AlertDelivery delivery;
    private final SweepMetrics metrics;
    private final SweepConfig config;
    private final DueIndex dueIndex;
    private final Clock clock;

    public SweepPlanner(RoundProgress progress, SweepQueue queue, SweepRuns runs, MassRejectionGuard guard, LegacyMigration migration,
            AlertDelivery delivery, SweepMetrics metrics, SweepConfig config, DueIndex dueIndex, Clock clock) {
        this.progress = progress;
        this.queue = queue;
        this.runs = runs;
        this.guard = guard;
        this.migration = migration;
        this.delivery = delivery;
        this.metrics = metrics;
        this.config = config;
        this.dueIndex = dueIndex;
        this.clock = clock;
    }

    public PlanSummary plan() {
        Instant started = clock.instant();
        Instant deadline = started.plus(config.timeBudget());
        String runId = UUID.randomUUID().toString().substring(0, 8);
        var units = new ArrayList<SweepUnit>();
        var round = dueRoundUnits(started);
        round.forEach(unit -> units.add(SweepUnit.round(runId, unit)));
        var dueShards = dueShards(started);
        dueShards.forEach(shard -> units.add(SweepUnit.due(runId, shard)));
        if (!units.isEmpty()) {
            runs.start(runId, units.size(), started);
            queue.send(units);
        }
        var recorded = new ArrayList<Alert>(guard.evaluate(started));
        int operatorIncidents = recorded.isEmpty() ? 0 : 1;
        int held = guard.holdPending(deadline.minus(SweepWorker.FINISHING));
        var migrated = migration.run(deadline.minus(SweepWorker.FINISHING));
        var delivered = delivery.deliverNow(recorded, deadline).plus(delivery.deliverDue(deadline));
        var summary = new PlanSummary(runId, units.size(), round.size(), dueShards.size(), delivered.messages(), operatorIncidents, held,
                migrated.migrated(), migrated.done(), Duration.between(started, clock.instant()).toMillis());
        LOG.infof("Sweep run %s planned: %d unit(s) of the round and %d due shard(s) handed to workers; alertsSent=%d held=%d "
                + "migrated=%d durationMs=%d", runId, round.size(), dueShards.size(), summary.alertsSent(), held, summary.migrated(),
                summary.durationMillis());
        metrics.emitPlan(summary, started.toEpochMilli());
        return summary;
    }

    /**
     * Units whose slot has come in the current round and whose lap is unfinished, unless a live
     * worker holds them. Right after the cut changed, a unit whose slot ended before the change has
     * nothing to do until the next round: a connection's time of day hardly moves with the cut
     * (its slot is its hash's share of the interval), so the old cut's units checked it already.
     */
    private List<RoundUnit> dueRoundUnits(Instant now) {
        var cut = progress.cut(config.slots(), config.shards(), now);
        var all = progress.all();
        var due = new ArrayList<RoundUnit>();
        for (int slot = 0; slot < config.slots(); slot++) {
            for (int shard = 0; shard < config.shards(); shard++) {
                var unit = new RoundUnit(config.slots(), config.shards(), slot, shard);
                long round = unit.dueRound(now, config.interval());
                if (round < 0) {
                    continue;
                }
                var seen = all.get(unit.key());
                if (seen == null && !unit.slotStart(round, config.interval()).plus(config.interval().dividedBy(config.slots()))
                        .isAfter(cut.since())) {
                    continue;
                }
                boolean finished = seen != null && seen.done() && seen.round() >= round;
                boolean busy = seen != null && seen.leaseUntil().isAfter(now);
                if (!finished && !busy) {
                    due.add(unit);
                }
            }
        }
        return due;
    }

    /** Shards of the due index with at least one entry whose time has come. */
    private List<Integer> dueShards(Instant now) {
        var shards = new ArrayList<Integer>();
        for (int shard = 0; shard < TableLayout.DUE_SHARDS; shard++) {
            if (dueIndex.anyDue(shard, now)) {
                shards.add(shard);
            }
        }
        return shards;
    }
}
