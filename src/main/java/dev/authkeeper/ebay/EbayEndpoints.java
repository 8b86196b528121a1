package dev.authkeeper.ebay;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.MultivaluedHashMap;

import org.eclipse.microprofile.rest.client.inject.RestClient;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.authkeeper.crypto.Secret;
import dev.authkeeper.marketplace.BoundedCall;
import dev.authkeeper.marketplace.JsonAnswer;
import dev.authkeeper.marketplace.MarketplaceFactsFiles;
import dev.authkeeper.marketplace.TokenResult;

/**
 * eBay's token endpoint (client authentication by HTTP Basic, form body) and its Identity API, each
 * call bounded by {@code authkeeper.ebay.call-timeout} or the caller's deadline. Log lines name the
 * endpoint and the outcome only: requests carry client secrets, codes and tokens.
 */
@ApplicationScoped
public class EbayEndpoints {

    private static final Logger LOG = Logger.getLogger(EbayEndpoints.class);
    static final String TOKEN_PATH = "/identity/v1/oauth2/token";
    static final String IDENTITY_PATH = "/commerce/identity/v1/user/";

    private final EbayApi api;
    private final EbayTokenAnswers tokenAnswers;
    private final JsonAnswer json;
    private final EbayHosts hosts;
    private final EbayConfig config;
    private final Clock clock;

    public EbayEndpoints(@RestClient EbayApi api, ObjectMapper json, MarketplaceFactsFiles facts, EbayConfig config, Clock clock) {
        this.api = api;
        this.tokenAnswers = new EbayTokenAnswers(json, facts.load(EbayMarketplace.ID).token());
        this.json = new JsonAnswer(json);
        this.hosts = new EbayHosts(config.simulatedBase());
        this.config = config;
        this.clock = clock;
    }

    EbayHosts hosts() {
        return hosts;
    }

    /** One token call with the app's client id and secret as HTTP Basic credentials. */
    TokenResult token(String clientId, Secret clientSecret, Map<String, String> form, Instant deadline) {
        var body = new MultivaluedHashMap<String, String>();
        form.forEach(body::add);
        String basic = "Basic " + Base64.getEncoder().encodeToString((clientId + ":" + clientSecret.value()).getBytes(StandardCharsets.UTF_8));
        return switch (BoundedCall.await(api.token(hosts.resolve(EbayHosts.API, TOKEN_PATH).toString(), basic, body), left(deadline))) {
            case BoundedCall.Outcome.Answered answer -> tokenAnswers.classify(answer.status(), answer.body(), answer.retryAfter());
            case BoundedCall.Outcome.NoAnswer none -> {
                LOG.warnf("eBay token endpoint gave no answer (%s)", none.cause());
                yield new TokenResult.Transient("no answer from eBay (" + none.cause() + ")", Optional.empty());
            }
        };
    }

    /**
     * Names the account of a fresh grant: the Identity API's immutable {@code userId}, read with its
     * access token. What it answers otherwise concludes nothing about the grant: a throttled or
     * failing call is transient, anything else unexpected, described by its status only.
     */
    TokenResult named(TokenResult.Granted granted, Function<String, Optional<String>> canonical, Instant deadline) {
        String uri = hosts.resolve(EbayHosts.APIZ, IDENTITY_PATH).toString();
        return switch (BoundedCall.await(api.get(uri, "Bearer " + granted.accessToken().value()), left(deadline))) {
            case BoundedCall.Outcome.NoAnswer none -> new TokenResult.Transient("no answer from eBay's Identity API (" + none.cause() + ")",
                    Optional.empty());
            case BoundedCall.Outcome.Answered answer when answer.status() == 429 || answer.status() >= 500 ->
                    new TokenResult.Transient("eBay's Identity API answered HTTP " + answer.status(), Optional.empty());
            case BoundedCall.Outcome.Answered answer when answer.status() != 200 ->
                    new TokenResult.Unexpected(answer.status(), "Identity API HTTP " + answer.status());
            case BoundedCall.Outcome.Answered answer -> json.object(answer.body())
                    .flatMap(user -> JsonAnswer.text(user, "userId")).flatMap(canonical)
                    .<TokenResult>map(granted::forAccount)
                    .orElseGet(() -> new TokenResult.Unexpected(200, "Identity API HTTP 200 without a usable userId"));
        };
    }

    private Duration left(Instant deadline) {
        Instant now = clock.instant();
        return deadline.isBefore(now.plus(config.callTimeout())) ? Duration.between(now, deadline) : config.callTimeout();
    }
}
