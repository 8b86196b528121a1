package dev.authkeeper.local;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

import jakarta.enterprise.context.ApplicationScoped;

import dev.authkeeper.api.ApiRoute;
import dev.authkeeper.function.AuthorizationFunctions;
import dev.authkeeper.function.ConnectionsPageFunction;
import dev.authkeeper.function.IntegratorApiFunctions;
import dev.authkeeper.function.NotificationFunction;
import dev.authkeeper.http.ApiGatewayRequest;
import dev.authkeeper.http.ApiGatewayResponse;

/** The functions behind the local gateway's routes, as API Gateway routes to them in a deployment. */
@ApplicationScoped
public class LocalFunctionRoutes {

    private final AuthorizationFunctions functions;
    private final ConnectionsPageFunction connectionsPage;
    private final NotificationFunction notifications;
    private final IntegratorApiFunctions api;

    public LocalFunctionRoutes(AuthorizationFunctions functions, ConnectionsPageFunction connectionsPage, NotificationFunction notifications,
            IntegratorApiFunctions api) {
        this.functions = functions;
        this.connectionsPage = connectionsPage;
        this.notifications = notifications;
        this.api = api;
    }

    LocalGateway start(int port, LocalSite site) {
        return LocalGateway.start(port, Map.of(
                "/login", functions::login,
                "/authorize", functions::authorize,
                "/callback", functions::callback,
                "/connections", connectionsPage::connectionsPage), apiRoutes(),
                Map.of("/notifications/", notifications::notifications), site);
    }

    /** The integrator API's routes, each to its function, as API Gateway's IAM-authorized routes call them. */
    private Map<String, Function<ApiGatewayRequest, ApiGatewayResponse>> apiRoutes() {
        var routes = new LinkedHashMap<String, Function<ApiGatewayRequest, ApiGatewayResponse>>();
        for (ApiRoute route : ApiRoute.values()) {
            routes.put(route.routeKey(), route.function().equals(ApiRoute.TOKEN_FUNCTION) ? api::accessToken : api::connections);
        }
        return routes;
    }
}
