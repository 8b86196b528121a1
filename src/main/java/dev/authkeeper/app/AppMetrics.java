package dev.authkeeper.app;

import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import dev.authkeeper.metrics.EmbeddedMetrics;

/**
 * Each app's client-secret age as an embedded-metric line (dimensions {@code Service} and
 * {@code App}): {@code ClientSecretAgeDays} and {@code ClientSecretDaysLeft}. The template's metric
 * filter takes the age from these lines for its alarm, whichever app it is.
 */
@ApplicationScoped
class AppMetrics {

    private final EmbeddedMetrics metrics;

    AppMetrics(EmbeddedMetrics metrics) {
        this.metrics = metrics;
    }

    void emitSecretAge(String app, long ageDays, long daysLeft, long timestampMillis) {
        var values = new LinkedHashMap<String, Number>();
        values.put("ClientSecretAgeDays", ageDays);
        values.put("ClientSecretDaysLeft", daysLeft);
        metrics.emit(values, Map.of("App", app), Map.of(), timestampMillis);
    }
}
