package dev.authkeeper.sweep;

import java.time.Clock;
import java.time.Instant;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import dev.authkeeper.aws.FailedCall;

/**
 * The end of a worker: it settles what the checks found, logs the worker's summary line, emits its
 * metrics, and adds its figures to its run.
 */
@ApplicationScoped
class WorkerFinish {

    private static final Logger LOG = Logger.getLogger(WorkerFinish.class);

    private final WorkerSettlement settlement;
    private final SweepRuns runs;
    private final SweepMetrics metrics;
    private final Clock clock;

    WorkerFinish(WorkerSettlement settlement, SweepRuns runs, SweepMetrics metrics, Clock clock) {
        this.settlement = settlement;
        this.runs = runs;
        this.metrics = metrics;
        this.clock = clock;
    }

    /** The worker's summary; a worker checking a connection for support ({@code partOfRun} false) adds nothing to a run. */
    SweepSummary finish(Tally tally, boolean partOfRun) {
        Instant now = clock.instant();
        // The summary line and the metrics go out even when the settling fails (DynamoDB down, say), so that the
        // CheckErrors alarm sees an outage; the failure is then rethrown and the unit's message delivered again.
        RuntimeException failed = null;
        try {
            settlement.settle(tally, now);
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
}
