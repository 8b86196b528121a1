package dev.authkeeper.marketplace;

import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/** A {@code Retry-After} header (RFC 9110 §10.2.3), as any marketplace's throttling answer carries it. */
public final class RetryAfter {

    private RetryAfter() {
    }

    /** Seconds or an HTTP date, as a wait from now (zero for a date passed); empty when it is neither. */
    public static Optional<Duration> parse(String header) {
        String value = header.trim();
        if (value.matches("\\d{1,6}")) {
            return Optional.of(Duration.ofSeconds(Long.parseLong(value)));
        }
        try {
            var at = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME);
            Duration wait = Duration.between(ZonedDateTime.now(at.getZone()), at);
            return Optional.of(wait.isNegative() ? Duration.ZERO : wait);
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }
}
