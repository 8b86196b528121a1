package dev.authkeeper.etsy;

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
 * Every answer of {@code POST https://api.etsy.com/v3/public/oauth/token} (code exchange and
 * refresh), sorted into one {@link TokenResult}: RFC 6749 errors as Etsy's facts file classifies
 * them ({@code invalid_grant}: revoked, expired, or a used code), throttling and 5xx worth another
 * try. A success always carries both tokens, each {@code <user_id>.<token>} with the same
 * numeric user id (the seller's account); anything else is unexpected, described without the tokens.
 */
public final class EtsyTokenAnswers {

    private final OAuthTokenAnswers answers;

    public EtsyTokenAnswers(ObjectMapper json, MarketplaceFacts facts) {
        this.answers = new OAuthTokenAnswers(json, "Etsy", answer -> granted(answer, facts),
                OAuthTokenAnswers.byErrorTable(facts.token()));
    }

    public TokenResult classify(int status, String body, Optional<String> retryAfter) {
        return answers.classify(status, body, retryAfter);
    }

    /** The numeric user id before the first dot of an Etsy token, if it has one. */
    public static Optional<String> userIdOf(Secret token, MarketplaceFacts.Account account) {
        int dot = token.value().indexOf('.');
        return dot > 0 && dot < token.value().length() - 1 ? account.canonical(token.value().substring(0, dot)) : Optional.empty();
    }

    /** Etsy's answer does not state the refresh token's life: its facts file's 90 days, from now, since each refresh issues a new one. */
    private static TokenResult granted(JsonNode answer, MarketplaceFacts facts) {
        MarketplaceFacts.Account account = facts.account();
        Optional<Secret> accessToken = JsonAnswer.text(answer, "access_token").map(Secret::new);
        Optional<Secret> refreshToken = JsonAnswer.text(answer, "refresh_token").map(Secret::new);
        if (accessToken.isEmpty() || refreshToken.isEmpty()) {
            return new TokenResult.Unexpected(200, "HTTP 200 without access_token or refresh_token");
        }
        Optional<String> user = userIdOf(refreshToken.get(), account);
        if (user.isEmpty() || !user.equals(userIdOf(accessToken.get(), account))) {
            return new TokenResult.Unexpected(200, "HTTP 200 with tokens that do not both start with the same user id");
        }
        Optional<Long> lifetime = JsonAnswer.positiveSeconds(answer.path("expires_in"));
        if (lifetime.isEmpty()) {
            return new TokenResult.Unexpected(200, "HTTP 200 without a valid expires_in");
        }
        return new TokenResult.Granted(accessToken.get(), Duration.ofSeconds(lifetime.get()), refreshToken,
                facts.token().refreshToken().window());
    }
}
