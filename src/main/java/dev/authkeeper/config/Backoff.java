package dev.authkeeper.config;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/** Pauses between attempts at a token endpoint: "equal jitter", so retries from many callers spread out. */
public final class Backoff {

    private Backoff() {
    }

    /** A random duration between half of {@code base} and {@code base}. */
    public static Duration withJitter(Duration base) {
        long millis = base.toMillis();
        return Duration.ofMillis(millis / 2 + ThreadLocalRandom.current().nextLong(millis / 2 + 1));
    }

    public static void pause(Duration wait) {
        try {
            Thread.sleep(wait);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
