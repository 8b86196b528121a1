package dev.authkeeper.sweep;

import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.authkeeper.config.AuthKeeperConfig;

/**
 * Figures as CloudWatch embedded-metric-format lines on standard output, which Lambda ships to
 * CloudWatch Logs; CloudWatch turns them into metrics in namespace {@code AuthKeeper} with the
 * dimension {@code Service} (the stack's name in a deployment). Workers emit what they checked
 * (CloudWatch adds the workers of a run up); the planner emits one {@code SweepRuns} per run.
 */
@ApplicationScoped
class SweepMetrics {

    static final String NAMESPACE = "AuthKeeper";

    private final ObjectMapper json;
    private final String service;
    private final PrintStream out = System.out;

    SweepMetrics(ObjectMapper json, AuthKeeperConfig config) {
        this.json = json;
        this.service = config.metricsService();
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
        values.put("AlertsSent", summary.alertsSent());
        values.put("OperatorIncidents", summary.operatorIncidents());
        values.put("WorkerDuration", summary.durationMillis());
        out.println(line(values, Map.of("runId", summary.runId(), "unit", summary.unit()), timestampMillis));
    }

    void emitPlan(PlanSummary plan, long timestampMillis) {
        var values = new LinkedHashMap<String, Number>();
        values.put("SweepRuns", 1);
        values.put("UnitsPlanned", plan.units());
        values.put("AlertsSent", plan.alertsSent());
        values.put("OperatorIncidents", plan.operatorIncidents());
        values.put("AlertsHeld", plan.held());
        values.put("PlannerDuration", plan.durationMillis());
        out.println(line(values, Map.of("runId", plan.runId()), timestampMillis));
    }

    String line(Map<String, Number> values, Map<String, String> properties, long timestampMillis) {
        var metrics = values.keySet().stream()
                .map(name -> Map.of("Name", name, "Unit", name.endsWith("Duration") ? "Milliseconds" : "Count"))
                .toList();
        var document = new LinkedHashMap<String, Object>();
        document.put("_aws", Map.of("Timestamp", timestampMillis, "CloudWatchMetrics", List.of(Map.of(
                "Namespace", NAMESPACE, "Dimensions", List.of(List.of("Service")), "Metrics", metrics))));
        document.put("Service", service);
        document.putAll(values);
        document.putAll(properties);
        try {
            return json.writeValueAsString(document);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
