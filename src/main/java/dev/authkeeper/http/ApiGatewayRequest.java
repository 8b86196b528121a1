package dev.authkeeper.http;

import io.quarkus.runtime.annotations.RegisterForReflection;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;

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
        RequestContext requestContext,
        Map<String, String> pathParameters,
        String body,
        @JsonProperty("isBase64Encoded") boolean base64Encoded) {

    /** A request without path parameters or body, as the page routes receive them. */
    public ApiGatewayRequest(String version, String routeKey, String rawPath, String rawQueryString, List<String> cookies,
            Map<String, String> headers, RequestContext requestContext) {
        this(version, routeKey, rawPath, rawQueryString, cookies, headers, requestContext, null, null, false);
    }

    @RegisterForReflection
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record RequestContext(String requestId, String domainName, Http http, Authorizer authorizer) {

        public RequestContext(String requestId, String domainName, Http http) {
            this(requestId, domainName, http, null);
        }
    }

    @RegisterForReflection
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Http(String method, String path, String sourceIp, String userAgent) {
    }

    /** What API Gateway's authorizer established; for an {@code AWS_IAM} route, the signing principal. */
    @RegisterForReflection
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Authorizer(Iam iam) {
    }

    /** The IAM identity that signed the request (SigV4), as API Gateway verified it. */
    @RegisterForReflection
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Iam(String accountId, String callerId, String userArn, String userId, String principalOrgId) {
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

    /** The IAM principal that signed the request, when the route is IAM-authorized and API Gateway says who. */
    public Optional<Iam> iam() {
        return Optional.ofNullable(requestContext).map(RequestContext::authorizer).map(Authorizer::iam);
    }

    public Optional<String> pathParameter(String name) {
        return Optional.ofNullable(pathParameters).map(p -> p.get(name));
    }

    /** A header's value; API Gateway gives header names in lower case, and a name matches in any case. */
    public Optional<String> header(String name) {
        return Optional.ofNullable(headers).flatMap(all -> all.entrySet().stream()
                .filter(e -> e.getKey().equalsIgnoreCase(name)).map(Map.Entry::getValue).findFirst());
    }

    /** The body's bytes as the client sent them (what a signature over the body covers); empty when a base64 body does not decode. */
    public Optional<byte[]> rawBody() {
        if (body == null) {
            return Optional.of(new byte[0]);
        }
        if (!base64Encoded) {
            return Optional.of(body.getBytes(StandardCharsets.UTF_8));
        }
        try {
            return Optional.of(Base64.getDecoder().decode(body));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    public String method() {
        return Optional.ofNullable(requestContext).map(RequestContext::http).map(Http::method).orElse("");
    }
}
