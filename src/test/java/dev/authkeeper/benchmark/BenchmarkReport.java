package dev.authkeeper.benchmark;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;

/** The benchmark's figures as Markdown, written between markers in BENCHMARKS.md. */
final class BenchmarkReport {

    static final String START = "<!-- sweep-cost:start -->";
    static final String END = "<!-- sweep-cost:end -->";

    private final List<SweepCostBenchmark.Run> runs;
    private final Duration latency;
    private final StringBuilder out = new StringBuilder();

    BenchmarkReport(List<SweepCostBenchmark.Run> runs, Duration latency) {
        this.runs = runs;
        this.latency = latency;
    }

    void writeInto(Path file) throws IOException {
        String text = Files.readString(file);
        int start = text.indexOf(START);
        int end = text.indexOf(END);
        if (start < 0 || end < 0) {
            throw new IllegalStateException(file + " lacks the markers " + START + " and " + END);
        }
        Files.writeString(file, text.substring(0, start) + markdown() + text.substring(end + END.length()));
    }

    String markdown() {
        out.append(START).append('\n');
        line("Measured %s on this machine (%d cores, JDK %s, max heap %d MB), LWA answering after %d ms, 4 shards of one slot, pages of 100.",
                LocalDate.now(ZoneOffset.UTC), Runtime.getRuntime().availableProcessors(), Runtime.version(),
                Runtime.getRuntime().maxMemory() >> 20, latency.toMillis());
        line("");
        line("| run | connections | workers × in flight | checked | seconds | checks/s | sweep CPU per check (ms) | of which JIT compiler threads (ms) | GC pauses per check (ms) | allocated per check (kB) | cores used: sweep JVM | DynamoDB Local | simulated marketplaces | MiniStack | heap peak / live after GC (MB) | load average before → after |");
        line("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        for (var run : runs) {
            line("| %s | %,d | %d × %d | %,d | %.1f | %.0f | %.3f | %.3f | %.3f | %.0f | %.2f | %.2f | %.2f | %.2f | %d / %s | %.1f → %.1f |", run.name(),
                    run.connections(), run.workers(), run.inFlight(), run.checked(), run.seconds(), run.checksPerSecond(),
                    run.cpuMsPerCheck(), run.perCheck(run.jitMs()), run.perCheck(run.gcMs()), run.allocatedKbPerCheck(), run.sweepCores(), run.cores("dynamodb-local"), run.cores("simulated-marketplaces"),
                    run.cores("ministack"), run.peakHeapMb(),
                    run.peakLiveHeapMb() == 0 ? "no GC" : Long.toString(run.peakLiveHeapMb()), run.loadBefore(), run.loadAfter());
        }
        first(run -> run.name().equals("64 in flight")).ifPresent(this::calls);
        fanOut();
        out.append(END);
        return out.toString();
    }

    private void calls(SweepCostBenchmark.Run run) {
        line("");
        line("Calls and capacity of the run with 64 in flight (%,d checks, %,d healthy; writes to connection items: **%d**; LWA token calls per check: %.3f):",
                run.checked(), run.valid(), run.connectionWrites(), run.perCheck(run.tokenCalls()));
        line("");
        line("| AWS call | calls | per 1,000 checks |");
        line("|---|---:|---:|");
        run.awsCalls().forEach((call, count) -> line("| %s | %,d | %.2f |", call, count, 1000 * run.perCheck(count)));
        line("");
        line("| DynamoDB request (by index read or key prefix written) | calls | capacity units | of which in indexes | units per 1,000 checks |");
        line("|---|---:|---:|---:|---:|");
        run.capacity().forEach((kind, use) -> line("| %s | %,d | %.1f | %.1f | %.2f |", kind, use.calls(), use.units(), use.indexUnits(),
                1000 * run.perCheck(use.units())));
    }

    private void fanOut() {
        var one = runs.stream().filter(run -> run.name().equals("fan-out: 1 worker")).toList();
        var four = runs.stream().filter(run -> run.name().equals("fan-out: 4 workers")).toList();
        if (one.isEmpty() || four.isEmpty()) {
            return;
        }
        double rate1 = one.stream().mapToInt(SweepCostBenchmark.Run::checked).sum()
                / one.stream().mapToDouble(SweepCostBenchmark.Run::seconds).sum();
        double rate4 = four.stream().mapToInt(SweepCostBenchmark.Run::checked).sum()
                / four.stream().mapToDouble(SweepCostBenchmark.Run::seconds).sum();
        line("");
        line("Fan-out, %d runs each, alternating, same data, %d in flight per worker: 1 worker %.0f checks/s, 4 workers %.0f checks/s: **%.2f×**.",
                one.size(), one.get(0).inFlight(), rate1, rate4, rate4 / rate1);
    }

    private java.util.Optional<SweepCostBenchmark.Run> first(Predicate<SweepCostBenchmark.Run> which) {
        return runs.stream().filter(which).findFirst();
    }

    private void line(String format, Object... args) {
        out.append(String.format(Locale.ROOT, format, args)).append('\n');
    }
}
