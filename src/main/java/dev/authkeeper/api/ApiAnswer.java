package dev.authkeeper.api;

import io.quarkus.runtime.annotations.RegisterForReflection;
import java.time.Duration;
import java.util.Map;

/** What a route answers: a status, a body written as JSON (none for 204), and extra headers. */
public record ApiAnswer(int status, Object body, Map<String, String> headers) {

    /** The body of every answer that is not a success: a code to branch on and a sentence for people. */
    @RegisterForReflection
    public record Error(String error, String message) {
    }

    public static ApiAnswer ok(Object body) {
        return new ApiAnswer(200, body, Map.of());
    }

    public static ApiAnswer of(int status, Object body) {
        return new ApiAnswer(status, body, Map.of());
    }

    public static ApiAnswer noContent() {
        return new ApiAnswer(204, null, Map.of());
    }

    public static ApiAnswer error(int status, String error, String message) {
        return new ApiAnswer(status, new Error(error, message), Map.of());
    }

    /** 503: try again after {@code retryAfter} (whole seconds, rounded up, at least one). */
    public static ApiAnswer unavailable(String error, String message, Duration retryAfter) {
        long seconds = Math.max(1, (retryAfter.toMillis() + 999) / 1000);
        return new ApiAnswer(503, new Error(error, message), Map.of("Retry-After", Long.toString(seconds)));
    }
}
