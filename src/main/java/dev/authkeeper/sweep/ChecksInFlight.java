package dev.authkeeper.sweep;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;

import org.jboss.logging.Logger;

/** A worker's checks in flight: virtual threads, at most {@code authkeeper.sweep.concurrency} at once. */
final class ChecksInFlight implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(ChecksInFlight.class);

    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final Semaphore permits;
    private final Tally tally;

    ChecksInFlight(Tally tally, int concurrency) {
        this.tally = tally;
        this.permits = new Semaphore(concurrency);
    }

    void submit(Runnable check) {
        permits.acquireUninterruptibly();
        executor.submit(() -> {
            try {
                check.run();
            } catch (RuntimeException e) {
                tally.errors.incrementAndGet();
                LOG.errorf("A check failed outside its own handling (%s)", e.getClass().getSimpleName());
            } finally {
                permits.release();
            }
        });
    }

    @Override
    public void close() {
        executor.close();
    }
}
