package dev.authkeeper.marketplace;

import java.util.Optional;

import dev.authkeeper.crypto.Secret;

/** What the marketplace's redirect to the callback carries, once its parameters are checked. */
public sealed interface CallbackCheck {

    /**
     * The seller approved: an authorization code, for this account where the redirect names it
     * (empty where only the tokens will: {@link Marketplace#accountOf}).
     */
    record Approved(Optional<String> accountId, Secret code) implements CallbackCheck {

        public Approved(String accountId, Secret code) {
            this(Optional.of(accountId), code);
        }
    }

    /** The seller declined, or the marketplace refused to authorize. */
    record Declined(String reason) implements CallbackCheck {
    }

    record Refused(String reason) implements CallbackCheck {
    }
}
