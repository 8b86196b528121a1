package dev.authkeeper.check;

import java.time.Duration;
import java.util.Optional;

import dev.authkeeper.crypto.Secret;
import dev.authkeeper.marketplace.ReauthorizationReason;

/** What proving one authorization found. */
public sealed interface CheckOutcome {

    /**
     * The authorization works. {@code refreshToken} is the one to keep: the stored one, or a new one
     * the marketplace handed out instead ({@code rotated}), which lives {@code refreshTokenExpiresIn}
     * where the marketplace says (a sliding lifetime starts again).
     */
    record Valid(Secret accessToken, Duration expiresIn, Secret refreshToken, boolean rotated, Optional<Duration> refreshTokenExpiresIn)
            implements CheckOutcome {

        public Valid(Secret accessToken, Duration expiresIn, Secret refreshToken, boolean rotated) {
            this(accessToken, expiresIn, refreshToken, rotated, Optional.empty());
        }
    }

    /** The marketplace refused this authorization: the merchant has to authorize again. */
    record Revoked(ReauthorizationReason reason) implements CheckOutcome {
    }

    /** The app's own credentials were refused: no connection is to blame. */
    record AppCredentialsBroken(String error) implements CheckOutcome {
    }

    /** Throttled, down or too slow, after the retries this check could afford. */
    record Transient(String cause) implements CheckOutcome {
    }

    /** An answer outside what LWA documents: counted, shown to operators, tried again later; never blamed on the merchant. */
    record Unexpected(String description) implements CheckOutcome {
    }
}
