package dev.authkeeper.marketplace;

import dev.authkeeper.crypto.Secret;

/** What the marketplace's redirect to the callback carries, once its parameters are checked. */
public sealed interface CallbackCheck {

    /** The seller approved: an authorization code, for the account the redirect names. */
    record Approved(String accountId, Secret code) implements CallbackCheck {
    }

    /**
     * The seller approved, and the redirect does not say for which account: the marketplace names it
     * once the code is exchanged ({@link Marketplace#exchangeUnnamedCode}: eBay's Identity API, TikTok
     * Shop's {@code open_id} in the token answer, Etsy's user id that prefixes its tokens).
     */
    record ApprovedUnnamed(Secret code) implements CallbackCheck {
    }

    /** The seller declined, or the marketplace refused to authorize. */
    record Declined(String reason) implements CallbackCheck {
    }

    record Refused(String reason) implements CallbackCheck {
    }
}
