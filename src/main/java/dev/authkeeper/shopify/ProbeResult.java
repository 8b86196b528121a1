package dev.authkeeper.shopify;

import java.time.Duration;
import java.util.Optional;

/** What the Admin API's shop query says of an access token: every possible answer in one of these. */
public sealed interface ProbeResult {

    /** The token works for this shop; {@code shopId} is Shopify's global id, such as {@code gid://shopify/Shop/1}. */
    record Alive(String shopId) implements ProbeResult {
    }

    /** HTTP 401: the token is revoked, expired, or replaced (the app uninstalled, or another install took its place). */
    record TokenDead() implements ProbeResult {
    }

    /** HTTP 403 "Non-expiring access tokens are no longer accepted": a legacy token that must be migrated, or the shop authorized again. */
    record LegacyTokenRefused() implements ProbeResult {
    }

    /** HTTP 402 (the shop is frozen for an unpaid bill) or 423 (the shop is locked): the token says nothing until the shop is back. */
    record ShopUnavailable(int status) implements ProbeResult {
    }

    /** Throttling, an outage, or an answer that is not JSON: worth another try later. */
    record Transient(String cause, Optional<Duration> retryAfter) implements ProbeResult {
    }

    /** Anything else; {@code description} holds only the status and words of ours, never body text. */
    record Unexpected(int status, String description) implements ProbeResult {
    }
}
