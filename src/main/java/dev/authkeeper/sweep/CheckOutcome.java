package dev.authkeeper.sweep;

import java.util.Optional;

import dev.authkeeper.alert.ReauthorizationReason;
import dev.authkeeper.crypto.Secret;

/** What proving one authorization found. */
sealed interface CheckOutcome {

    /** The authorization works; LWA may have handed out a new refresh token to keep instead. */
    record Valid(Optional<Secret> rotatedToken) implements CheckOutcome {
    }

    /** The marketplace refused this authorization: the merchant has to authorize again. */
    record Revoked(ReauthorizationReason reason) implements CheckOutcome {
    }

    /** The app's own credentials were refused: no connection is to blame. */
    record AppCredentialsBroken(String error) implements CheckOutcome {
    }

    /** Throttled, down or too slow, after the retries this run could afford. */
    record Transient(String cause) implements CheckOutcome {
    }

    /** An answer that proves nothing either way (an unknown error code, a success without a token): tried again later. */
    record Unexpected(String description) implements CheckOutcome {
    }
}
