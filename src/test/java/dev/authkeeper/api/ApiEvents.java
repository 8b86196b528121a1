package dev.authkeeper.api;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import org.eclipse.microprofile.config.ConfigProvider;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.authkeeper.http.ApiGatewayResponse;
import dev.authkeeper.testing.ApiContract;
import dev.authkeeper.testing.Lambda;

/**
 * Payload 2.0 events of the IAM-authorized {@code /v1} routes, as API Gateway sends them: the route
 * key, decoded path parameters, the body, and the principal that signed the request in
 * {@code requestContext.authorizer.iam}.
 */
final class ApiEvents {

    static final String INTEGRATOR = "arn:aws:iam::123456789012:role/order-sync";
    /** A role (with a path) that the access-token profile scopes to one merchant. */
    static final String EU_PRODUCT = "arn:aws:iam::123456789012:role/teams/eu-product";
    private static final ObjectMapper JSON = new ObjectMapper();

    private ApiEvents() {
    }

    /** One request: any route key, path parameters, query, body and headers, signed by {@code userArn} (or by nobody). */
    record Request(String routeKey, Map<String, String> pathParameters, String rawQuery, String body, boolean base64,
            Optional<String> userArn, Map<String, String> headers) {

        static Request of(ApiRoute route, Map<String, String> pathParameters) {
            return new Request(route.routeKey(), pathParameters, "", null, false, Optional.of(INTEGRATOR),
                    Map.of("host", "api.example.test", "content-type", "application/json"));
        }

        Request query(String rawQuery) {
            return new Request(routeKey, pathParameters, rawQuery, body, base64, userArn, headers);
        }

        Request body(String body) {
            return new Request(routeKey, pathParameters, rawQuery, body, base64, userArn, headers);
        }

        Request signedBy(String userArn) {
            return new Request(routeKey, pathParameters, rawQuery, body, base64, Optional.of(userArn), headers);
        }

        Request unsigned() {
            return new Request(routeKey, pathParameters, rawQuery, body, base64, Optional.empty(), headers);
        }

        Request routeKey(String routeKey) {
            return new Request(routeKey, pathParameters, rawQuery, body, base64, userArn, headers);
        }

        /** Sent to the exported function; the answer is checked against the published contract. */
        ApiGatewayResponse send() {
            return conforming(this, Lambda.invoke(event(this)));
        }
    }

    /**
     * {@code response}, once it satisfies {@code docs/api/openapi.yaml} for the request's route. An
     * event API Gateway never sends this function (an unknown route key, another function's route)
     * is outside the contract: its answer need only be a refusal in the documented problem shape.
     */
    static ApiGatewayResponse conforming(Request request, ApiGatewayResponse response) {
        String exported = ConfigProvider.getConfig().getValue("quarkus.funqy.export", String.class);
        boolean routed = ApiRoute.of(request.routeKey()).filter(route -> route.function().equals(exported)).isPresent();
        if (routed) {
            ApiContract.requireValid(request.routeKey(), response.statusCode(), response.headers(), response.body());
        } else {
            ApiContract.requireProblem(response.statusCode(), response.headers(), response.body());
        }
        return response;
    }

    static ApiGatewayResponse get(ApiRoute route, Map<String, String> pathParameters) {
        return Request.of(route, pathParameters).send();
    }

    static Map<String, Object> event(Request request) {
        String[] route = request.routeKey().split(" ", 2);
        String method = route[0];
        String path = route.length > 1 ? route[1] : "/";
        for (var parameter : request.pathParameters().entrySet()) {
            path = path.replace("{" + parameter.getKey() + "}", parameter.getValue());
        }
        var event = new LinkedHashMap<String, Object>();
        event.put("version", "2.0");
        event.put("routeKey", request.routeKey());
        event.put("rawPath", path);
        event.put("rawQueryString", request.rawQuery());
        event.put("headers", request.headers());
        if (!request.pathParameters().isEmpty()) {
            event.put("pathParameters", request.pathParameters());
        }
        var context = new HashMap<String, Object>(Map.of(
                "accountId", "123456789012",
                "apiId", "abc123",
                "domainName", "api.example.test",
                "http", Map.of("method", method, "path", path, "protocol", "HTTP/1.1", "sourceIp", "203.0.113.9",
                        "userAgent", "aws-sdk-java/2"),
                "requestId", UUID.randomUUID().toString(),
                "routeKey", request.routeKey(),
                "stage", "$default",
                "timeEpoch", System.currentTimeMillis()));
        request.userArn().ifPresent(arn -> {
            var iam = new HashMap<String, Object>();
            iam.put("accessKey", "ASIAEXAMPLEKEY");
            iam.put("accountId", "123456789012");
            iam.put("callerId", "AROAEXAMPLEID:order-sync");
            iam.put("cognitoIdentity", null);
            iam.put("principalOrgId", null);
            iam.put("userArn", arn);
            iam.put("userId", "AROAEXAMPLEID:order-sync");
            context.put("authorizer", Map.of("iam", iam));
        });
        event.put("requestContext", context);
        if (request.body() != null) {
            event.put("body", request.body());
        }
        event.put("isBase64Encoded", request.base64());
        return event;
    }

    static JsonNode json(ApiGatewayResponse response) {
        try {
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
