package dev.authkeeper.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import dev.authkeeper.http.ApiGatewayRequest;
import dev.authkeeper.http.ApiGatewayResponse;

/**
 * Turns browser requests into API Gateway HTTP API (payload 2.0) events for the functions, and
 * their proxy responses back into HTTP, the way API Gateway does in a deployment. Routes other
 * than the function routes belong to {@link LocalSite}.
 */
public final class LocalGateway implements AutoCloseable {

    private final HttpServer server;
    private final ExecutorService executor;

    private LocalGateway(HttpServer server) {
        this.server = server;
        // Requests run with the application's class loader, as on the thread that started the
        // gateway; under @QuarkusTest the default one would see another copy of the config.
        ClassLoader application = Thread.currentThread().getContextClassLoader();
        this.executor = Executors.newThreadPerTaskExecutor(task -> Thread.ofVirtual().unstarted(() -> {
            Thread.currentThread().setContextClassLoader(application);
            task.run();
        }));
    }

    public static LocalGateway start(int port, Map<String, Function<ApiGatewayRequest, ApiGatewayResponse>> routes, LocalSite site) {
        try {
            var server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 256);
            var gateway = new LocalGateway(server);
            routes.forEach((path, function) -> server.createContext(path, exchange -> gateway.invoke(exchange, function)));
            server.createContext("/", exchange -> gateway.respond(exchange, site.handle(exchange)));
            server.setExecutor(gateway.executor);
            server.start();
            return gateway;
        } catch (IOException e) {
            throw new UncheckedIOException("the local gateway could not listen on port " + port, e);
        }
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private void invoke(HttpExchange exchange, Function<ApiGatewayRequest, ApiGatewayResponse> function) throws IOException {
        if (!"GET".equals(exchange.getRequestMethod())) {
            respond(exchange, new ApiGatewayResponse(404, Map.of("Content-Type", "application/json"), List.of(), "{\"message\":\"Not Found\"}"));
            return;
        }
        respond(exchange, function.apply(event(exchange)));
    }

    static ApiGatewayRequest event(HttpExchange exchange) {
        URI uri = exchange.getRequestURI();
        Map<String, String> headers = new HashMap<>();
        exchange.getRequestHeaders().forEach((name, values) -> headers.put(name.toLowerCase(Locale.ROOT), String.join(",", values)));
        List<String> cookies = exchange.getRequestHeaders().getOrDefault("Cookie", List.of()).stream()
                .flatMap(header -> Arrays.stream(header.split(";")))
                .map(String::trim)
                .filter(c -> !c.isEmpty())
                .toList();
        String method = exchange.getRequestMethod();
        String path = uri.getRawPath();
        var http = new ApiGatewayRequest.Http(method, path, exchange.getRemoteAddress().getAddress().getHostAddress(),
                headers.getOrDefault("user-agent", ""));
        var context = new ApiGatewayRequest.RequestContext(UUID.randomUUID().toString(), headers.getOrDefault("host", "localhost"), http);
        return new ApiGatewayRequest("2.0", method + " " + path, path, uri.getRawQuery() == null ? "" : uri.getRawQuery(),
                cookies.isEmpty() ? null : cookies, headers, context);
    }

    void respond(HttpExchange exchange, ApiGatewayResponse response) throws IOException {
        response.headers().forEach((name, value) -> exchange.getResponseHeaders().add(name, value));
        // As API Gateway does with payload 2.0's cookies: one Set-Cookie header each.
        response.cookies().forEach(cookie -> exchange.getResponseHeaders().add("Set-Cookie", cookie));
        byte[] body = response.body() == null ? new byte[0] : response.body().getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(response.statusCode(), body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            exchange.getResponseBody().write(body);
        }
        exchange.close();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
