package dev.authkeeper.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

class EmbeddedMetricsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** An alarm of the template on a metric of namespace AuthKeeper: the metric's name. */
    private static final Pattern ALARMED_METRIC = Pattern.compile("(?m)^      Namespace: AuthKeeper\\n      MetricName: (\\w+)$");

    private final Map<String, Number> values = new LinkedHashMap<>(Map.of(
            "ConnectionsChecked", 100, "CheckErrors", 1, "OperatorIncidents", 0, "WorkerDuration", 4200));

    @Test
    void publishesOnlyWhatAnAlarmWatchesButLogsEveryFigure() throws IOException {
        JsonNode line = JSON.readTree(new EmbeddedMetrics(JSON, "stack", false).line(values, Map.of("App", "draft"),
                Map.of("runId", "r1"), 1_000L));

        assertThat(declared(line)).containsExactlyInAnyOrder("CheckErrors", "OperatorIncidents");
        assertThat(line.at("/_aws/CloudWatchMetrics/0/Dimensions/0").toString()).isEqualTo("[\"Service\",\"App\"]");
        assertThat(line.get("ConnectionsChecked").asInt()).isEqualTo(100);
        assertThat(line.get("WorkerDuration").asInt()).isEqualTo(4200);
        assertThat(line.get("Service").asText()).isEqualTo("stack");
        assertThat(line.get("App").asText()).isEqualTo("draft");
        assertThat(line.get("runId").asText()).isEqualTo("r1");
    }

    @Test
    void detailedPublishesEveryFigure() throws IOException {
        JsonNode line = JSON.readTree(new EmbeddedMetrics(JSON, "stack", true).line(values, Map.of(), Map.of(), 1_000L));

        assertThat(declared(line)).containsExactlyInAnyOrderElementsOf(values.keySet());
        assertThat(line.at("/_aws/CloudWatchMetrics/0/Metrics").findValuesAsText("Unit"))
                .containsExactlyInAnyOrder("Count", "Count", "Count", "Milliseconds");
    }

    @Test
    void aLineWithNothingToPublishIsAPlainLogLine() throws IOException {
        JsonNode line = JSON.readTree(new EmbeddedMetrics(JSON, "stack", false).line(Map.of("ClientSecretAgeDays", 12),
                Map.of("App", "default"), Map.of(), 1_000L));

        assertThat(line.has("_aws")).isFalse();
        assertThat(line.get("ClientSecretAgeDays").asInt()).isEqualTo(12);
    }

    @Test
    void everyAlarmOnAnEmbeddedMetricWatchesOneThatIsAlwaysPublished() throws IOException {
        var watched = new HashSet<String>();
        ALARMED_METRIC.matcher(Files.readString(Path.of("template.yaml"))).results().forEach(m -> watched.add(m.group(1)));

        assertThat(watched).isNotEmpty();
        assertThat(EmbeddedMetrics.ALARMED).containsAll(watched);
    }

    private static Set<String> declared(JsonNode line) {
        var names = new HashSet<String>();
        line.at("/_aws/CloudWatchMetrics/0/Metrics").forEach(metric -> names.add(metric.get("Name").asText()));
        return names;
    }
}
