package dev.authkeeper.amazon;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.MultivaluedHashMap;

import org.eclipse.microprofile.rest.client.inject.RestClient;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.authkeeper.config.AmazonConfig;
import dev.authkeeper.marketplace.BoundedCall;
import dev.authkeeper.marketplace.TokenResult;

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
        return switch (BoundedCall.await(api.token(body), left)) {
            case BoundedCall.Outcome.Answered answer -> classifier.classify(answer.status(), answer.body(), answer.retryAfter());
            case BoundedCall.Outcome.NoAnswer none when none.cause().equals("deadline") -> {
                LOG.warnf("LWA token endpoint gave no complete answer within %d ms", left.toMillis());
                yield DEADLINE_EXCEEDED;
            }
            case BoundedCall.Outcome.NoAnswer none -> {
                LOG.warnf("LWA token endpoint unreachable: %s", none.cause());
                yield new TokenResult.Transient("no answer from LWA (" + none.cause() + ")", Optional.empty());
            }
        };
    }
}
