package dev.authkeeper.tiktok;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.rest.client.inject.RestClient;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.authkeeper.crypto.Secret;
import dev.authkeeper.marketplace.BoundedCall;
import dev.authkeeper.marketplace.MarketplaceFacts;
import dev.authkeeper.marketplace.MarketplaceFactsFiles;
import dev.authkeeper.marketplace.TokenResult;
import dev.authkeeper.marketplace.Uris;

/**
 * TikTok Shop's two token calls, {@code GET …/token/get} ({@code grant_type=authorized_code}) and
 * {@code GET …/token/refresh}, with {@code app_key} and {@code app_secret} in the query as TikTok
 * requires. The URL therefore holds the app secret and a code or refresh token: it is built here,
 * sent, and never logged, put into a result or into an exception message; log lines name the call
 * and its outcome only.
 */
@ApplicationScoped
public class TikTokTokenEndpoint {

    private static final Logger LOG = Logger.getLogger(TikTokTokenEndpoint.class);
    static final String CODE_GRANT = "authorized_code";
    static final String REFRESH_GRANT = "refresh_token";

    private final TikTokApi api;
    private final TikTokTokenAnswers answers;
    private final String endpoint;
    private final TikTokConfig config;
    private final Clock clock;

    public TikTokTokenEndpoint(@RestClient TikTokApi api, ObjectMapper json, MarketplaceFactsFiles facts, TikTokConfig config, Clock clock) {
        MarketplaceFacts.Token token = facts.load(TikTokShopMarketplace.ID).token();
        this.api = api;
        this.answers = new TikTokTokenAnswers(json, token, clock);
        this.endpoint = config.simulatedBase().map(base -> token.endpoint().replaceFirst("^https://[^/]+", base.toString()))
                .orElse(token.endpoint());
        this.config = config;
        this.clock = clock;
    }

    public TokenResult exchange(String appKey, Secret appSecret, Secret code, Instant deadline) {
        return call("get", appKey, appSecret, "auth_code", code, CODE_GRANT, deadline);
    }

    public TokenResult refresh(String appKey, Secret appSecret, Secret refreshToken, Instant deadline) {
        return call("refresh", appKey, appSecret, "refresh_token", refreshToken, REFRESH_GRANT, deadline);
    }

    private TokenResult call(String action, String appKey, Secret appSecret, String grantField, Secret grant, String grantType,
            Instant deadline) {
        var query = new LinkedHashMap<String, String>();
        query.put("app_key", appKey);
        query.put("app_secret", appSecret.value());
        query.put(grantField, grant.value());
        query.put("grant_type", grantType);
        URI uri = Uris.withQuery(URI.create(endpoint.replace("{action}", action)), query);
        return switch (BoundedCall.await(api.token(uri.toString()), left(deadline))) {
            case BoundedCall.Outcome.Answered answer -> answers.classify(answer.status(), answer.body(), answer.retryAfter());
            case BoundedCall.Outcome.NoAnswer none -> {
                LOG.warnf("TikTok Shop token/%s gave no answer (%s)", action, none.cause());
                yield new TokenResult.Transient("no answer from TikTok Shop (" + none.cause() + ")", Optional.empty());
            }
        };
    }

    private Duration left(Instant deadline) {
        Instant now = clock.instant();
        return deadline.isBefore(now.plus(config.callTimeout())) ? Duration.between(now, deadline) : config.callTimeout();
    }
}
