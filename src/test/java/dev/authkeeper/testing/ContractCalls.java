package dev.authkeeper.testing;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HashMap;

/** Calls to the integrator API through the local gateway, each answer checked against the published contract. */
public final class ContractCalls {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final int gatewayPort;

    public ContractCalls(int gatewayPort) {
        this.gatewayPort = gatewayPort;
    }

    /** The answer, once it satisfies the published contract ({@code docs/api/openapi.yaml}). */
    public HttpResponse<String> call(String method, String path, String body) {
        var request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gatewayPort + path)).method(method,
                body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        try {
            var response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
            var headers = new HashMap<String, String>();
            response.headers().map().forEach((name, values) -> headers.put(name, values.get(0)));
            ApiContract.requireValidAt(method, path, response.statusCode(), headers, response.body());
            return response;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
