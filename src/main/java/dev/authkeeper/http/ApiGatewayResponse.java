package dev.authkeeper.http;

import io.quarkus.runtime.annotations.RegisterForReflection;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * An API Gateway proxy response (payload format 2.0). Every answer carries headers that keep
 * OAuth parameters out of caches and out of the Referer of the next page, and tells browsers to
 * come back over HTTPS only (links carry signed, readable merchant and connection ids). Cookies go in
 * {@code cookies}, one {@code Set-Cookie} value each: a header map holds one value per name, and
 * API Gateway turns each entry of this array into its own {@code Set-Cookie} header.
 */
@RegisterForReflection
public record ApiGatewayResponse(
        int statusCode,
        Map<String, String> headers,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) List<String> cookies,
        String body) {

    public ApiGatewayResponse {
        cookies = cookies == null ? List.of() : List.copyOf(cookies);
    }

    private static Map<String, String> protectiveHeaders() {
        var headers = new LinkedHashMap<String, String>();
        headers.put("Cache-Control", "no-store");
        headers.put("Referrer-Policy", "no-referrer");
        headers.put("X-Content-Type-Options", "nosniff");
        headers.put("Strict-Transport-Security", "max-age=31536000");
        return headers;
    }

    public static ApiGatewayResponse redirect(URI location) {
        var headers = protectiveHeaders();
        headers.put("Location", location.toASCIIString());
        return new ApiGatewayResponse(302, Map.copyOf(headers), List.of(), "");
    }

    public static ApiGatewayResponse html(int status, String html) {
        var headers = protectiveHeaders();
        headers.put("Content-Type", "text/html; charset=utf-8");
        headers.put("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'");
        return new ApiGatewayResponse(status, Map.copyOf(headers), List.of(), html);
    }

    /** A JSON answer for a program (the integrator API), with {@code extra} headers such as {@code Retry-After}. */
    public static ApiGatewayResponse json(int status, String json, Map<String, String> extra) {
        var headers = protectiveHeaders();
        headers.put("Content-Type", "application/json");
        headers.putAll(extra);
        return new ApiGatewayResponse(status, Map.copyOf(headers), List.of(), json);
    }

    /** This response with the header {@code name} set to {@code value}, replacing any it had. */
    public ApiGatewayResponse withHeader(String name, String value) {
        var all = new LinkedHashMap<>(headers);
        all.put(name, value);
        return new ApiGatewayResponse(statusCode, Map.copyOf(all), cookies, body);
    }

    /** This response, also setting a cookie ({@code setCookie} is a whole {@code Set-Cookie} value). */
    public ApiGatewayResponse withCookie(String setCookie) {
        var all = new ArrayList<>(cookies);
        all.add(setCookie);
        return new ApiGatewayResponse(statusCode, headers, all, body);
    }
}
