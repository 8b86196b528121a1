package dev.authkeeper.sweep;

import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A run's figures as one CloudWatch embedded-metric-format line on standard output, which Lambda
 * ships to CloudWatch Logs; CloudWatch turns it into metrics in namespace {@code AuthKeeper}.
 */
@ApplicationScoped
class SweepMetrics {

    static final String NAMESPACE = "AuthKeeper";

    private final ObjectMapper json;
    private final PrintStream out = System.out;

    SweepMetrics(ObjectMapper json) {
        this.json = json;
    }

    void emit(SweepSummary summary, long timestampMillis) {
        out.println(line(summary, timestampMillis));
    }

    String line(SweepSummary summary, long timestampMillis) {
        var values = new LinkedHashMap<String, Object>();
        values.put("SweepRuns", 1);
        values.put("ConnectionsDue", summary.due());
        values.put("ConnectionsChecked", summary.checked());
        values.put("ChecksValid", summary.valid());
        values.put("ChecksNeedsReauthorization", summary.needsReauthorization());
        values.put("ChecksTransient", summary.transientFailures());
        values.put("ChecksUnexpected", summary.unexpected());
        values.put("ChecksApplicationLevel", summary.applicationLevel());
        values.put("CheckErrors", summary.errors());
        values.put("AlertsSent", summary.alertsSent());
        values.put("OperatorIncidents", summary.operatorIncidents());
        values.put("SweepDuration", summary.durationMillis());
        var metrics = values.keySet().stream()
                .map(name -> Map.of("Name", name, "Unit", name.equals("SweepDuration") ? "Milliseconds" : "Count"))
                .toList();
        var document = new LinkedHashMap<String, Object>();
        document.put("_aws", Map.of("Timestamp", timestampMillis, "CloudWatchMetrics", List.of(Map.of(
                "Namespace", NAMESPACE, "Dimensions", List.of(List.of("Service")), "Metrics", metrics))));
        document.put("Service", "AuthKeeper");
        document.putAll(values);
        document.put("runId", summary.runId());
        try {
            return json.writeValueAsString(document);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
