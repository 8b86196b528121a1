package dev.authkeeper.marketplace;

import java.time.Duration;
import java.util.Optional;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;

import io.smallrye.mutiny.TimeoutException;
import io.smallrye.mutiny.Uni;

/**
 * One HTTP call to a marketplace that ends within its time, connect, headers and body together:
 * the REST client's {@link Uni} is cancelled when the time is up, which resets the request and
 * closes its connection, so a body that trickles in is cut and the pool gets the slot back.
 */
public final class BoundedCall {

    /** What came of the call: a whole answer, or none (no answer in time, refused, reset, TLS failure). */
    public sealed interface Outcome {
        record Answered(int status, String body, Optional<String> retryAfter) implements Outcome {
        }

        /** {@code cause} is a class name or "deadline", never a request or answer value. */
        record NoAnswer(String cause) implements Outcome {
        }
    }

    private BoundedCall() {
    }

    public static Outcome await(Uni<Response> call, Duration left) {
        if (!left.isPositive()) {
            return new Outcome.NoAnswer("deadline");
        }
        Response response;
        try {
            response = call.onFailure(WebApplicationException.class).recoverWithItem(e -> ((WebApplicationException) e).getResponse())
                    .ifNoItem().after(left).fail()
                    .await().indefinitely();
        } catch (TimeoutException e) {
            return new Outcome.NoAnswer("deadline");
        } catch (RuntimeException e) {
            return new Outcome.NoAnswer(rootCause(e));
        }
        try (response) {
            String text = response.hasEntity() ? response.readEntity(String.class) : "";
            return new Outcome.Answered(response.getStatus(), text, Optional.ofNullable(response.getHeaderString("Retry-After")));
        }
    }

    private static String rootCause(Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause.getClass().getSimpleName();
    }
}
