package dev.authkeeper.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/**
 * The cost model runs, and the figures the docs show are what it computes from the recorded
 * benchmark inputs and the template of today: a new alarm, a price or a measurement that changes
 * without the docs being written again fails here.
 */
class CostModelTest {

    static final Path COSTS = Path.of("docs", "operating", "costs.md");
    static final Path BENCHMARKS = Path.of("BENCHMARKS.md");

    @Test
    void theDocsShowWhatTheCostModelComputes() throws IOException, InterruptedException {
        assertThat(Files.readString(COSTS)).contains("<!-- cost-model:start -->", "<!-- cost-mix:start -->");
        assertThat(Files.readString(BENCHMARKS)).contains("<!-- marketplace-dollars:start -->");

        var process = new ProcessBuilder(Path.of(".venv", "bin", "python").toString(), "infra/cost_model.py",
                "--check", COSTS.toString(), "--check", BENCHMARKS.toString()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("the cost model ends").isTrue();
        assertThat(process.exitValue()).as(output).isZero();
    }
}
