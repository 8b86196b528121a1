package dev.authkeeper.crypto;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import dev.authkeeper.testing.AwsCalls;
import dev.authkeeper.testing.BenchmarkMode;
import dev.authkeeper.testing.LocalAwsResource;
import dev.authkeeper.testing.Profiles;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/**
 * CPU per seal and per open with the branch key cached, one thread, System.nanoTime and the
 * thread's CPU clock (no JMH: a figure, not a verdict). Run with
 * {@code ./mvnw -B test -Dtest=TokenSealingBenchmark -Dgroups=benchmark -Dbenchmark.smoke=false}; in the test suite it
 * seals and opens a few tokens ({@link BenchmarkMode}).
 */
@QuarkusTest
@Tag("benchmark")
@TestProfile(Profiles.SweepFunction.class)
@WithTestResource(LocalAwsResource.class)
class TokenSealingBenchmark {

    static final int WARM_UP = BenchmarkMode.size(20_000, 100);
    static final int MEASURED = BenchmarkMode.size(100_000, 100);
    /** About the length of an LWA refresh token. */
    static final Secret TOKEN = new Secret("Atzr|IwEBI" + "x".repeat(400));

    @Inject
    TokenCipher cipher;
    @Inject
    AwsCalls calls;

    @Test
    void sealAndOpen() {
        run(WARM_UP);
        calls.reset();
        var threads = ManagementFactory.getThreadMXBean();
        long cpu0 = threads.getCurrentThreadCpuTime();
        long wall0 = System.nanoTime();
        List<SealedToken> sealed = seal(MEASURED);
        long cpu1 = threads.getCurrentThreadCpuTime();
        long wall1 = System.nanoTime();
        open(sealed);
        long cpu2 = threads.getCurrentThreadCpuTime();
        long wall2 = System.nanoTime();
        System.out.printf("BENCHMARK token sealing, %d each, JDK %s: seal %.1f µs CPU (%.1f µs wall), open %.1f µs CPU (%.1f µs wall); "
                + "AWS calls while measuring: %d%n", MEASURED, Runtime.version(),
                (cpu1 - cpu0) / 1e3 / MEASURED, (wall1 - wall0) / 1e3 / MEASURED,
                (cpu2 - cpu1) / 1e3 / MEASURED, (wall2 - wall1) / 1e3 / MEASURED, calls.all().size());
    }

    void run(int count) {
        open(seal(count));
    }

    List<SealedToken> seal(int count) {
        var sealed = new ArrayList<SealedToken>(count);
        for (int i = 0; i < count; i++) {
            sealed.add(cipher.seal("amazon:NA:A1BENCH" + (i % 1000), TOKEN));
        }
        return sealed;
    }

    void open(List<SealedToken> sealed) {
        for (int i = 0; i < sealed.size(); i++) {
            if (!cipher.open("amazon:NA:A1BENCH" + (i % 1000), sealed.get(i)).value().equals(TOKEN.value())) {
                throw new AssertionError("token " + i + " did not come back");
            }
        }
    }
}
