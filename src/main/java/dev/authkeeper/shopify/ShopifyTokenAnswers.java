package dev.authkeeper.shopify;

import java.time.Duration;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.authkeeper.crypto.Secret;
import dev.authkeeper.marketplace.JsonAnswer;
import dev.authkeeper.marketplace.MarketplaceFacts;
import dev.authkeeper.marketplace.OAuthTokenAnswers;
import dev.authkeeper.marketplace.TokenResult;

/**
 * Every answer of {@code POST https://{shop}/admin/oauth/access_token} (code exchange, refresh and
 * token exchange), sorted into one {@link TokenResult}. Shopify publishes no error table for this
 * endpoint; what each error code means, and the two {@code invalid_request} descriptions known to
 * speak of one dead authorization, are in Shopify's facts file with their sources. Throttling, 5xx
 * (Shopify's edge answers 520 too) and a body that is not JSON are worth another try; anything
 * else is unexpected and described by its status and sanitized error code only. Lifetimes are
 * relative seconds. Every request asks for an expiring offline token, so a success without
 * {@code expires_in}, or with a user attached (an online token), is unexpected.
 */
public final class ShopifyTokenAnswers {

    private final OAuthTokenAnswers answers;

    public ShopifyTokenAnswers(ObjectMapper json, MarketplaceFacts.Token token) {
        this.answers = new OAuthTokenAnswers(json, "Shopify", ShopifyTokenAnswers::granted, OAuthTokenAnswers.byErrorTable(token));
    }

    public TokenResult classify(int status, String body, Optional<String> retryAfter) {
        return answers.classify(status, body, retryAfter);
    }

    private static TokenResult granted(JsonNode answer) {
        Optional<String> accessToken = JsonAnswer.text(answer, "access_token");
        if (accessToken.isEmpty()) {
            return new TokenResult.Unexpected(200, "HTTP 200 without access_token");
        }
        if (!answer.path("associated_user").isMissingNode()) {
            return new TokenResult.Unexpected(200, "HTTP 200 with an online (per-user) token");
        }
        JsonNode expiresIn = answer.path("expires_in");
        if (expiresIn.isMissingNode()) {
            return new TokenResult.Unexpected(200, "HTTP 200 without expires_in (a non-expiring token)");
        }
        Optional<Long> lifetime = JsonAnswer.positiveSeconds(expiresIn);
        if (lifetime.isEmpty()) {
            return new TokenResult.Unexpected(200, "HTTP 200 with an invalid expires_in");
        }
        Optional<Secret> refreshToken = JsonAnswer.text(answer, "refresh_token").map(Secret::new);
        JsonNode refreshExpiresIn = answer.path("refresh_token_expires_in");
        Optional<Long> refreshLifetime = Optional.empty();
        if (refreshToken.isPresent() && !refreshExpiresIn.isMissingNode()) {
            refreshLifetime = JsonAnswer.positiveSeconds(refreshExpiresIn);
            if (refreshLifetime.isEmpty()) {
                return new TokenResult.Unexpected(200, "HTTP 200 with an invalid refresh_token_expires_in");
            }
        }
        return new TokenResult.Granted(new Secret(accessToken.get()), Duration.ofSeconds(lifetime.get()), refreshToken,
                refreshLifetime.map(Duration::ofSeconds));
    }
}
