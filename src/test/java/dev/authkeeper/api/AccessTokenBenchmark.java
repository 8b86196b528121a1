package dev.authkeeper.api;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.logging.Level;
import java.util.logging.Logger;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.authkeeper.benchmark.BenchmarksFile;
import dev.authkeeper.function.IntegratorApiFunctions;
import dev.authkeeper.http.ApiGatewayRequest;
import dev.authkeeper.http.ApiGatewayResponse;
import dev.authkeeper.table.ConnectionId;
import dev.authkeeper.testing.BenchmarkMode;
import dev.authkeeper.testing.Lambda;
import dev.authkeeper.testing.LocalAwsResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/**
 * The token route's figures, written into BENCHMARKS.md: the warm latency of a cached answer
 * through the function (p50/p99 of 1,000 calls), the AWS calls per cached answer, and the LWA
 * refreshes when fifty callers ask for one connection's token at once. Run with
 * {@code infra/benchmark-api}; in the test suite it runs a few calls of each ({@link BenchmarkMode}).
 */
@QuarkusTest
@Tag("benchmark")
@TestProfile(ApiTestBase.AccessTokenFunction.class)
@WithTestResource(LocalAwsResource.class)
class AccessTokenBenchmark extends ApiTestBase {

    static final int WARM_UP = BenchmarkMode.size(300, 5);
    static final int MEASURED = BenchmarkMode.size(1_000, 20);
    static final int CALLERS = BenchmarkMode.size(50, 8);
    static final int BURSTS = BenchmarkMode.size(5, 1);
    static final Duration LWA_LATENCY = Duration.ofMillis(100);

    record Latencies(double p50, double p99, double max) {
        static Latencies of(long[] nanos) {
            long[] sorted = nanos.clone();
            Arrays.sort(sorted);
            return new Latencies(sorted[sorted.length / 2] / 1e6, sorted[(int) Math.ceil(sorted.length * 0.99) - 1] / 1e6,
                    sorted[sorted.length - 1] / 1e6);
        }
    }

    record Burst(int refreshes, int served, int unavailable, Latencies latencies) {
    }

    @Inject
    IntegratorApiFunctions functions;
    @Inject
    ObjectMapper json;
    @Inject
    AccessTokenCache cache;

    /**
     * A measured run logs warnings only: its figures are the function's, not the console's. The
     * smoke run shares the token function's application with the other tests, so it leaves the
     * level as they have it.
     */
    @Test
    void cachedAnswersAndSingleFlight() throws Exception {
        var logger = Logger.getLogger("dev.authkeeper");
        var level = logger.getLevel();
        if (!BenchmarkMode.smoke()) {
            logger.setLevel(Level.WARNING);
        }
        try {
            measure();
        } finally {
            logger.setLevel(level);
        }
    }

    private void measure() throws Exception {
        var id = connection("merchant-bench", "A1BENCHTOKEN");
        for (int i = 0; i < WARM_UP; i++) {
            expect200(Lambda.invoke(ApiEvents.event(ApiEvents.Request.of(ApiRoute.ACCESS_TOKEN, id(id)))));
        }
        calls.reset();
        long[] throughFunction = new long[MEASURED];
        for (int i = 0; i < MEASURED; i++) {
            var event = ApiEvents.event(ApiEvents.Request.of(ApiRoute.ACCESS_TOKEN, id(id)));
            long start = System.nanoTime();
            var response = Lambda.invoke(event);
            throughFunction[i] = System.nanoTime() - start;
            expect200(response);
        }
        double dynamo = calls.countService("DynamoDb") / (double) MEASURED;
        double reads = calls.count("DynamoDb.BatchGetItem") / (double) MEASURED;
        double kms = calls.countService("Kms") / (double) MEASURED;
        double writes = calls.dynamoWrites().size() / (double) MEASURED;
        long[] inHandler = new long[MEASURED];
        for (int i = 0; i < MEASURED; i++) {
            var request = request(id);
            long start = System.nanoTime();
            var response = functions.accessToken(request);
            inHandler[i] = System.nanoTime() - start;
            expect200(response);
        }
        long[] readAlone = new long[MEASURED];
        for (int i = 0; i < MEASURED; i++) {
            long start = System.nanoTime();
            cache.read(id);
            readAlone[i] = System.nanoTime() - start;
        }
        var bursts = new ArrayList<Burst>();
        amazon.latency(LWA_LATENCY);
        for (int b = 0; b < BURSTS; b++) {
            bursts.add(burst(connection("merchant-bench", "A1BENCHBURST" + b)));
        }
        var cached = Latencies.of(throughFunction);
        var handler = Latencies.of(inHandler);
        var read = Latencies.of(readAlone);
        System.out.printf("BENCHMARK access token: cached through the function p50 %.2f ms p99 %.2f ms; in the handler p50 %.2f ms "
                + "p99 %.2f ms; per cached answer %.2f DynamoDB calls (%.2f BatchGetItem), %.2f KMS, %.2f writes; bursts %s%n",
                cached.p50(), cached.p99(), handler.p50(), handler.p99(), dynamo, reads, kms, writes, bursts);
        if (!BenchmarkMode.smoke()) {
            write(cached, handler, read, dynamo, reads, kms, writes, bursts);
        }
    }

