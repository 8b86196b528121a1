package dev.authkeeper.marketplace;

import dev.authkeeper.crypto.Secret;

/** What the marketplace's redirect to the callback carries, once its parameters are checked. */
public sealed interface CallbackCheck {

    /** The seller approved: an authorization code for this account. */
    record Approved(String accountId, Secret code) implements CallbackCheck {
    }

    /**
     * The seller approved, and the redirect names no account (TikTok Shop sends only {@code code}
     * and {@code state}): the code exchange's answer names it ({@link TokenResult.Granted#accountId()}).
     */
    record CodeOnly(Secret code) implements CallbackCheck {
    }

    /** The seller declined, or the marketplace refused to authorize. */
    record Declined(String reason) implements CallbackCheck {
    }

    record Refused(String reason) implements CallbackCheck {
    }
}
