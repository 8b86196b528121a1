package dev.authkeeper.benchmark;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.IntStream;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import dev.authkeeper.connection.ConnectionRepository;
import dev.authkeeper.crypto.TokenCipher;
import dev.authkeeper.sweep.PlanSummary;
import dev.authkeeper.sweep.SweepPlanner;
import dev.authkeeper.sweep.SweepSummary;
import dev.authkeeper.sweep.SweepWorker;
import dev.authkeeper.testing.AwsCalls;
import dev.authkeeper.testing.BenchmarkMode;
import dev.authkeeper.testing.ConsumedCapacity;
import dev.authkeeper.testing.LocalAws;
import dev.authkeeper.testing.LocalAwsResource;
import dev.authkeeper.testing.SweepDriver;
import dev.authkeeper.testing.TestClock;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jdk.jfr.Recording;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * What a check costs AuthKeeper itself. DynamoDB Local and the five simulated marketplaces run in
 * JVMs of their own, MiniStack as always; this JVM holds the sweep (planner and workers) and nothing
 * it talks to. Seeds Amazon connections the way the callback stores them, then runs whole rounds
 * against token endpoints answering after 100 ms and measures, per run: this JVM's CPU time (minus
 * its idle rate measured just before), the emulators' CPU, AWS calls and DynamoDB capacity by kind,
 * writes to connection items, and the heap. Runs: two to warm the JIT, then 64, 128 and 256 checks
 * in flight, then one worker against four (alternating, same data), then the large set. With
 * {@code -Dbenchmark.jfr=FILE} it records a profile of one warm run instead. Writes
 * {@code target/benchmark/sweep-cost.json} and the tables in BENCHMARKS.md; {@code infra/benchmark}
 * runs it. With {@code -Dbenchmark.marketplace=M} it seeds connections of that marketplace instead,
 * stops after the runs in flight and measures the items' sizes too ({@code sweep-cost-M.json} and
 * the per-marketplace table). In the test suite it runs once over a few connections of each
 * marketplace ({@link BenchmarkMode}).
 */