    private ApiGatewayRequest request(ConnectionId id) {
        return json.convertValue(ApiEvents.event(ApiEvents.Request.of(ApiRoute.ACCESS_TOKEN, id(id))), ApiGatewayRequest.class);
    }

    /** Fifty callers at once, each on its own thread as fifty Lambda instances would be, for a connection with no token yet. */
    private Burst burst(ConnectionId id) throws Exception {
        int before = amazon.tokenCalls("refresh_token");
        var start = new CountDownLatch(1);
        var answers = new ArrayList<Future<long[]>>();
        try (var pool = Executors.newFixedThreadPool(CALLERS)) {
            for (int i = 0; i < CALLERS; i++) {
                var request = request(id);
                Callable<long[]> call = () -> {
                    start.await();
                    long t0 = System.nanoTime();
                    var response = functions.accessToken(request);
                    return new long[] {System.nanoTime() - t0, response.statusCode()};
                };
                answers.add(pool.submit(call));
            }
            start.countDown();
            long[] nanos = new long[CALLERS];
            int served = 0;
            int unavailable = 0;
            for (int i = 0; i < CALLERS; i++) {
                long[] answer = answers.get(i).get();
                nanos[i] = answer[0];
                if (answer[1] == 200) {
                    served++;
                } else if (answer[1] == 503) {
                    unavailable++;
                } else {
                    throw new AssertionError("unexpected status " + answer[1]);
                }
            }
            return new Burst(amazon.tokenCalls("refresh_token") - before, served, unavailable, Latencies.of(nanos));
        }
    }

    private static void expect200(ApiGatewayResponse response) {
        if (response.statusCode() != 200) {
            throw new AssertionError("expected 200, got " + response.statusCode() + " " + response.body());
        }
    }

    private static void write(Latencies cached, Latencies handler, Latencies read, double dynamo, double reads, double kms, double writes,
            List<Burst> bursts) throws IOException {
        var section = new StringBuilder();
        section.append("Measured ").append(Instant.now().toString(), 0, 10).append(" on this project's machine (")
                .append(Runtime.getRuntime().availableProcessors()).append(" cores, JDK ").append(Runtime.version().feature())
                .append("), DynamoDB Local in the same JVM, KMS on MiniStack, simulated LWA.\n\n");
        section.append("| cached answer, warm (").append(MEASURED).append(" calls) | p50 (ms) | p99 (ms) | max (ms) |\n|---|---:|---:|---:|\n");
        section.append(String.format("| through the function (mock Lambda event server, JSON in and out) | %.2f | %.2f | %.1f |%n",
                cached.p50(), cached.p99(), cached.max()));
        section.append(String.format("| in the handler (the function's code, no event transport) | %.2f | %.2f | %.1f |%n",
                handler.p50(), handler.p99(), handler.max()));
        section.append(String.format("| of which the one DynamoDB read (`BatchGetItem` on DynamoDB Local) | %.2f | %.2f | %.1f |%n%n",
                read.p50(), read.p99(), read.max()));
        section.append(String.format("AWS calls per cached answer: %.2f DynamoDB (%.2f `BatchGetItem`), %.2f KMS, %.2f writes.%n%n",
                dynamo, reads, kms, writes));
        section.append("| burst: ").append(CALLERS).append(" callers at once, one connection without a token, LWA answering after ")
                .append(LWA_LATENCY.toMillis()).append(" ms | LWA refreshes | 200 | 503 (bounded wait) | p50 (ms) | p99 (ms) |\n");
        section.append("|---|---:|---:|---:|---:|---:|\n");
        for (int i = 0; i < bursts.size(); i++) {
            var b = bursts.get(i);
            section.append(String.format("| %d | %d | %d | %d | %.0f | %.0f |%n", i + 1, b.refreshes(), b.served(), b.unavailable(),
                    b.latencies().p50(), b.latencies().p99()));
        }
        BenchmarksFile.replaceSection("access-token-benchmark", section.toString());
    }
}
