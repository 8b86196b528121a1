package dev.authkeeper.function;

import dev.authkeeper.http.ApiGatewayRequest;
import dev.authkeeper.http.ApiGatewayResponse;
import dev.authkeeper.http.HttpEndpoint;
import dev.authkeeper.statuspage.StatusPage;
import io.quarkus.funqy.Funq;

/** The merchant's status page, {@code GET /connections}, behind API Gateway without IAM: the session cookie decides. */
public class ConnectionsPageFunction {

    private final HttpEndpoint endpoint;
    private final StatusPage page;

    public ConnectionsPageFunction(HttpEndpoint endpoint, StatusPage page) {
        this.endpoint = endpoint;
        this.page = page;
    }

    @Funq("connections-page")
    public ApiGatewayResponse connectionsPage(ApiGatewayRequest request) {
        return endpoint.serve("connections-page", request, page::handle);
    }
}
