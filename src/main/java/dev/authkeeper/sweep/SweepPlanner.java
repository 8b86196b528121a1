package dev.authkeeper.sweep;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import dev.authkeeper.config.SweepConfig;

/**
 * The scheduled start of a sweep run. It hands out, as messages on the sweep queue, the units of
 * work that are due ({@link UnitsDue}) and records how many; then it does the run's own upkeep
 * ({@link PlannerUpkeep}), logs what it did and emits its metrics.
 */
@ApplicationScoped
public class SweepPlanner {

    private static final Logger LOG = Logger.getLogger(SweepPlanner.class);

    private final UnitsDue unitsDue;
    private final SweepRuns runs;
    private final SweepQueue queue;
    private final PlannerUpkeep upkeep;
    private final SweepMetrics metrics;
    private final SweepConfig config;
    private final Clock clock;

    SweepPlanner(UnitsDue unitsDue, SweepRuns runs, SweepQueue queue, PlannerUpkeep upkeep, SweepMetrics metrics, SweepConfig config,
            Clock clock) {
        this.unitsDue = unitsDue;
        this.runs = runs;
        this.queue = queue;
        this.upkeep = upkeep;
        this.metrics = metrics;
        this.config = config;
        this.clock = clock;
    }

    public PlanSummary plan() {
        Instant started = clock.instant();
        Instant deadline = started.plus(config.timeBudget());
        String runId = UUID.randomUUID().toString().substring(0, 8);
        var due = unitsDue.at(started);
        var units = due.of(runId);
        if (!units.isEmpty()) {
            runs.start(runId, units.size(), started);
            queue.send(units);
        }
        var done = upkeep.run(started, deadline);
        var summary = new PlanSummary(runId, units.size(), due.round().size(), due.dueShards().size(), done.alertsSent(),
                done.operatorIncidents(), done.held(), done.migration().migrated(), done.migration().done(),
                Duration.between(started, clock.instant()).toMillis());
        LOG.infof("Sweep run %s planned: %d unit(s) of the round and %d due shard(s) handed to workers; alertsSent=%d held=%d "
                + "migrated=%d durationMs=%d", runId, due.round().size(), due.dueShards().size(), summary.alertsSent(), done.held(),
                summary.migrated(), summary.durationMillis());
        metrics.emitPlan(summary, started.toEpochMilli());
        return summary;
    }
}
