package dev.authkeeper.tiktok;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.StreamSupport;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.rest.client.inject.RestClient;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.authkeeper.crypto.Secret;
import dev.authkeeper.marketplace.BoundedCall;
import dev.authkeeper.marketplace.JsonAnswer;
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
    static final String SHOPS_PATH = "/authorization/202309/shops";
    static final Pattern SHOP_ID = Pattern.compile("[0-9]{1,30}");

    private final TikTokApi api;
    private final TikTokTokenAnswers answers;
    private final String endpoint;
    private final String apiBase;
    private final JsonAnswer json;
    private final TikTokConfig config;
    private final Clock clock;

    public TikTokTokenEndpoint(@RestClient TikTokApi api, ObjectMapper json, MarketplaceFactsFiles facts, TikTokConfig config, Clock clock) {
        MarketplaceFacts.Token token = facts.load(TikTokShopMarketplace.ID).token();
        this.api = api;
        this.answers = new TikTokTokenAnswers(json, token, clock);
        this.endpoint = config.simulatedBase().map(base -> token.endpoint().replaceFirst("^https://[^/]+", base.toString()))
                .orElse(token.endpoint());
        // Every region's Partner API lives on the same host.
        this.apiBase = config.simulatedBase().map(URI::toString)
                .orElse(facts.load(TikTokShopMarketplace.ID).regions().values().iterator().next().apiEndpoint());
        this.json = new JsonAnswer(json);
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

    /**
     * The ids of the shops the seller's grant covers ({@code GET /authorization/202309/shops},
     * signed); empty when TikTok Shop gives no usable answer. Only the ids are read.
     */
    public Optional<List<String>> shops(String appKey, Secret appSecret, Secret accessToken, Instant deadline) {
        var query = new LinkedHashMap<String, String>();
        query.put("app_key", appKey);
        query.put("timestamp", Long.toString(clock.instant().getEpochSecond()));
        query.put("sign", TikTokSignature.signRequest(SHOPS_PATH, query, "", appSecret));
        URI uri = Uris.withQuery(URI.create(apiBase + SHOPS_PATH), query);
        return switch (BoundedCall.await(api.call(uri.toString(), accessToken.value()), left(deadline))) {
            case BoundedCall.Outcome.Answered answer when answer.status() == 200 -> json.object(answer.body())
                    .filter(body -> body.path("code").asLong(-1) == 0)
                    .map(body -> StreamSupport.stream(body.path("data").path("shops").spliterator(), false)
                            .map(shop -> shop.path("id").asText("")).filter(id -> SHOP_ID.matcher(id).matches()).toList());
            case BoundedCall.Outcome.Answered answer -> Optional.empty();
            case BoundedCall.Outcome.NoAnswer none -> Optional.empty();
        };
    }

    private Duration left(Instant deadline) {
        Instant now = clock.instant();
        return deadline.isBefore(now.plus(config.callTimeout())) ? Duration.between(now, deadline) : config.callTimeout();
    }
}
