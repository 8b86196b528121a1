package dev.authkeeper.marketplace;

import java.time.Duration;
import java.util.Optional;

import dev.authkeeper.crypto.Secret;

/** The answer of a marketplace's token endpoint to a code exchange or a refresh. */
public sealed interface TokenResult {

    /** The grant worked; {@code refreshToken}, when present, is the one to keep from now on. */
    record Granted(Secret accessToken, Duration expiresIn, Optional<Secret> refreshToken) implements TokenResult {
    }

    /** This one authorization is no longer valid: revoked, expired, or a stale code. */
    record AuthorizationRejected(String error) implements TokenResult {
    }

    /** The app itself was refused (client id or secret wrong or expired): every connection is affected. */
    record ApplicationRejected(int status, String error) implements TokenResult {
    }

    /** Throttling, an outage, a timeout, an answer that is not JSON: worth another try later. */
    record Transient(String cause, Optional<Duration> retryAfter) implements TokenResult {
    }

    /** An answer outside what the endpoint documents. */
    record Unexpected(int status, String description) implements TokenResult {
    }
}
