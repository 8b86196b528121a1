package dev.authkeeper.function;

import dev.authkeeper.api.AccessTokenRoute;
import dev.authkeeper.api.ApiEndpoint;
import dev.authkeeper.api.ApiRoute;
import dev.authkeeper.api.ConnectionsRoutes;
import dev.authkeeper.api.ImportsRoute;
import dev.authkeeper.http.ApiGatewayRequest;
import dev.authkeeper.http.ApiGatewayResponse;
import io.quarkus.funqy.Funq;

/**
 * The integrator API behind API Gateway's IAM-authorized {@code /v1} routes: the token and import
 * routes in a function of their own (its role may open and seal tokens), every other route in another.
 */
public class IntegratorApiFunctions {

    private final ApiEndpoint endpoint;
    private final AccessTokenRoute accessTokens;
    private final ConnectionsRoutes connections;
    private final ImportsRoute imports;

    public IntegratorApiFunctions(ApiEndpoint endpoint, AccessTokenRoute accessTokens, ConnectionsRoutes connections, ImportsRoute imports) {
        this.endpoint = endpoint;
        this.accessTokens = accessTokens;
        this.connections = connections;
        this.imports = imports;
    }

    @Funq(ApiRoute.TOKEN_FUNCTION)
    public ApiGatewayResponse accessToken(ApiGatewayRequest request) {
        return endpoint.serve(ApiRoute.TOKEN_FUNCTION, request,
                call -> call.route() == ApiRoute.IMPORTS ? imports.handle(call) : accessTokens.handle(call));
    }

    @Funq(ApiRoute.CONNECTIONS_FUNCTION)
    public ApiGatewayResponse connections(ApiGatewayRequest request) {
        return endpoint.serve(ApiRoute.CONNECTIONS_FUNCTION, request, connections::handle);
    }
}
