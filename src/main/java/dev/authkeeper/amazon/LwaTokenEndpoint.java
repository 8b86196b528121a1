package dev.authkeeper.amazon;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MultivaluedHashMap;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.rest.client.inject.RestClient;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.authkeeper.config.AmazonConfig;
import dev.authkeeper.marketplace.TokenResult;
import io.smallrye.mutiny.TimeoutException;

/**
 * One call to the LWA token endpoint, finished (connect, headers and body) within a deadline,
 * its answer classified by {@link LwaAnswerClassifier}.
 */
@ApplicationScoped
public class LwaTokenEndpoint {

    private static final Logger LOG = Logger.getLogger(LwaTokenEndpoint.class);
    static final TokenResult DEADLINE_EXCEEDED = new TokenResult.Transient("no answer from LWA within the deadline", Optional.empty());

    private final LwaApi api;
    private final LwaAnswerClassifier classifier;
    private final AmazonConfig config;
    private final Clock clock;

    public LwaTokenEndpoint(@RestClient LwaApi api, ObjectMapper json, AmazonCentrals centrals, AmazonConfig config, Clock clock) {
        this.api = api;
        this.classifier = new LwaAnswerClassifier(json, centrals.facts().token());
        this.config = config;
        this.clock = clock;
    }

    /** A call bounded by {@code authkeeper.amazon.lwa.call-timeout}. */
    public TokenResult grant(Map<String, String> form) {
        return grant(form, Instant.MAX);
    }

    /** A call bounded by the call timeout or by {@code deadline}, whichever comes first. */
    public TokenResult grant(Map<String, String> form, Instant deadline) {
        Instant now = clock.instant();
        Duration callTimeout = config.lwa().callTimeout();
        Duration left = deadline.isBefore(now.plus(callTimeout)) ? Duration.between(now, deadline) : callTimeout;
        if (!left.isPositive()) {
            return DEADLINE_EXCEEDED;
        }
        var body = new MultivaluedHashMap<String, String>();
        form.forEach(body::add);
        Response response;
        try {
            // Cancelled when the time is up: the REST client then resets the request and closes its
            // connection, so a body that trickles in is cut and the pool gets the slot back.
            response = api.token(body)
                    .onFailure(WebApplicationException.class).recoverWithItem(e -> ((WebApplicationException) e).getResponse())
                    .ifNoItem().after(left).fail()
                    .await().indefinitely();
        } catch (TimeoutException e) {
            LOG.warnf("LWA token endpoint gave no complete answer within %d ms", left.toMillis());
            return DEADLINE_EXCEEDED;
        } catch (RuntimeException e) { // connection refused or reset, connect timeout, TLS failure
            LOG.warnf("LWA token endpoint unreachable: %s", rootCause(e));
            return new TokenResult.Transient("no answer from LWA (" + rootCause(e) + ")", Optional.empty());
        }
        try (response) {
            String text = response.hasEntity() ? response.readEntity(String.class) : "";
            return classifier.classify(response.getStatus(), text, Optional.ofNullable(response.getHeaderString("Retry-After")));
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
