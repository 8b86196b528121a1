package dev.authkeeper.api;

import io.quarkus.runtime.annotations.RegisterForReflection;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.annotation.JsonInclude;

import dev.authkeeper.app.App;
import dev.authkeeper.app.Apps;
import dev.authkeeper.authorization.SellerConflicts;
import dev.authkeeper.config.ApiConfig;
import dev.authkeeper.connection.Connection;
import dev.authkeeper.connection.ConnectionRepository;
import dev.authkeeper.http.QueryString;
import dev.authkeeper.marketplace.Marketplace;
import dev.authkeeper.marketplace.Marketplaces;
import dev.authkeeper.marketplace.Origin;
import dev.authkeeper.status.ConnectionStatuses;
import dev.authkeeper.status.ConnectionView;
import dev.authkeeper.table.ConnectionId;

/**
 * Every route but the token's: status of a connection or of a merchant's connections, connect links,
 * disconnect, and support's settling of seller conflicts. None of them opens a token, so their
 * function's role cannot decrypt one.
 */
@ApplicationScoped
public class ConnectionsRoutes {

    private static final Logger LOG = Logger.getLogger(ConnectionsRoutes.class);
    static final int MAX_LIMIT = 100;
    static final int DEFAULT_LIMIT = 50;

    @RegisterForReflection
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Listing(List<ConnectionView> connections, String next) {
    }

    @RegisterForReflection
    public record Transferred(String connectionId, String fromMerchant, String toMerchant) {
    }

    @RegisterForReflection
    public record ClaimsDismissed(String connectionId, int claimsRemoved) {
    }

    private final ConnectionStatuses statuses;
    private final ConnectionRepository connections;
    private final ConnectLinks links;
    private final Disconnections disconnections;
    private final SellerConflicts conflicts;
    private final ApiRequests requests;
    private final Marketplaces marketplaces;
    private final ApiConfig config;
    private final Apps apps;

    public ConnectionsRoutes(ConnectionStatuses statuses, ConnectionRepository connections, ConnectLinks links, Disconnections disconnections,
            SellerConflicts conflicts, ApiRequests requests, Marketplaces marketplaces, ApiConfig config, Apps apps) {
        this.apps = apps;
        this.statuses = statuses;
        this.connections = connections;
        this.links = links;
        this.disconnections = disconnections;
        this.conflicts = conflicts;
        this.requests = requests;
        this.marketplaces = marketplaces;
        this.config = config;
    }

    public ApiAnswer handle(ApiCall call) {
        return switch (call.route()) {
            case CONNECTION -> connection(call);
            case MERCHANT_CONNECTIONS -> merchantConnections(call);
            case CONNECT_LINK -> connectLink(call);
            case DISCONNECT -> disconnect(call);
            case TRANSFER -> transfer(call);
            case DISMISS_CLAIMS -> dismissClaims(call);
            case ACCESS_TOKEN, IMPORTS -> throw new IllegalArgumentException("the token and import routes have a function of their own");
        };
    }

    private ApiAnswer connection(ApiCall call) {
        ConnectionId id = requests.connectionId(call.request());
        return statuses.find(id, config.historyEntries()).map(ApiAnswer::ok).orElseThrow(() -> unknown());
    }

    private ApiAnswer merchantConnections(ApiCall call) {
        String merchant = ApiRequests.merchantId(call.request());
        var query = QueryString.parse(call.request().query());
        for (String name : query.all().keySet()) {
            if (!name.equals("limit") && !name.equals("next")) {
                throw ApiProblem.badRequest("This route takes the parameters limit and next only.");
            }
        }
        int limit = query.get("limit").map(ConnectionsRoutes::limit).orElse(DEFAULT_LIMIT);
        Optional<String> next = query.get("next");
        if (next.isPresent() && ConnectionStatuses.connectionOf(next.get()).isEmpty()) {
            throw ApiProblem.badRequest("next is not a cursor this API gave out: pass the next of the previous page as it was.");
        }
        var page = statuses.ofMerchant(merchant, limit, next);
        return ApiAnswer.ok(new Listing(page.connections(), page.next().orElse(null)));
    }

    private static int limit(String value) {
        if (value.matches("[0-9]{1,3}")) {
            int limit = Integer.parseInt(value);
            if (limit >= 1 && limit <= MAX_LIMIT) {
                return limit;
            }
        }
        throw ApiProblem.badRequest("limit must be a whole number from 1 to " + MAX_LIMIT + ".");
    }

    private ApiAnswer connectLink(ApiCall call) {
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
        } else if (marketplace.soleOrigin().isPresent()) {
            link = links.connectAt(marketplace, merchant, marketplace.soleOrigin().get(), app.map(App::name));
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

    private ApiAnswer disconnect(ApiCall call) {
        ConnectionId id = requests.connectionId(call.request());
        return switch (disconnections.disconnect(id, call.caller())) {
            case DISCONNECTED, ALREADY_DISCONNECTED -> ApiAnswer.noContent();
            case NOT_FOUND -> throw unknown();
            case BUSY -> ApiAnswer.unavailable("try_again", "The connection kept changing while it was disconnected "
                    + "(a check or an authorization was being recorded). Send the same DELETE again.", Duration.ofSeconds(1));
        };
    }

    private ApiAnswer transfer(ApiCall call) {
        ConnectionId id = requests.connectionId(call.request());
        var body = requests.fields(call.request(), List.of("toMerchant"));
        if (!body.containsKey("toMerchant")) {
            throw ApiProblem.badRequest("The body must name the merchant to move the connection to: {\"toMerchant\": \"...\"}.");
        }
        String to = ApiRequests.merchantId(body.get("toMerchant"), "toMerchant");
        if (connections.find(id).isEmpty()) {
            throw unknown();
        }
        return switch (conflicts.resolve(id, to, call.caller().principal())) {
            case SellerConflicts.Resolution.Moved moved -> {
                LOG.infof("Seller conflict on %s settled by %s: moved from merchant %s to merchant %s", id, call.caller(),
                        moved.fromMerchant(), to);
                yield ApiAnswer.ok(new Transferred(id.value(), moved.fromMerchant(), to));
            }
            case SellerConflicts.Resolution.NoClaim noClaim -> ApiAnswer.error(409, "no_claim", "This merchant has no claim on the "
                    + "connection, so there is no authorization of theirs to move it with; nothing changed.");
            case SellerConflicts.Resolution.Changed changed -> ApiAnswer.error(409, "changed", "The connection already belongs to "
                    + "this merchant, or changed hands meanwhile; nothing changed. Look at it again (GET /v1/connections/{id}).");
        };
    }

    private ApiAnswer dismissClaims(ApiCall call) {
        ConnectionId id = requests.connectionId(call.request());
        if (connections.find(id).isEmpty() && conflicts.claims(id).isEmpty()) {
            throw unknown();
        }
        int removed = conflicts.dismiss(id);
        LOG.infof("Claims on %s dismissed by %s: %d removed", id, call.caller(), removed);
        return ApiAnswer.ok(new ClaimsDismissed(id.value(), removed));
    }

    private static ApiProblem unknown() {
        return ApiProblem.notFound("There is no connection with this id. GET /v1/merchants/{merchantId}/connections lists a "
                + "merchant's connections.");
    }
}
