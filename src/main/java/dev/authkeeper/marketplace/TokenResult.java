package dev.authkeeper.marketplace;

import java.time.Duration;
import java.util.Optional;

import dev.authkeeper.crypto.Secret;

/** The answer of a marketplace's token endpoint to a code exchange or a refresh, every possible answer in one of five kinds. */
public sealed interface TokenResult {

    /**
     * The grant worked. A refresh may come without a new refresh token (OAuth 2.0 §6: the server
     * MAY issue one); the stored one then stays valid. When present, it is the one to keep from now on.
     * {@code refreshTokenExpiresIn} is the refresh token's own lifetime when the marketplace states
     * one (Shopify's {@code refresh_token_expires_in}); empty when it does not (LWA).
     * {@code accountId} is the account the grant is for where only the token answer names it
     * (TikTok Shop's {@code open_id}: its redirect carries just the code); empty where the redirect named it.
     */
    record Granted(Secret accessToken, Duration expiresIn, Optional<Secret> refreshToken, Optional<Duration> refreshTokenExpiresIn,
            Optional<String> accountId) implements TokenResult {

        /** A grant for the account the redirect named. */
        public Granted(Secret accessToken, Duration expiresIn, Optional<Secret> refreshToken, Optional<Duration> refreshTokenExpiresIn) {
            this(accessToken, expiresIn, refreshToken, refreshTokenExpiresIn, Optional.empty());
        }

        /** A grant whose refresh token, if any, has no stated lifetime. */
        public Granted(Secret accessToken, Duration expiresIn, Optional<Secret> refreshToken) {
            this(accessToken, expiresIn, refreshToken, Optional.empty());
        }
    }

    /** This one authorization is no longer valid: revoked, expired, or a stale code ({@code invalid_grant}). */
    record AuthorizationRejected(String error) implements TokenResult {
    }

    /** The app's own client id or secret was refused ({@code invalid_client}, {@code unauthorized_client}): every connection is affected. */
    record ApplicationRejected(int status, String error) implements TokenResult {
    }

    /** Throttling, an outage, no answer within the deadline, or an answer that is not JSON (a proxy's page, a cut body): worth another try later. */
    record Transient(String cause, Optional<Duration> retryAfter) implements TokenResult {
    }

    /**
     * An answer that fits none of the above (an unknown error code, a success without a token, a
     * redirect): nothing is concluded about the authorization or the app, and it is tried again
     * later. {@code description} holds only the status and a sanitized error code, never body text.
     */
    record Unexpected(int status, String description) implements TokenResult {
    }
}
