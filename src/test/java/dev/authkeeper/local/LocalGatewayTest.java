package dev.authkeeper.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.authkeeper.http.ApiGatewayResponse;

class LocalGatewayTest {

    @Test
    void everyCookieOfAResponseBecomesItsOwnSetCookieHeaderAsApiGatewayDoes() throws Exception {
        var response = new ApiGatewayResponse(302, Map.of("Location", "/next"),
                List.of("a=1; Path=/; Secure; HttpOnly", "b=2; Max-Age=600; Path=/"), "");
        int port;
        try (var socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        try (var gateway = LocalGateway.start(port, Map.of("/x", request -> response), null)) {
            var answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/x")).build(),
                    HttpResponse.BodyHandlers.discarding());

            assertThat(answer.statusCode()).isEqualTo(302);
            assertThat(answer.headers().allValues("Set-Cookie")).containsExactly("a=1; Path=/; Secure; HttpOnly", "b=2; Max-Age=600; Path=/");
        }
    }

    @Test
    void theGatewayListensOnLoopbackOnly() throws IOException {
        int port;
        try (var socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        try (var gateway = LocalGateway.start(port, Map.of(), null)) {
            assertThat(Listeners.acceptsOnNonLoopback(port)).isFalse();
        }
    }
}
