package dev.authkeeper.api;

import java.util.Arrays;
import java.util.Optional;

/**
 * The routes of the integrator API, as API Gateway names them in {@code routeKey}; each is
 * IAM-authorized ({@code AuthorizationType: AWS_IAM} in {@code template.yaml}). The token route and
 * the import route have a function of their own, because only its role may open and seal tokens.
 */
public enum ApiRoute {
    ACCESS_TOKEN("GET /v1/connections/{id}/access-token", ApiRoute.TOKEN_FUNCTION),
    /** Seals the tokens it imports and reads the apps' client secrets to prove them: the token function's role may. */
    IMPORTS("POST /v1/imports", ApiRoute.TOKEN_FUNCTION),
    CONNECTION("GET /v1/connections/{id}", ApiRoute.CONNECTIONS_FUNCTION),
    MERCHANT_CONNECTIONS("GET /v1/merchants/{merchantId}/connections", ApiRoute.CONNECTIONS_FUNCTION),
    CONNECT_LINK("POST /v1/merchants/{merchantId}/connect-links", ApiRoute.CONNECTIONS_FUNCTION),
    DISCONNECT("DELETE /v1/connections/{id}", ApiRoute.CONNECTIONS_FUNCTION),
    TRANSFER("POST /v1/connections/{id}/transfer", ApiRoute.CONNECTIONS_FUNCTION),
    DISMISS_CLAIMS("DELETE /v1/connections/{id}/claims", ApiRoute.CONNECTIONS_FUNCTION);

    /** The Funqy function names ({@code QUARKUS_FUNQY_EXPORT}) serving the routes. */
    public static final String TOKEN_FUNCTION = "access-token";
    public static final String CONNECTIONS_FUNCTION = "connections-api";

    private final String routeKey;
    private final String function;

    ApiRoute(String routeKey, String function) {
        this.routeKey = routeKey;
        this.function = function;
    }

    /** {@code METHOD /path/{parameter}}, as in the template and in the event's {@code routeKey}. */
    public String routeKey() {
        return routeKey;
    }

    public String function() {
        return function;
    }

    public static Optional<ApiRoute> of(String routeKey) {
        return Arrays.stream(values()).filter(r -> r.routeKey.equals(routeKey)).findFirst();
    }
}
