package dev.authkeeper.connection;

import java.net.URI;
import java.time.Instant;
import java.util.Optional;

import dev.authkeeper.crypto.Secret;
import dev.authkeeper.table.ConnectionId;

/**
 * What an OAuth {@code state} stands for while the seller is at the marketplace: who asked, in
 * which browser (a SHA-256 of its binding cookie), for which of the integrator's apps, where, and
 * which account was expected (known from the launch or from the connection a link repairs), in
 * the canonical form its marketplace gave it.
 *
 * @param region the marketplace's region of the consent origin; empty for a marketplace without regions
 * @param codeVerifier the PKCE verifier of a marketplace that asks for PKCE (Etsy), kept sealed with the state
 */
public record PendingAuthorization(
        String merchantId,
        Flow flow,
        String marketplace,
        String app,
        URI origin,
        Optional<String> region,
        Optional<String> expectedAccountId,
        String bindingHash,
        Instant createdAt,
        Instant expiresAt,
        Optional<Secret> codeVerifier) {

    /** An authorization without PKCE. */
    public PendingAuthorization(String merchantId, Flow flow, String marketplace, String app, URI origin, Optional<String> region,
            Optional<String> expectedAccountId, String bindingHash, Instant createdAt, Instant expiresAt) {
        this(merchantId, flow, marketplace, app, origin, region, expectedAccountId, bindingHash, createdAt, expiresAt, Optional.empty());
    }

    public Optional<ConnectionId> expectedConnection() {
        return expectedAccountId.map(account -> new ConnectionId(marketplace, region, account));
    }
}
