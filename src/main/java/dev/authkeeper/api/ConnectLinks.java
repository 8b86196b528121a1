package dev.authkeeper.api;

import io.quarkus.runtime.annotations.RegisterForReflection;
import java.net.URI;
import java.time.Instant;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.annotation.JsonInclude;

import dev.authkeeper.config.ApiConfig;
import dev.authkeeper.marketplace.Marketplace;
import dev.authkeeper.marketplace.Origin;
import dev.authkeeper.session.ReauthorizeLinks;
import dev.authkeeper.table.ConnectionId;

/**
 * Signed links to {@code /authorize} for the integrator's "Connect" and "Reauthorize"
 * buttons, lasting {@code authkeeper.api.connect-link-lifetime}. A link works only for its merchant,
 * signed in at the integrator's site, in the browser that opens it (the authorize flow checks).
 */
@ApplicationScoped
public class ConnectLinks {

    @RegisterForReflection
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ConnectLink(URI url, Instant expiresAt, String merchantId, String connectionId, String marketplace, String region) {
    }

    private final ReauthorizeLinks links;
    private final ApiConfig config;

    public ConnectLinks(ReauthorizeLinks links, ApiConfig config) {
        this.links = links;
        this.config = config;
    }

    /**
     * Repairs (or connects again) this connection: its seller consents where it was authorized, to
     * {@code app} (by name), or when empty to the connection's own app.
     */
    public ConnectLink reconnect(ConnectionId id, String merchantId, URI origin, Optional<String> app) {
        var minted = links.mint(merchantId, origin, Optional.of(id.value()), app, config.connectLinkLifetime());
        return new ConnectLink(minted.url(), minted.expiresAt(), merchantId, id.value(), id.marketplace(), id.region().orElse(null));
    }

    /**
     * A new connection in {@code region}, at that region's Seller Central, to {@code app} (by name) or
     * when empty to the default app; empty for a region the marketplace does not have.
     */
    /** A new connection of the account whose own host is {@code origin} (a Shopify shop), to {@code app} (by name). */
    public ConnectLink connectAt(Marketplace marketplace, String merchantId, Origin origin, Optional<String> app) {
        var minted = links.mint(merchantId, origin.uri(), Optional.empty(), app, config.connectLinkLifetime());
        return new ConnectLink(minted.url(), minted.expiresAt(), merchantId, null, marketplace.id(), null);
    }

    public Optional<ConnectLink> connect(Marketplace marketplace, String merchantId, String region, Optional<String> app) {
        return marketplace.defaultOrigin(region).map(origin -> {
            var minted = links.mint(merchantId, origin.uri(), Optional.empty(), app, config.connectLinkLifetime());
            return new ConnectLink(minted.url(), minted.expiresAt(), merchantId, null, marketplace.id(), region);
        });
    }
}
