package dev.authkeeper.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
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
 * than the function routes belong to {@link LocalSite}. The IAM-authorized routes of the
 * integrator API ({@code /v1}) get {@link #LOCAL_INTEGRATOR} as the signing principal: nothing is
 * signed or checked locally.
 */
public final class LocalGateway implements AutoCloseable {

    /** The stand-in for the IAM principal API Gateway verifies on IAM-authorized routes; the local run only. */
    public static final String LOCAL_INTEGRATOR = "arn:aws:iam::000000000000:user/local-integrator";
    private static final String API_PREFIX = "/v1/";
    private static final int MAX_BODY = 1 << 20;

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
        return start(port, routes, Map.of(), Map.of(), site);
    }

    /**
     * @param apiRoutes  the IAM-authorized routes by route key ({@code GET /v1/connections/{id}}), path
     *                   parameters in braces, as the template declares them
     * @param postRoutes public routes that take a body, by path prefix ({@code /notifications/}): a marketplace's deliveries
     */
    public static LocalGateway start(int port, Map<String, Function<ApiGatewayRequest, ApiGatewayResponse>> routes,
            Map<String, Function<ApiGatewayRequest, ApiGatewayResponse>> apiRoutes,
            Map<String, Function<ApiGatewayRequest, ApiGatewayResponse>> postRoutes, LocalSite site) {
        try {
            var server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 256);
            var gateway = new LocalGateway(server);
            routes.forEach((path, function) -> server.createContext(path, exchange -> gateway.invoke(exchange, function)));
            postRoutes.forEach((prefix, function) -> server.createContext(prefix, exchange -> gateway.invokePost(exchange, function)));
            if (!apiRoutes.isEmpty()) {
                server.createContext(API_PREFIX, exchange -> gateway.invokeApi(exchange, apiRoutes));
            }
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

    private void invokePost(HttpExchange exchange, Function<ApiGatewayRequest, ApiGatewayResponse> function) throws IOException {
        // A marketplace validates its endpoint with a GET of the same route (eBay's challenge code).
        if ("GET".equals(exchange.getRequestMethod())) {
            respond(exchange, function.apply(event(exchange)));
            return;
        }
        if (!"POST".equals(exchange.getRequestMethod())) {
            respond(exchange, new ApiGatewayResponse(404, Map.of("Content-Type", "application/json"), List.of(), "{\"message\":\"Not Found\"}"));
            return;
        }
        var plain = event(exchange);
        respond(exchange, function.apply(withBody(exchange, plain, plain.routeKey(), Map.of(), plain.requestContext())));
    }

    /** As API Gateway routes: the route whose method and path template match, or 404; path parameters decoded. */
    private void invokeApi(HttpExchange exchange, Map<String, Function<ApiGatewayRequest, ApiGatewayResponse>> routes) throws IOException {
        String method = exchange.getRequestMethod();
        String path = exchange.getRequestURI().getPath();
        for (var route : routes.entrySet()) {
            var parameters = match(route.getKey(), method, path);
            if (parameters.isPresent()) {
                respond(exchange, route.getValue().apply(apiEvent(exchange, route.getKey(), parameters.get())));
                return;
            }
        }
        respond(exchange, new ApiGatewayResponse(404, Map.of("Content-Type", "application/json"), List.of(), "{\"message\":\"Not Found\"}"));
    }

    /** The path parameters when {@code routeKey} ({@code METHOD /a/{b}}) matches the request. */
    static Optional<Map<String, String>> match(String routeKey, String method, String path) {
        String[] route = routeKey.split(" ", 2);
        String[] template = route[1].split("/", -1);
        String[] actual = path.split("/", -1);
        if (!route[0].equals(method) || template.length != actual.length) {
            return Optional.empty();
        }
        var parameters = new LinkedHashMap<String, String>();
        for (int i = 0; i < template.length; i++) {
            if (template[i].startsWith("{") && template[i].endsWith("}")) {
                if (actual[i].isEmpty()) {
                    return Optional.empty();
                }
                parameters.put(template[i].substring(1, template[i].length() - 1), actual[i]);
            } else if (!template[i].equals(actual[i])) {
                return Optional.empty();
            }
        }
        return Optional.of(parameters);
    }

    private static ApiGatewayRequest apiEvent(HttpExchange exchange, String routeKey, Map<String, String> parameters) throws IOException {
        var plain = event(exchange);
        var iam = new ApiGatewayRequest.Iam("000000000000", "LOCALINTEGRATOR", LOCAL_INTEGRATOR, "LOCALINTEGRATOR", null);
        var context = new ApiGatewayRequest.RequestContext(plain.requestContext().requestId(), plain.requestContext().domainName(),
                plain.requestContext().http(), new ApiGatewayRequest.Authorizer(iam));
        return withBody(exchange, plain, routeKey, parameters, context);
    }

    /** The event with the request's body: text as it came, or base64 (as API Gateway does) when it is not UTF-8. */
    private static ApiGatewayRequest withBody(HttpExchange exchange, ApiGatewayRequest plain, String routeKey, Map<String, String> parameters,
            ApiGatewayRequest.RequestContext context) throws IOException {
        byte[] bytes = exchange.getRequestBody().readNBytes(MAX_BODY);
        String body = null;
        boolean base64 = false;
        if (bytes.length > 0) {
            try {
                body = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
            } catch (CharacterCodingException e) {
                body = Base64.getEncoder().encodeToString(bytes);
                base64 = true;
            }
        }
        return new ApiGatewayRequest("2.0", routeKey, plain.rawPath(), plain.rawQueryString(), plain.cookies(), plain.headers(), context,
                parameters, body, base64);
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
