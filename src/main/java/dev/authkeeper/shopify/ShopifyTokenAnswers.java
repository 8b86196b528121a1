package dev.authkeeper.shopify;

import java.time.Duration;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.authkeeper.crypto.Secret;
import dev.authkeeper.marketplace.JsonAnswer;
import dev.authkeeper.marketplace.OAuthTokenAnswers;
import dev.authkeeper.marketplace.TokenResult;

/**
 * Every answer of {@code POST https://{shop}/admin/oauth/access_token} (code exchange, refresh and
 * token exchange), sorted into one {@link TokenResult}. Shopify publishes no error table for this
 * endpoint, so only answers whose meaning is certain conclude anything:
 * <ul>
 * <li>{@code invalid_grant}: the refresh token is expired, revoked or superseded (Nango's report on
 * Shopify refreshes);</li>
 * <li>{@code invalid_request} "This request requires an active refresh_token", seen as HTTP 401
 * after a refresh whose answer was lost (Shopify community report, June 2026: "520 during refresh
 * token rotation permanently orphans the offline access token");</li>
 * <li>{@code invalid_request} "The authorization code was not found or was already used": a code
 * exchange with a spent or unknown code (reported since 2016, e.g. ShopifySharp issue 70);</li>
 * <li>{@code invalid_subject_token}: a token exchange whose subject token Shopify refuses
 * (shopify-app-js, {@code refresh-token.ts});</li>
 * <li>{@code invalid_client} and {@code unauthorized_client}: the app's credentials (RFC 6749 §5.2;
 * Shopify's status for them is unconfirmed, so any 4xx counts).</li>
 * </ul>
 * Throttling, 5xx (Shopify's edge answers 520 too) and a body that is not JSON are worth another
 * try; anything else is unexpected and described by its status and sanitized error code only.
 * Lifetimes are relative seconds. Every request asks for an expiring offline token, so a success
 * without {@code expires_in}, or with a user attached (an online token), is unexpected.
 */
public final class ShopifyTokenAnswers {

    private static final String INACTIVE_REFRESH_TOKEN = "This request requires an active refresh_token";
    private static final String SPENT_CODE = "The authorization code was not found or was already used";

    private final OAuthTokenAnswers answers;

    public ShopifyTokenAnswers(ObjectMapper json) {
        this.answers = new OAuthTokenAnswers(json, "Shopify", ShopifyTokenAnswers::granted, ShopifyTokenAnswers::error);
    }

    public TokenResult classify(int status, String body, Optional<String> retryAfter) {
        return answers.classify(status, body, retryAfter);
    }

    private static TokenResult error(int status, String code, JsonNode answer) {
        return switch (code) {
            case "invalid_grant", "invalid_subject_token" -> new TokenResult.AuthorizationRejected(code);
            case "invalid_client", "unauthorized_client" -> new TokenResult.ApplicationRejected(status, code);
            case "invalid_request" -> invalidRequest(status, JsonAnswer.text(answer, "error_description").orElse(""));
            default -> OAuthTokenAnswers.unexpected(status, code);
        };
    }

    /** {@code invalid_request} is a catch-all; only the descriptions known to speak of one dead authorization conclude. */
    private static TokenResult invalidRequest(int status, String description) {
        return switch (description) {
            case INACTIVE_REFRESH_TOKEN -> new TokenResult.AuthorizationRejected("invalid_request (no active refresh_token)");
            case SPENT_CODE -> new TokenResult.AuthorizationRejected("invalid_request (authorization code not found or already used)");
            default -> OAuthTokenAnswers.unexpected(status, "invalid_request");
        };
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
