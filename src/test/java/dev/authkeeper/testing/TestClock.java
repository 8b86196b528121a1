package dev.authkeeper.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

import jakarta.inject.Singleton;

/** The system clock, which a test can move forward to reach reminders and expiry thresholds. */
@Singleton
public class TestClock extends Clock {

    private final AtomicReference<Duration> offset = new AtomicReference<>(Duration.ZERO);

    public void advance(Duration by) {
        offset.updateAndGet(current -> current.plus(by));
    }

    public void reset() {
        offset.set(Duration.ZERO);
    }

    /**
     * A minute past the next midnight (UTC), ahead of the real time so that nothing written
     * expires early: a daily round of checks starts there, and a test has almost a day before the
     * next one.
     */
    public void startOfNextDay() {
        Instant now = Instant.now();
        Instant next = now.truncatedTo(java.time.temporal.ChronoUnit.DAYS).plus(Duration.ofDays(1)).plus(Duration.ofMinutes(1));
        offset.set(Duration.between(now, next));
    }

    @Override
    public Instant instant() {
        return Instant.now().plus(offset.get());
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }
}
