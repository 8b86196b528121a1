package dev.authkeeper.ebay;

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
 * Every answer of {@code POST https://api.ebay.com/identity/v1/oauth2/token}, sorted into one
 * {@link TokenResult}: RFC 6749 errors as eBay's facts file classifies them; a code exchange answers
 * {@code refresh_token} and its {@code refresh_token_expires_in} (relative seconds, about 18 months,
 * fixed from consent); a refresh answers an access token only, the stored refresh token staying the one to use.
 */
final class EbayTokenAnswers {

    private final OAuthTokenAnswers answers;

    EbayTokenAnswers(ObjectMapper json, MarketplaceFacts.Token token) {
        this.answers = new OAuthTokenAnswers(json, "eBay", EbayTokenAnswers::granted, OAuthTokenAnswers.byErrorTable(token));
    }

    TokenResult classify(int status, String body, Optional<String> retryAfter) {
        return answers.classify(status, body, retryAfter);
    }

    private static TokenResult granted(JsonNode answer) {
        Optional<String> accessToken = JsonAnswer.text(answer, "access_token");
        if (accessToken.isEmpty()) {
            return new TokenResult.Unexpected(200, "HTTP 200 without access_token");
        }
        Optional<Long> lifetime = JsonAnswer.positiveSeconds(answer.path("expires_in"));
        if (lifetime.isEmpty()) {
            return new TokenResult.Unexpected(200, "HTTP 200 without a valid expires_in");
        }
        Optional<Secret> refreshToken = JsonAnswer.text(answer, "refresh_token").map(Secret::new);
        Optional<Long> refreshLifetime = Optional.empty();
        if (refreshToken.isPresent()) {
            refreshLifetime = JsonAnswer.positiveSeconds(answer.path("refresh_token_expires_in"));
            if (refreshLifetime.isEmpty()) {
                return new TokenResult.Unexpected(200, "HTTP 200 without a valid refresh_token_expires_in");
            }
        }
        return new TokenResult.Granted(new Secret(accessToken.get()), Duration.ofSeconds(lifetime.get()), refreshToken,
                refreshLifetime.map(Duration::ofSeconds));
    }
}
