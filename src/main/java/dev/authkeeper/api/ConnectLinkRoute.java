package dev.authkeeper.api;

import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import dev.authkeeper.app.App;
import dev.authkeeper.app.Apps;
import dev.authkeeper.connection.Connection;
import dev.authkeeper.connection.ConnectionRepository;
import dev.authkeeper.marketplace.Marketplace;
import dev.authkeeper.marketplace.Marketplaces;
import dev.authkeeper.marketplace.Origin;
import dev.authkeeper.table.ConnectionId;

/**
 * {@code POST /v1/merchants/{merchantId}/connect-links}: a signed link that starts the merchant's
 * authorization at the right place, to reconnect one of its connections or to connect a new account.
 */
@ApplicationScoped
public class ConnectLinkRoute {

    /** The connections routes' own category, which their log lines have always had. */
    private static final Logger LOG = Logger.getLogger(ConnectionsRoutes.class);

    private final ApiRequests requests;
    private final Apps apps;
    private final Marketplaces marketplaces;
    private final ConnectionRepository connections;
    private final ConnectLinks links;

    public ConnectLinkRoute(ApiRequests requests, Apps apps, Marketplaces marketplaces, ConnectionRepository connections, ConnectLinks links) {
        this.requests = requests;
        this.apps = apps;
        this.marketplaces = marketplaces;
        this.connections = connections;
        this.links = links;
    }

    ApiAnswer handle(ApiCall call) {
        String merchant = ApiRequests.merchantId(call.request());
        var body = requests.fields(call.request(), List.of("connectionId", "region", "app", "accountId"));
        Optional<String> region = Optional.ofNullable(body.get("region"));
        Optional<App> app = Optional.ofNullable(body.get("app")).map(name -> apps.find(name).orElseThrow(() -> ApiProblem.badRequest(
                "app must be the name of one of this deployment's apps: " + apps.describeAll() + ". Leave it out for the default app.")));
        Marketplace marketplace = marketplaces.of(app.orElse(apps.defaultApp()).marketplace());
        if (region.isPresent() && !marketplace.regions().contains(region.get())) {
            throw ApiProblem.badRequest("region must be one of " + String.join(", ", marketplace.regions()) + ".");
        }
        ConnectLinks.ConnectLink link;
        if (body.containsKey("connectionId")) {
            ConnectionId id = requests.connectionId(body.get("connectionId"), "connectionId");
            Connection connection = connections.find(id).filter(c -> c.merchantId().equals(merchant))
                    .orElseThrow(() -> ApiProblem.notFound("This merchant has no connection with this connectionId. "
                            + "Leave connectionId out to connect a new account."));
            if (region.isPresent() && !region.equals(id.region())) {
                throw ApiProblem.badRequest("region differs from the connection's own region; leave it out to reconnect a connection.");
            }
            id.region().ifPresent(r -> requireServes(app, r));
            link = links.reconnect(id, merchant, connection.origin(), app.map(App::name));
        } else if (marketplace.facts().accountHost().isPresent()) {
            link = links.connectAt(marketplace, merchant, accountOrigin(marketplace, body.get("accountId")), app.map(App::name));
        } else if (marketplace.singleOrigin().isPresent()) {
            link = links.connectAt(marketplace, merchant, marketplace.singleOrigin().get(), app.map(App::name));
        } else {
            // A new connection's region, when the request names none, is the marketplace's first.
            String newRegion = region.or(() -> marketplace.regions().stream().findFirst()).orElseThrow(() -> ApiProblem.badRequest(
                    "Connect links for new " + marketplace.displayName() + " connections start from the seller's own store: "
                            + "name the connection to reconnect in connectionId."));
            requireServes(app, newRegion);
            link = links.connect(marketplace, merchant, newRegion, app.map(App::name)).orElseThrow();
        }
        LOG.infof("Connect link for merchant %s (%s) minted for %s", merchant,
                link.connectionId() == null ? "a new " + link.marketplace() + " connection" + (link.region() == null ? "" : " in " + link.region())
                        : link.connectionId(), call.caller());
        return ApiAnswer.of(201, link);
    }

    /** Where a marketplace whose consent happens on the account's own host (a Shopify shop) asks the seller. */
    private static Origin accountOrigin(Marketplace marketplace, String accountId) {
        return Optional.ofNullable(accountId).flatMap(marketplace::accountOrigin)
                .orElseThrow(() -> ApiProblem.badRequest("accountId must name the " + marketplace.facts().account().words() + " to connect ("
                        + marketplace.displayName() + " consent happens there), such as the connectionId's last part."));
    }

    private static void requireServes(Optional<App> app, String region) {
        if (app.isPresent() && !app.get().serves(region)) {
            throw ApiProblem.badRequest("The app " + app.get().name() + " does not serve the region " + region
                    + "; name an app that does, or leave app out for the default app.");
        }
    }
}
