package dev.authkeeper.http;

import io.quarkus.runtime.annotations.RegisterForReflection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/** An API Gateway HTTP API request, payload format 2.0: only the fields AuthKeeper reads. */
@RegisterForReflection
@JsonIgnoreProperties(ignoreUnknown = true)
public record ApiGatewayRequest(
        String version,
        String routeKey,
        String rawPath,
        String rawQueryString,
        List<String> cookies,
        Map<String, String> headers,
        RequestContext requestContext) {

    @RegisterForReflection
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record RequestContext(String requestId, String domainName, Http http) {
    }

    @RegisterForReflection
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Http(String method, String path, String sourceIp, String userAgent) {
    }

    public String query() {
        return rawQueryString == null ? "" : rawQueryString;
    }

    public List<String> cookieList() {
        return cookies == null ? List.of() : cookies;
    }

    public Optional<String> requestId() {
        return Optional.ofNullable(requestContext).map(RequestContext::requestId);
    }
}
