package dev.authkeeper.authorization;

import java.net.URI;
import java.time.Instant;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import dev.authkeeper.app.App;
import dev.authkeeper.app.Apps;
import dev.authkeeper.connection.ConnectionRepository;
import dev.authkeeper.http.InvalidRequest;
import dev.authkeeper.marketplace.Marketplace;
import dev.authkeeper.marketplace.Marketplaces;
import dev.authkeeper.marketplace.Origin;
import dev.authkeeper.session.ReauthorizeLinks;
import dev.authkeeper.table.ConnectionId;

/**
 * Opens a signed (re)authorize link into what it leads to: the app, its marketplace, the origin to
 * consent at and the connection it repairs, if any. A link that is expired, forged, or names what
 * this deployment does not serve is refused as stale.
 */
@ApplicationScoped
public class LinkTargets {

    private static final String STALE_LINK = "This reconnect link has expired or is not valid. "
            + "Open the newest alert, or the connections page of your account, for a fresh link.";

    /** Where an opened link leads. */
    record Target(ReauthorizeLinks.Link link, App app, Marketplace marketplace, Origin origin, Optional<ConnectionId> connection) {
    }

    private final ReauthorizeLinks links;
    private final Apps apps;
    private final ConnectionRepository connections;
    private final Marketplaces marketplaces;

    public LinkTargets(ReauthorizeLinks links, Apps apps, ConnectionRepository connections, Marketplaces marketplaces) {
        this.links = links;
        this.apps = apps;
        this.connections = connections;
        this.marketplaces = marketplaces;
    }

    Target open(String token, Instant now) {
        var link = links.open(token, now).orElseThrow(() -> new InvalidRequest(STALE_LINK));
        Optional<ConnectionId> connection = Optional.ofNullable(link.connection()).map(LinkTargets::connectionId);
        App app = appOf(link, connection);
        Marketplace marketplace = marketplaces.of(app.marketplace());
        Origin origin = marketplace.origin(URI.create(link.origin())).orElseThrow(() -> new InvalidRequest(STALE_LINK));
        if (connection.isPresent() && !matches(connection.get(), marketplace, origin)) {
            throw new InvalidRequest(STALE_LINK);
        }
        if (!marketplace.serves(app.name(), origin)) {
            throw new InvalidRequest(STALE_LINK);
        }
        return new Target(link, app, marketplace, origin, connection);
    }

    /** The app the link names; else the app the connection it repairs was authorized with; else the default app. */
    private App appOf(ReauthorizeLinks.Link link, Optional<ConnectionId> connection) {
        if (link.app() != null) {
            return apps.find(link.app()).orElseThrow(() -> new InvalidRequest(STALE_LINK));
        }
        return connection.flatMap(connections::appOf).flatMap(apps::find).orElse(apps.defaultApp());
    }

    private static boolean matches(ConnectionId connection, Marketplace marketplace, Origin origin) {
        return connection.marketplace().equals(marketplace.id()) && connection.region().equals(origin.region());
    }

    private static ConnectionId connectionId(String value) {
        try {
            return ConnectionId.parse(value);
        } catch (IllegalArgumentException e) {
            throw new InvalidRequest(STALE_LINK);
        }
    }
}
