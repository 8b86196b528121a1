package dev.authkeeper.marketplace;

/**
 * What a cheap call of a marketplace's API with an access token says of the authorization behind
 * it (Shopify's shop query): only {@link Alive} proves it; anything else leaves the proof to a refresh grant.
 */
public sealed interface AccessProbe {

    /** The token works: the authorization is alive, and nothing was rotated to learn it. */
    record Alive() implements AccessProbe {
    }

    /** The token was refused (revoked, expired, replaced): a refresh grant tells whether the authorization still works. */
    record Refused() implements AccessProbe {
    }

    /** Throttled, down, or an answer that proves nothing; {@code cause} holds only words of ours, never body text. */
    record Inconclusive(String cause) implements AccessProbe {
    }
}
