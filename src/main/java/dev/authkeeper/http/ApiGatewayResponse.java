package dev.authkeeper.http;

import io.quarkus.runtime.annotations.RegisterForReflection;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An API Gateway proxy response (payload format 2.0). Every answer carries headers that keep
 * OAuth parameters out of caches and out of the Referer of the next page.
 */
@RegisterForReflection
public record ApiGatewayResponse(int statusCode, Map<String, String> headers, String body) {

    private static Map<String, String> protectiveHeaders() {
        var headers = new LinkedHashMap<String, String>();
        headers.put("Cache-Control", "no-store");
        headers.put("Referrer-Policy", "no-referrer");
        headers.put("X-Content-Type-Options", "nosniff");
        return headers;
    }

    public static ApiGatewayResponse redirect(URI location) {
        var headers = protectiveHeaders();
        headers.put("Location", location.toASCIIString());
        return new ApiGatewayResponse(302, Map.copyOf(headers), "");
    }

    public static ApiGatewayResponse html(int status, String html) {
        var headers = protectiveHeaders();
        headers.put("Content-Type", "text/html; charset=utf-8");
        headers.put("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'");
        return new ApiGatewayResponse(status, Map.copyOf(headers), html);
    }
}
