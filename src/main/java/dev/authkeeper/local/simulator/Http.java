package dev.authkeeper.local.simulator;

import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;

/** Reading requests and writing answers on the JDK's HTTP server, as every simulator does it. */
public final class Http {

    private static final ObjectMapper JSON = new ObjectMapper();

    private Http() {
    }

    public static Map<String, String> query(HttpExchange ex) {
        return parameters(ex.getRequestURI().getRawQuery());
    }

    public static Map<String, String> form(HttpExchange ex) throws IOException {
        return parameters(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
    }

    /** Percent-decodes a query string or form body; the first of duplicate parameters wins. */
    public static Map<String, String> parameters(String raw) {
        Map<String, String> p = new LinkedHashMap<>();
        if (raw == null) {
            return p;
        }
        for (String pair : raw.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            p.putIfAbsent(name, value);
        }
        return p;
    }

    /**
     * The body's parameters, whether sent as a form or as a JSON object (scalar members only), or
     * null when it is neither.
     */
    public static Map<String, String> bodyParameters(HttpExchange ex) throws IOException {
        byte[] body = ex.getRequestBody().readAllBytes();
        String type = Objects.requireNonNullElse(ex.getRequestHeaders().getFirst("Content-Type"), "");
        try {
            if (!type.toLowerCase(Locale.ROOT).startsWith("application/json")) {
                return parameters(new String(body, StandardCharsets.UTF_8));
            }
            if (!(JSON.readTree(body) instanceof ObjectNode object)) {
                return null;
            }
            Map<String, String> p = new HashMap<>();
            object.fieldNames().forEachRemaining(name -> {
                JsonNode value = object.get(name);
                if (value.isValueNode() && !value.isNull()) {
                    p.put(name, value.asText());
                }
            });
            return p;
        } catch (JsonProcessingException | IllegalArgumentException e) {
            return null;
        }
    }

    public static String required(Map<String, String> parameters, String name) {
        String value = nonBlank(parameters.get(name));
        if (value == null) {
            throw new Rejected(name + " is missing.");
        }
        return value;
    }

    public static String nonBlank(String value) {
        return value == null || value.isBlank() ? null : value;
    }

    public static String withQuery(URI base, String... namesAndValues) {
        StringBuilder uri = new StringBuilder(base.toString());
        char separator = base.getRawQuery() == null ? '?' : '&';
        for (int i = 0; i < namesAndValues.length; i += 2) {
            uri.append(separator)
                    .append(URLEncoder.encode(namesAndValues[i], StandardCharsets.UTF_8)).append('=')
                    .append(URLEncoder.encode(namesAndValues[i + 1], StandardCharsets.UTF_8));
            separator = '&';
        }
        return uri.toString();
    }

    public static String withQuery(URI base, Map<String, String> parameters) {
        return withQuery(base, parameters.entrySet().stream()
                .flatMap(e -> java.util.stream.Stream.of(e.getKey(), e.getValue())).toArray(String[]::new));
    }

    public static void redirect(HttpExchange ex, String location) throws IOException {
        ex.getResponseHeaders().set("Location", location);
        send(ex, 302, null, new byte[0]);
    }

    /** The answer to a control form: back to the page the form was on. */
    public static void seeOther(HttpExchange ex, String location) throws IOException {
        ex.getResponseHeaders().set("Location", location);
        send(ex, 303, null, new byte[0]);
    }

    public static void send(HttpExchange ex, int status, String contentType, byte[] body) throws IOException {
        sendHeaders(ex, status, contentType, body.length);
        if (body.length > 0) {
            ex.getResponseBody().write(body);
        }
    }

    public static void send(HttpExchange ex, Reply reply) throws IOException {
        reply.retryAfter().ifPresent(seconds -> ex.getResponseHeaders().set("Retry-After", seconds));
        send(ex, reply.status(), reply.contentType(), reply.body());
    }

    static void sendHeaders(HttpExchange ex, int status, String contentType, int contentLength) throws IOException {
        if (contentType != null) {
            ex.getResponseHeaders().set("Content-Type", contentType);
        }
        ex.getResponseHeaders().set("Cache-Control", "no-store"); // tokens and one-time codes must not be cached
        ex.sendResponseHeaders(status, contentLength == 0 ? -1 : contentLength);
    }
}
