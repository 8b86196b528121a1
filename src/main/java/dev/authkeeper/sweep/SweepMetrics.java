package dev.authkeeper.sweep;

import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import dev.authkeeper.metrics.EmbeddedMetrics;

/**
 * The sweep's figures as embedded-metric lines: workers emit what they checked (CloudWatch adds the
 * workers of a run up); the planner emits one {@code SweepRuns} per run.
 */
@ApplicationScoped
class SweepMetrics {

    private final EmbeddedMetrics metrics;

    SweepMetrics(EmbeddedMetrics metrics) {
        this.metrics = metrics;
    }

    void emitWorker(SweepSummary summary, long timestampMillis) {
        var values = new LinkedHashMap<String, Number>();
        values.put("SweepWorkers", 1);
        values.put("ConnectionsExamined", summary.examined());
        values.put("ConnectionsChecked", summary.checked());
        values.put("ChecksValid", summary.valid());
        values.put("ChecksNeedsReauthorization", summary.needsReauthorization());
        values.put("ChecksHeld", summary.held());
        values.put("ChecksRecovered", summary.recovered());
        values.put("ChecksTransient", summary.transientFailures());
        values.put("ChecksUnexpected", summary.unexpected());
        values.put("ChecksApplicationLevel", summary.applicationLevel());
        values.put("CheckErrors", summary.errors());
        values.put("TokensUnopenable", summary.tokensUnopenable());
        // Summed over a day (one round), the connections whose non-expiring token Shopify stops accepting on 2027-01-01.
        values.put("NonExpiringTokensLeft", summary.nonExpiringLeft());
        values.put("AlertsSent", summary.alertsSent());
        values.put("OperatorIncidents", summary.operatorIncidents());
        values.put("WorkerDuration", summary.durationMillis());
        metrics.emit(values, Map.of(), Map.of("runId", summary.runId(), "unit", summary.unit()), timestampMillis);
    }

    void emitPlan(PlanSummary plan, long timestampMillis) {
        var values = new LinkedHashMap<String, Number>();
        values.put("SweepRuns", 1);
        values.put("UnitsPlanned", plan.units());
        values.put("AlertsSent", plan.alertsSent());
        values.put("OperatorIncidents", plan.operatorIncidents());
        values.put("AlertsHeld", plan.held());
        values.put("PlannerDuration", plan.durationMillis());
        metrics.emit(values, Map.of(), Map.of("runId", plan.runId()), timestampMillis);
    }
}
