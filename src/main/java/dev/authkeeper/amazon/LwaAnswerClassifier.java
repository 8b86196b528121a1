package dev.authkeeper.amazon;

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
 * Every answer of the LWA token endpoint, sorted into one {@link TokenResult} the way Amazon
 * documents its errors (the error table of Amazon's facts file). Only the codes whose meaning is
 * certain conclude anything: {@code invalid_grant} about one authorization, {@code invalid_client}
 * and {@code unauthorized_client} about the app. Anything else is either worth another try
 * (throttling, outages, a body that is not JSON) or unexpected.
 */
final class LwaAnswerClassifier {

    /** What LWA documents when {@code expires_in} is left out. */
    static final Duration DEFAULT_LIFETIME = Duration.ofHours(1);

    private final OAuthTokenAnswers answers;

    LwaAnswerClassifier(ObjectMapper json, MarketplaceFacts.Token token) {
        this.answers = new OAuthTokenAnswers(json, "LWA", LwaAnswerClassifier::granted, OAuthTokenAnswers.byErrorTable(token));
    }

    TokenResult classify(int status, String body, Optional<String> retryAfter) {
        return answers.classify(status, body, retryAfter);
    }

    private static TokenResult granted(JsonNode answer) {
        Optional<String> accessToken = JsonAnswer.text(answer, "access_token");
        if (accessToken.isEmpty()) {
            return new TokenResult.Unexpected(200, "HTTP 200 without access_token");
        }
        JsonNode expiresIn = answer.path("expires_in");
        if (expiresIn.isMissingNode()) {
            return granted(answer, accessToken.get(), DEFAULT_LIFETIME);
        }
        Optional<Long> seconds = JsonAnswer.positiveSeconds(expiresIn);
        if (seconds.isEmpty()) {
            return new TokenResult.Unexpected(200, "HTTP 200 with an invalid expires_in");
        }
        return granted(answer, accessToken.get(), Duration.ofSeconds(seconds.get()));
    }

    private static TokenResult granted(JsonNode answer, String accessToken, Duration expiresIn) {
        return new TokenResult.Granted(new Secret(accessToken), expiresIn, JsonAnswer.text(answer, "refresh_token").map(Secret::new));
    }
}