@QuarkusTest
@Tag("benchmark")
@TestProfile(SweepCostBenchmark.Profile.class)
@WithTestResource(SeparateProcessesResource.class)
class SweepCostBenchmark {

    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            // Generous timeouts: DynamoDB Local writes one rotated token after another into SQLite, and on a machine this busy a
            // write can wait longer than the 2 s a deployment allows; what is measured here is calls and capacity, not latency.
            return Map.ofEntries(Map.entry("quarkus.funqy.export", "sweep"),
                    Map.entry("authkeeper.sweep.time-budget", "PT1H"),
                    Map.entry("authkeeper.sweep.page-size", System.getProperty("benchmark.page-size", "100")),
                    Map.entry("authkeeper.amazon.lwa.call-timeout", "PT5S"),
                    Map.entry("authkeeper.aws.call-timeout", "PT60S"),
                    Map.entry("authkeeper.aws.attempt-timeout", "PT30S"),
                    Map.entry("authkeeper.shopify.call-timeout", "PT30S"),
                    Map.entry("authkeeper.etsy.call-timeout", "PT30S"),
                    Map.entry("authkeeper.ebay.call-timeout", "PT30S"),
                    Map.entry("authkeeper.tiktok.call-timeout", "PT30S"),
                    Map.entry("quarkus.rest-client.lwa.connection-pool-size", "256"),
                    // One round checks every connection, whatever its marketplace's cadence: what is measured is a check.
                    Map.entry("authkeeper.sweep.check-every.shopify", "P1D"),
                    Map.entry("authkeeper.sweep.check-every.etsy", "P1D"),
                    Map.entry("authkeeper.sweep.check-every.tiktok", "P1D"),
                    Map.entry("quarkus.dynamodb.interceptors",
                            "dev.authkeeper.aws.FailedCalls,dev.authkeeper.testing.AwsCalls,dev.authkeeper.testing.ConsumedCapacity"),
                    Map.entry("quarkus.arc.selected-alternatives", TunableSweepConfig.class.getName()),
                    // A category's level outlives the application in the JVM's log manager: the smoke run leaves it as the
                    // tests after it, which read the sweep's INFO lines, need it.
                    Map.entry("quarkus.log.category.\"dev.authkeeper\".level", BenchmarkMode.smoke() ? "INFO" : "WARN"));
        }
    }

    static final Duration LATENCY = Duration.ofMillis(100);
    private static final int SEED_BATCH = 500;

    /** One run of a whole round, and what it cost. */
    record Run(String name, int connections, int workers, int inFlight, int units, int checked, int valid, double seconds,
            double sweepCpuMs, double idleCpuMs, double jitMs, double gcMs, Map<String, Double> emulatorCpuMs, Map<String, Long> awsCalls,
            Map<String, ConsumedCapacity.Use> capacity, Map<String, ConsumedCapacity.Use> plannerCapacity,
            long connectionWrites, int tokenCalls, int probeCalls, double allocatedMb, long peakHeapMb, long peakLiveHeapMb, double loadBefore, double loadAfter) {

        double checksPerSecond() {
            return checked / seconds;
        }

        /** The sweep's own CPU per check: this JVM's CPU during the run, less what it burns idle in that time. */
        double cpuMsPerCheck() {
            return (sweepCpuMs - idleCpuMs) / checked;
        }

        /** The same without the JIT compiler's threads: what a JVM that has compiled its hot code spends. */
        double cpuMsPerCheckCompiled() {
            return (sweepCpuMs - idleCpuMs - jitMs) / checked;
        }

        double sweepCores() {
            return (sweepCpuMs - idleCpuMs) / 1000 / seconds;
        }

        double cores(String emulator) {
            return emulatorCpuMs.get(emulator) / 1000 / seconds;
        }

        double allocatedKbPerCheck() {
            return allocatedMb * 1024 / checked;
        }

        double perCheck(double amount) {
            return amount / checked;
        }
    }

    LocalAws aws;
    SeparateProcessesResource.Emulators emulators;

    @Inject
    SweepPlanner planner;
    @Inject
    SweepWorker worker;
    @Inject
    ConnectionRepository connections;
    @Inject
    TokenCipher cipher;
    @Inject
    AwsCalls calls;
    @Inject
    ConsumedCapacity capacity;
    @Inject
    TestClock clock;
    @Inject
    TunableSweepConfig tunable;

    @Inject
    DynamoDbClient dynamo;

    private BulkSeeds seeds;
    private final Map<SeededMarketplace, Integer> seeded = new EnumMap<>(SeededMarketplace.class);

    @Test
    void sweepCost() throws Exception {
        boolean smoke = BenchmarkMode.smoke();
        int size = Integer.getInteger("benchmark.connections", BenchmarkMode.size(10_000, 8));
        int large = Integer.getInteger("benchmark.large", BenchmarkMode.size(100_000, 0));
        int[] inFlight = ints(System.getProperty("benchmark.in-flight", smoke ? "8" : "64,128,256"));
        int fanOutInFlight = Integer.getInteger("benchmark.fan-out.in-flight", 16);
        int fanOutPairs = Integer.getInteger("benchmark.fan-out.pairs", BenchmarkMode.size(2, 0));
        Optional<Path> jfr = Optional.ofNullable(System.getProperty("benchmark.jfr")).map(Path::of);
        // The smoke run checks a few connections of every marketplace in one round; a measurement, those of one.
        Optional<SeededMarketplace> only = smoke ? Optional.empty()
                : Optional.of(SeededMarketplace.of(System.getProperty("benchmark.marketplace", "amazon")));
        var marketplaces = only.map(List::of).orElse(List.of(SeededMarketplace.values()));

        seeds = new BulkSeeds(dynamo, LocalAwsResource.TABLE, cipher, connections);
        clock.startOfNextDay();
        emulators.marketplaces().latency(LATENCY);
        for (var marketplace : marketplaces) {
            seedUpTo(marketplace, size);
        }
        var runs = new ArrayList<Run>();
        if (smoke) {
            run("smoke", 1, inFlight[0]);
            return;
        }
        runs.add(run("first run after start (JIT warming up)", 1, 64));
        runs.add(run("second run (JIT warming up)", 1, 64));
        if (jfr.isPresent()) {
            runs.add(profiled(jfr.get()));
            save(runs, "sweep-profile.json");
            return;
        }
        for (int n : inFlight) {
            runs.add(run(n + " in flight", 1, n));
        }
        if (System.getProperty("benchmark.marketplace") != null) {
            // A marketplace's own figures: what its checks cost and how large its items are, beside the other marketplaces'.
            var figures = new MarketplaceFigures(only.get().id(), runs, ItemSizes.sample(dynamo, LocalAwsResource.TABLE,
                    IntStream.range(0, Math.min(size, 200)).mapToObj(i -> only.get().connection(only.get().account(i))).toList()));
            save(figures, "sweep-cost-" + only.get().id() + ".json");
            new MarketplaceReport(Path.of("target", "benchmark")).write();
            return;
        }
        for (int pair = 0; pair < fanOutPairs; pair++) {
            runs.add(run("fan-out: 1 worker", 1, fanOutInFlight));
            runs.add(run("fan-out: 4 workers", 4, fanOutInFlight));
        }
        if (large > size) {
            seedUpTo(only.get(), large);
            runs.add(run(large + " connections", 1, 64));
        }
        save(runs, "sweep-cost.json");
        new BenchmarkReport(runs, LATENCY).writeInto(Path.of("BENCHMARKS.md"));
    }

    /** One warm run with JFR sampling where this JVM spends its CPU. */
    private Run profiled(Path file) throws IOException, InterruptedException {
        try (var recording = new Recording()) {
            recording.enable("jdk.ExecutionSample").withPeriod(Duration.ofMillis(10));
            recording.start();
            var run = run("profiled", 1, 64);
            recording.stop();
            Files.createDirectories(file.toAbsolutePath().getParent());
            recording.dump(file);
            return run;
        }
    }

    /** A whole round: the next day's, so every connection is due again. */
    private Run run(String name, int workers, int inFlight) throws InterruptedException {
        tunable.concurrency(inFlight);
        clock.advance(Duration.ofDays(1));
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        // What this JVM burns doing nothing, without its JIT compiler, which may still be busy with the previous run.
        long idleStart = os.getProcessCpuTime();
        double idleCompilerStart = JvmThreads.compilerMs();
        long idleFrom = System.nanoTime();
        Thread.sleep(BenchmarkMode.smoke() ? 0 : 3000);
        double idleRate = (os.getProcessCpuTime() - idleStart - (JvmThreads.compilerMs() - idleCompilerStart) * 1e6)
                / (double) (System.nanoTime() - idleFrom);
        calls.reset();
        capacity.reset();
        int tokensBefore = tokenCalls();
        int probesBefore = emulators.marketplaces().probeCalls();
        double loadBefore = os.getSystemLoadAverage();
        var emulatorsBefore = emulatorCpu();
        PlanSummary plan;
        Map<String, ConsumedCapacity.Use> plannerCapacity;
        List<SweepSummary> summaries;
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        double jitStart;
        long gcStart;
        long allocatedStart;
        long cpuStart;
        long from;
        long wall;
        long cpu;
        try (var heap = HeapWatch.start()) {
            allocatedStart = threads.getTotalThreadAllocatedBytes();
            jitStart = JvmThreads.compilerMs();
            gcStart = gcMillis();
            cpuStart = os.getProcessCpuTime();
            from = System.nanoTime();
            plan = planner.plan();
            plannerCapacity = capacity.uses();
            summaries = new SweepDriver(planner, worker, aws).work(workers);
            wall = System.nanoTime() - from;
            cpu = os.getProcessCpuTime() - cpuStart;
            long allocated = threads.getTotalThreadAllocatedBytes() - allocatedStart;
            double jitMs = JvmThreads.compilerMs() - jitStart;
            long gcMs = gcMillis() - gcStart;
            var emulatorMs = new LinkedHashMap<String, Double>();
            emulatorCpu().forEach((process, ms) -> emulatorMs.put(process, ms - emulatorsBefore.get(process)));
            var awsCalls = new LinkedHashMap<String, Long>();
            calls.counts().forEach(awsCalls::put);
            int total = seeded.values().stream().mapToInt(Integer::intValue).sum();
            var run = new Run(name, total, workers, inFlight, plan.units(), summaries.stream().mapToInt(SweepSummary::checked).sum(),
                    summaries.stream().mapToInt(SweepSummary::valid).sum(), wall / 1e9, cpu / 1e6, idleRate * wall / 1e6, jitMs, gcMs, emulatorMs,
                    awsCalls, capacity.uses(), plannerCapacity, capacity.connectionWrites(),
                    tokenCalls() - tokensBefore, emulators.marketplaces().probeCalls() - probesBefore, allocated / 1048576.0, heap.peakUsedMb(), heap.peakLiveMb(), loadBefore,
                    os.getSystemLoadAverage());
            System.out.printf("BENCHMARK %s: %d connections, %d worker(s) x %d in flight: %d checked in %.1f s = %.0f checks/s, "
                    + "%.3f ms CPU (%.3f without JIT) and %.0f kB allocated per check, connection writes %d, heap peak %d MB (live %d MB), load %.1f%n", name, total, workers,
                    inFlight, run.checked(), run.seconds(), run.checksPerSecond(), run.cpuMsPerCheck(), run.cpuMsPerCheckCompiled(), run.allocatedKbPerCheck(), run.connectionWrites(),
                    run.peakHeapMb(), run.peakLiveHeapMb(), loadBefore);
            // Figures of checks that failed would be figures of nothing: a benchmark that no longer checks fails.
            if (run.valid() != total) {
                throw new AssertionError(name + ": " + run.valid() + " of " + total + " checks were valid; see the log for why");
            }
            return run;
        }
    }

    private static long gcMillis() {
        return ManagementFactory.getGarbageCollectorMXBeans().stream().mapToLong(gc -> Math.max(0, gc.getCollectionTime())).sum();
    }

    private Map<String, Double> emulatorCpu() {
        var cpu = new LinkedHashMap<String, Double>();
        emulators.all().forEach(process -> cpu.put(process.name(), process.cpu().toNanos() / 1e6));
        return cpu;
    }

    /** Token calls answered so far by every simulated marketplace. */
    private int tokenCalls() {
        return Arrays.stream(SeededMarketplace.values()).mapToInt(m -> emulators.marketplaces().tokenCalls(m.id())).sum();
    }

    /** Connections of {@code marketplace} as the callback stores them, with refresh tokens its simulator knows, until there are {@code total}. */
    private void seedUpTo(SeededMarketplace marketplace, int total) throws InterruptedException {
        Instant started = Instant.now();
        Instant authorizedAt = clock.instant().minus(Duration.ofDays(30));
        int already = seeded.getOrDefault(marketplace, 0);
        var permits = new Semaphore(4);
        var failures = new LongAdder();
        try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int from = already; from < total; from += SEED_BATCH) {
                var accounts = IntStream.range(from, Math.min(total, from + SEED_BATCH)).mapToObj(marketplace::account).toList();
                var merchants = IntStream.range(from, Math.min(total, from + SEED_BATCH)).mapToObj(i -> "merchant-" + i % 997).toList();
                var tokens = emulators.marketplaces().issue(marketplace.id(), accounts);
                if (from == 0) {
                    seeds.store(marketplace, accounts, tokens, merchants, authorizedAt); // the first one sets the pattern for the others
                    continue;
                }
                permits.acquire();
                executor.submit(() -> {
                    try {
                        seeds.store(marketplace, accounts, tokens, merchants, authorizedAt);
                    } catch (RuntimeException e) {
                        failures.increment();
                    } finally {
                        permits.release();
                    }
                });
            }
        }
        if (failures.sum() > 0) {
            throw new IllegalStateException(failures.sum() + " batch(es) of connections could not be seeded");
        }
        System.out.printf("BENCHMARK seeded %d %s connections in %d s%n", total - already, marketplace.id(),
                Duration.between(started, Instant.now()).toSeconds());
        seeded.put(marketplace, total);
    }

    private static void save(Object figures, String name) throws IOException {
        Path file = Path.of("target", "benchmark", name);
        Files.createDirectories(file.getParent());
        new ObjectMapper().findAndRegisterModules().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), figures);
    }

    private static int[] ints(String list) {
        return Arrays.stream(list.split(",")).map(String::trim).mapToInt(Integer::parseInt).toArray();
    }
}
