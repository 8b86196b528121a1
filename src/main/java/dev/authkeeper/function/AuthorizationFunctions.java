package dev.authkeeper.function;

import dev.authkeeper.authorization.AuthorizeFlow;
import dev.authkeeper.authorization.CallbackFlow;
import dev.authkeeper.authorization.LoginFlow;
import dev.authkeeper.http.ApiGatewayRequest;
import dev.authkeeper.http.ApiGatewayResponse;
import dev.authkeeper.http.HttpEndpoint;
import io.quarkus.funqy.Funq;

/**
 * The HTTP functions behind API Gateway; each Lambda selects one with {@code QUARKUS_FUNQY_EXPORT}.
 */
public class AuthorizationFunctions {

    private final HttpEndpoint endpoint;
    private final LoginFlow login;
    private final AuthorizeFlow authorize;
    private final CallbackFlow callback;

    public AuthorizationFunctions(HttpEndpoint endpoint, LoginFlow login, AuthorizeFlow authorize, CallbackFlow callback) {
        this.endpoint = endpoint;
        this.login = login;
        this.authorize = authorize;
        this.callback = callback;
    }

    /** A marketplace launching an authorization: Amazon's Login URI, a Shopify app URL. */
    @Funq("login")
    public ApiGatewayResponse login(ApiGatewayRequest request) {
        return endpoint.serve("login", request, login::handle);
    }

    /** Website-initiated (re)authorization from a signed link. */
    @Funq("authorize")
    public ApiGatewayResponse authorize(ApiGatewayRequest request) {
        return endpoint.serve("authorize", request, authorize::handle);
    }

    /** The OAuth redirect URI. */
    @Funq("callback")
    public ApiGatewayResponse callback(ApiGatewayRequest request) {
        return endpoint.serve("callback", request, callback::handle);
    }
}
