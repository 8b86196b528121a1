package dev.authkeeper.testing;

/**
 * Benchmarks run in the test suite as smoke tests: tiny sizes, a verdict that every measured
 * operation succeeded, no figures written, so that none rots unseen. {@code infra/benchmark} and
 * {@code infra/benchmark-api} pass {@code -Dbenchmark.smoke=false} to measure.
 */
public final class BenchmarkMode {

    private BenchmarkMode() {
    }

    public static boolean smoke() {
        return !"false".equals(System.getProperty("benchmark.smoke"));
    }

    /** {@code full} when measuring, {@code smoke} in the test suite. */
    public static int size(int full, int smoke) {
        return smoke() ? smoke : full;
    }
}
