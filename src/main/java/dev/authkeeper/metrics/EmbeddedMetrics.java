package dev.authkeeper.metrics;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.authkeeper.config.AuthKeeperConfig;

/**
 * Figures as CloudWatch embedded-metric-format lines on standard output, which Lambda ships to
 * CloudWatch Logs: namespace {@code AuthKeeper}, dimension {@code Service} (the stack's name in a
 * deployment) and any others a caller names. Every figure is a field of the line, so Logs Insights
 * can query all of them; only those the template's alarms watch become CloudWatch metrics (each
 * costs $0.30 a month), unless {@code authkeeper.metrics-detailed} publishes them all for dashboards.
 */
@ApplicationScoped
public class EmbeddedMetrics {

    public static final String NAMESPACE = "AuthKeeper";

    /** The metrics the template's alarms watch: published whatever the setting. */
    public static final Set<String> ALARMED = Set.of("SweepRuns", "OperatorIncidents", "ChecksUnexpected", "CheckErrors", "NotificationsRefused", "TokensUnopenable");

    private final ObjectMapper json;
    private final String service;
    private final boolean detailed;
    private final PrintStream out = System.out;

    @Inject
    public EmbeddedMetrics(ObjectMapper json, AuthKeeperConfig config) {
        this(json, config.metricsService(), config.metricsDetailed());
    }

    EmbeddedMetrics(ObjectMapper json, String service, boolean detailed) {
        this.json = json;
        this.service = service;
        this.detailed = detailed;
    }

    /** Writes one line: {@code values} as figures, {@code dimensions} and {@code properties} as fields. */
    public void emit(Map<String, Number> values, Map<String, String> dimensions, Map<String, String> properties, long timestampMillis) {
        out.println(line(values, dimensions, properties, timestampMillis));
    }

    String line(Map<String, Number> values, Map<String, String> dimensions, Map<String, String> properties, long timestampMillis) {
        var metrics = values.keySet().stream()
                .filter(name -> detailed || ALARMED.contains(name))
                .map(name -> Map.of("Name", name, "Unit", name.endsWith("Duration") ? "Milliseconds" : "Count"))
                .toList();
        var dimensionNames = new ArrayList<String>();
        dimensionNames.add("Service");
        dimensionNames.addAll(dimensions.keySet());
        var document = new LinkedHashMap<String, Object>();
        if (!metrics.isEmpty()) {
            document.put("_aws", Map.of("Timestamp", timestampMillis, "CloudWatchMetrics", List.of(Map.of(
                    "Namespace", NAMESPACE, "Dimensions", List.of(dimensionNames), "Metrics", metrics))));
        }
        document.put("Service", service);
        document.putAll(dimensions);
        document.putAll(values);
        document.putAll(properties);
        try {
            return json.writeValueAsString(document);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
