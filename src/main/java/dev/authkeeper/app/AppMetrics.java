package dev.authkeeper.app;

import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.authkeeper.config.AuthKeeperConfig;

/**
 * Each app's client-secret age as a CloudWatch embedded-metric-format line (namespace
 * {@code AuthKeeper}, dimensions {@code Service} and {@code App}): {@code ClientSecretAgeDays} and
 * {@code ClientSecretDaysLeft}. The template's metric filter takes the age from these lines for its alarm.
 */
@ApplicationScoped
class AppMetrics {

    private static final String NAMESPACE = "AuthKeeper";

    private final ObjectMapper json;
    private final String service;
    private final PrintStream out = System.out;

    AppMetrics(ObjectMapper json, AuthKeeperConfig config) {
        this.json = json;
        this.service = config.metricsService();
    }

    void emitSecretAge(String app, long ageDays, long daysLeft, long timestampMillis) {
        var document = new LinkedHashMap<String, Object>();
        document.put("_aws", Map.of("Timestamp", timestampMillis, "CloudWatchMetrics", List.of(Map.of(
                "Namespace", NAMESPACE, "Dimensions", List.of(List.of("Service", "App")),
                "Metrics", List.of(Map.of("Name", "ClientSecretAgeDays", "Unit", "Count"),
                        Map.of("Name", "ClientSecretDaysLeft", "Unit", "Count"))))));
        document.put("Service", service);
        document.put("App", app);
        document.put("ClientSecretAgeDays", ageDays);
        document.put("ClientSecretDaysLeft", daysLeft);
        try {
            out.println(json.writeValueAsString(document));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
