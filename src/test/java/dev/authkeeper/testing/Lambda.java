package dev.authkeeper.testing;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.eclipse.microprofile.config.ConfigProvider;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.authkeeper.http.ApiGatewayResponse;

/**
 * Invokes the exported function through Quarkus' mock Lambda event server with a raw API Gateway
 * HTTP API (payload 2.0) event, as API Gateway would.
 */
public final class Lambda {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private Lambda() {
    }

    public static ApiGatewayResponse get(String path, String rawQuery, String... cookies) {
        return invoke(event(path, rawQuery, List.of(cookies)));
    }

    public static ApiGatewayResponse invoke(Map<String, Object> event) {
        return read(post(event), ApiGatewayResponse.class);
    }

    /** Any event in, the function's JSON answer out. */
    public static Map<String, Object> invokeJson(Map<String, Object> event) {
        return read(post(event), Map.class);
    }

    @SuppressWarnings("unchecked")
    private static <T> T read(byte[] body, Class<?> type) {
        try {
            return (T) JSON.readValue(body, type);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] post(Map<String, ?> event) {
        int port = ConfigProvider.getConfig().getOptionalValue("quarkus.lambda.mock-event-server.test-port", Integer.class).orElse(8081);
        try {
            var request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/_lambda_"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(event)))
                    .build();
            var response = HTTP.send(request, HttpResponse.BodyHandlers.ofByteArray());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("the function failed: HTTP " + response.statusCode() + " " + new String(response.body()));
            }
            return response.body();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A payload 2.0 event with the fields API Gateway sends, including those AuthKeeper ignores. */
    public static Map<String, Object> event(String path, String rawQuery, List<String> cookies) {
        return event(path, rawQuery, cookies, Map.of("host", "auth.example.test", "user-agent", "Mozilla/5.0", "accept", "text/html"));
    }

    /** The same with these headers (names in lower case, as API Gateway gives them). */
    public static Map<String, Object> event(String path, String rawQuery, List<String> cookies, Map<String, String> headers) {
        var event = new LinkedHashMap<String, Object>();
        event.put("version", "2.0");
        event.put("routeKey", "GET " + path);
        event.put("rawPath", path);
        event.put("rawQueryString", rawQuery);
        if (!cookies.isEmpty()) {
            event.put("cookies", cookies);
        }
        event.put("headers", headers);
        if (!rawQuery.isEmpty()) {
            event.put("queryStringParameters", Map.of("note", "API Gateway's decoded view; AuthKeeper parses rawQueryString"));
        }
        event.put("requestContext", Map.of(
                "accountId", "123456789012",
                "apiId", "abc123",
                "domainName", "auth.example.test",
                "http", Map.of("method", "GET", "path", path, "protocol", "HTTP/1.1", "sourceIp", "203.0.113.7", "userAgent", "Mozilla/5.0"),
                "requestId", UUID.randomUUID().toString(),
                "stage", "$default",
                "timeEpoch", System.currentTimeMillis()));
        event.put("isBase64Encoded", false);
        return event;
    }
}
