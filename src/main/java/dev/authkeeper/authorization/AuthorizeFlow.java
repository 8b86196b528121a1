package dev.authkeeper.authorization;

import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import dev.authkeeper.config.AuthKeeperConfig;
import dev.authkeeper.connection.ConnectionId;
import dev.authkeeper.connection.Flow;
import dev.authkeeper.connection.OAuthStates;
import dev.authkeeper.connection.PendingAuthorization;
import dev.authkeeper.http.ApiGatewayRequest;
import dev.authkeeper.http.ApiGatewayResponse;
import dev.authkeeper.http.InvalidRequest;
import dev.authkeeper.http.QueryString;
import dev.authkeeper.marketplace.Marketplace;
import dev.authkeeper.marketplace.Origin;
import dev.authkeeper.session.ReauthorizeLinks;

/**
 * Website-initiated (re)authorization: a signed link from an alert or from the integrator's site
 * leads to the marketplace's consent page with a fresh state.
 */
@ApplicationScoped
public class AuthorizeFlow {

    private static final Logger LOG = Logger.getLogger(AuthorizeFlow.class);
    private static final String STALE_LINK = "This reconnect link has expired or is not valid. "
            + "Open the newest alert, or the connections page of your account, for a fresh link.";

    private final Marketplace marketplace;
    private final ReauthorizeLinks links;
    private final OAuthStates states;
    private final AuthKeeperConfig config;
    private final Clock clock;

    public AuthorizeFlow(Marketplace marketplace, ReauthorizeLinks links, OAuthStates states, AuthKeeperConfig config, Clock clock) {
        this.marketplace = marketplace;
        this.links = links;
        this.states = states;
        this.config = config;
        this.clock = clock;
    }

    public ApiGatewayResponse handle(ApiGatewayRequest request) {
        Instant now = clock.instant();
        var query = QueryString.parse(request.query());
        var link = links.open(query.require("link"), now).orElseThrow(() -> new InvalidRequest(STALE_LINK));
        Origin origin = marketplace.origin(URI.create(link.origin())).orElseThrow(() -> new InvalidRequest(STALE_LINK));
        Optional<ConnectionId> connection = Optional.ofNullable(link.connection()).map(AuthorizeFlow::connectionId);
        if (connection.isPresent() && !matches(connection.get(), origin)) {
            throw new InvalidRequest(STALE_LINK);
        }
        var pending = new PendingAuthorization(link.merchant(), Flow.WEBSITE, marketplace.id(), origin.uri(),
                origin.region(), connection.map(ConnectionId::accountId), now, now.plus(config.state().lifetime()));
        var state = states.issue(pending);
        LOG.infof("Authorize link: merchant %s sent to consent at %s for %s", link.merchant(), origin.host(),
                connection.map(ConnectionId::value).orElse("a new connection"));
        return ApiGatewayResponse.redirect(marketplace.consentUri(origin, state));
    }

    private boolean matches(ConnectionId connection, Origin origin) {
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
