package dev.authkeeper.shopify;

import java.time.Duration;

import dev.authkeeper.crypto.Secret;

/** The verdict on a Shopify signature: every request ends in exactly one of these, never in an exception. */
public sealed interface HmacCheck {

    /** Signed with {@code secret}, one of the candidates (the app's current or previous client secret). */
    record Verified(Secret secret) implements HmacCheck {
    }

    /** Well formed, but no candidate secret produced this signature. */
    record BadSignature() implements HmacCheck {
    }

    /** Signed by Shopify, but its timestamp is {@code skew} away from now, beyond the tolerance: a replay or a wrong clock. */
    record Stale(Duration skew) implements HmacCheck {
    }

    /** The signature or the timestamp is missing or not in Shopify's format; {@code reason} never repeats a value. */
    record Malformed(String reason) implements HmacCheck {
    }
}
