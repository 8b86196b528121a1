package dev.authkeeper.shopify;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.rest.client.inject.RestClient;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.authkeeper.marketplace.BoundedCall;
import dev.authkeeper.marketplace.MarketplaceFactsFiles;
import dev.authkeeper.marketplace.TokenResult;

/**
 * A shop's token endpoint and the Admin API probe, each call bounded by
 * {@code authkeeper.shopify.call-timeout} or the caller's deadline, its answer classified. Log
 * lines name the shop's host and the outcome only: bodies carry client secrets and tokens.
 */
@ApplicationScoped
public class ShopifyTokenEndpoint {

    private static final Logger LOG = Logger.getLogger(ShopifyTokenEndpoint.class);

    private final ShopifyApi api;
    private final ShopifyTokenAnswers tokenAnswers;
    private final ShopProbeAnswers probeAnswers;
    private final ShopifyConfig config;
    private final Clock clock;

    public ShopifyTokenEndpoint(@RestClient ShopifyApi api, ObjectMapper json, MarketplaceFactsFiles facts, ShopifyConfig config,
            Clock clock) {
        this.api = api;
        this.tokenAnswers = new ShopifyTokenAnswers(json, facts.load(ShopifyMarketplace.ID).token());
        this.probeAnswers = new ShopProbeAnswers(json);
        this.config = config;
        this.clock = clock;
    }

    public TokenResult token(ShopifyPost post, Instant deadline) {
        return switch (BoundedCall.await(api.token(post.uri().toString(), post.json()), left(deadline))) {
            case BoundedCall.Outcome.Answered answer -> tokenAnswers.classify(answer.status(), answer.body(), answer.retryAfter());
            case BoundedCall.Outcome.NoAnswer none -> {
                LOG.warnf("Shopify token endpoint of %s gave no answer (%s)", post.uri().getHost(), none.cause());
                yield new TokenResult.Transient("no answer from Shopify (" + none.cause() + ")", Optional.empty());
            }
        };
    }

    public ProbeResult probe(ShopDomain shop, ShopifyPost post, Instant deadline) {
        String token = post.accessToken().orElseThrow().value();
        return switch (BoundedCall.await(api.graphql(post.uri().toString(), token, post.json()), left(deadline))) {
            case BoundedCall.Outcome.Answered answer -> probeAnswers.classify(shop, answer.status(), answer.body(), answer.retryAfter());
            case BoundedCall.Outcome.NoAnswer none -> new ProbeResult.Transient("no answer from Shopify (" + none.cause() + ")",
                    Optional.empty());
        };
    }

    private Duration left(Instant deadline) {
        Instant now = clock.instant();
        return deadline.isBefore(now.plus(config.callTimeout())) ? Duration.between(now, deadline) : config.callTimeout();
    }
}
