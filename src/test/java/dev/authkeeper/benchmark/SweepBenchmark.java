package dev.authkeeper.benchmark;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import dev.authkeeper.connection.ConnectionRepository;
import dev.authkeeper.crypto.TokenCipher;
import dev.authkeeper.local.SimulatedAmazon;
import dev.authkeeper.sweep.SweepPlanner;
import dev.authkeeper.sweep.SweepSummary;
import dev.authkeeper.sweep.SweepWorker;
import dev.authkeeper.testing.AwsCalls;
import dev.authkeeper.testing.LocalAws;
import dev.authkeeper.testing.LocalAwsResource;
import dev.authkeeper.testing.SweepDriver;
import dev.authkeeper.testing.Seeds;
import dev.authkeeper.testing.Table;
import dev.authkeeper.testing.TestClock;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * Seeds 10,000 and 100,000 connections and sweeps them against the simulated LWA answering after
 * 100 ms, then a sample with one call in flight for the ratio; writes the figures into
 * BENCHMARKS.md. Run with {@code infra/benchmark} (not part of the test suite).
 */
@QuarkusTest
@Tag("benchmark")
@TestProfile(SweepBenchmark.Profile.class)
@WithTestResource(LocalAwsResource.class)
class SweepBenchmark {

    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.funqy.export", "sweep",
                    "authkeeper.sweep.time-budget", "PT1H",
                    "authkeeper.sweep.shards", "1",
                    "authkeeper.sweep.page-size", "100",
                    "authkeeper.amazon.lwa.call-timeout", "PT5S",
                    "quarkus.log.category.\"dev.authkeeper\".level", "WARN");
        }
    }

    record Row(String run, int connections, int concurrency, SweepSummary summary, long peakHeapMb, long baselineHeapMb,
            double dynamoPerCheck, double kmsPerCheck, Duration seeding) {
        double checksPerSecond() {
            return summary.checked() * 1000.0 / Math.max(1, summary.durationMillis());
        }
    }

    SimulatedAmazon amazon;
    LocalAws aws;

    @Inject
    SweepPlanner planner;
    @Inject
    SweepWorker worker;
    @Inject
    ConnectionRepository connections;
    @Inject
    TokenCipher cipher;
    @Inject
    DynamoDbClient dynamo;
    @Inject
    AwsCalls calls;
    @Inject
    TestClock clock;

    @Test
    void sweepThroughputAndMemory() throws Exception {
        int[] sizes = Arrays.stream(System.getProperty("benchmark.sizes", "10000,100000").split(","))
                .mapToInt(Integer::parseInt).toArray();
        int serialSample = Integer.getInteger("benchmark.serial", 300);
        var rows = new ArrayList<Row>();
        for (int size : sizes) {
            rows.add(run("parallel", size, 64));
        }
        rows.add(run("serial sample", serialSample, 1));
        write(rows);
    }

    private Row run(String name, int size, int concurrency) throws Exception {
        new Table(dynamo).clear();
        amazon.reset();
        clock.startOfNextDay();
        Instant seedStart = Instant.now();
        seed(size);
        Duration seeding = Duration.between(seedStart, Instant.now());
        amazon.latency(Duration.ofMillis(100));
        calls.reset();
        System.gc();
        var memory = ManagementFactory.getMemoryMXBean();
        long baseline = memory.getHeapMemoryUsage().getUsed();
        var peak = new AtomicLong(baseline);
        var sampler = Thread.ofPlatform().daemon().start(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                peak.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max);
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        SweepSummary summary = new SweepDriver(planner, worker, aws).run(1).workers().get(0);
        sampler.interrupt();
        sampler.join();
        double checked = Math.max(1, summary.checked());
        var row = new Row(name, size, concurrency, summary, peak.get() >> 20, baseline >> 20,
                calls.countService("DynamoDb") / checked, calls.countService("Kms") / checked, seeding);
        System.out.printf("BENCHMARK %s %d connections, concurrency %d: %d checked in %d ms = %.0f checks/s, heap %d->%d MB%n",
                name, size, concurrency, summary.checked(), summary.durationMillis(), row.checksPerSecond(), row.baselineHeapMb(), row.peakHeapMb());
        return row;
    }

    /** Connections as the callback stores them, due now; 64 at a time. */
    private void seed(int size) throws InterruptedException {
        var seeds = new Seeds(amazon, cipher, connections);
        var permits = new Semaphore(64);
        Instant now = clock.instant();
        try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < size; i++) {
                String account = "A1BENCH" + String.format("%07d", i);
                String merchant = "merchant-" + (i % 997);
                permits.acquire();
                executor.submit(() -> {
                    try {
                        seeds.connection(merchant, account, now.minus(Duration.ofDays(30)));
                    } finally {
                        permits.release();
                    }
                });
            }
        }
    }

    private void write(List<Row> rows) throws IOException {
        Row parallelLargest = rows.stream().filter(r -> r.concurrency() > 1).reduce((a, b) -> b).orElseThrow();
        Row serial = rows.stream().filter(r -> r.concurrency() == 1).findFirst().orElseThrow();
        var section = new StringBuilder();
        section.append("Measured ").append(Instant.now().toString(), 0, 10).append(" on this project's machine (")
                .append(Runtime.getRuntime().availableProcessors()).append(" cores, JDK ").append(Runtime.version().feature())
                .append(", max heap ").append(Runtime.getRuntime().maxMemory() >> 20).append(" MB), simulated LWA answering after 100 ms, ")
                .append("DynamoDB Local in the same JVM, KMS on MiniStack.\n\n");
        section.append("| run | connections | in flight | checked | seconds | checks/s | peak heap (MB) | heap before (MB) | DynamoDB calls/check | KMS calls/check | seeding (s) |\n");
        section.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Row row : rows) {
            section.append(String.format("| %s | %d | %d | %d | %.1f | %.0f | %d | %d | %.2f | %.2f | %d |%n", row.run(), row.connections(),
                    row.concurrency(), row.summary().checked(), row.summary().durationMillis() / 1000.0, row.checksPerSecond(),
                    row.peakHeapMb(), row.baselineHeapMb(), row.dynamoPerCheck(), row.kmsPerCheck(), row.seeding().toSeconds()));
        }
        section.append(String.format("%nParallel (64 in flight) vs one in flight: %.0f× the checks per second.%n",
                parallelLargest.checksPerSecond() / serial.checksPerSecond()));
        BenchmarksFile.replaceSection("sweep-benchmark", section.toString());
    }
}
