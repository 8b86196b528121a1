package dev.authkeeper.function;

import dev.authkeeper.api.AccessTokenRoute;
import dev.authkeeper.api.ApiEndpoint;
import dev.authkeeper.api.ApiRoute;
import dev.authkeeper.api.ConnectionsRoutes;
import dev.authkeeper.http.ApiGatewayRequest;
import dev.authkeeper.http.ApiGatewayResponse;
import io.quarkus.funqy.Funq;

/**
 * The integrator API behind API Gateway's IAM-authorized {@code /v1} routes: the token route in a
 * function of its own (its role may open tokens), every other route in another.
 */
public class IntegratorApiFunctions {

    private final ApiEndpoint endpoint;
    private final AccessTokenRoute accessTokens;
    private final ConnectionsRoutes connections;

    public IntegratorApiFunctions(ApiEndpoint endpoint, AccessTokenRoute accessTokens, ConnectionsRoutes connections) {
        this.endpoint = endpoint;
        this.accessTokens = accessTokens;
        this.connections = connections;
    }

    @Funq(ApiRoute.TOKEN_FUNCTION)
    public ApiGatewayResponse accessToken(ApiGatewayRequest request) {
        return endpoint.serve(ApiRoute.TOKEN_FUNCTION, request, accessTokens::handle);
    }

    @Funq(ApiRoute.CONNECTIONS_FUNCTION)
    public ApiGatewayResponse connections(ApiGatewayRequest request) {
        return endpoint.serve(ApiRoute.CONNECTIONS_FUNCTION, request, connections::handle);
    }
}
