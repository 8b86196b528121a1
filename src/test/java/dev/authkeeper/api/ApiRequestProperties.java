package dev.authkeeper.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import java.nio.charset.StandardCharsets;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.quicktheories.api.Pair;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

import dev.authkeeper.http.ApiGatewayResponse;
import dev.authkeeper.testing.CapturedLogs;
import dev.authkeeper.testing.RequestProperties;

/**
 * What {@link RequestProperties} holds for the pages, for the API's routes: for any route key, path
 * parameters, query string, headers, body and identity API Gateway can deliver, never a 5xx, never a
 * stack trace, never an ERROR line, and no request value in a log line (plain identifiers, which
 * the routes log once they have checked them, aside). Values that lead deep into a route are mixed
 * with hostile ones.
 */
final class ApiRequestProperties {

    private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9._:@-]*");
    private static final Pattern PARAMETER = Pattern.compile("\\{([A-Za-z]+)}");
    private static final List<String> METHODS = List.of("GET", "POST", "DELETE", "PUT", "PATCH", "HEAD");

    private final List<ApiRoute> routes;
    private final Map<String, List<String>> pathValues = new LinkedHashMap<>();
    private final List<String> queries = new ArrayList<>(List.of(""));
    private final List<String> bodies = new ArrayList<>();
    private final List<String> secrets = new ArrayList<>();

    private ApiRequestProperties(List<ApiRoute> routes) {
        this.routes = routes;
    }

    static ApiRequestProperties forRoutes(ApiRoute... routes) {
        return new ApiRequestProperties(List.of(routes));
    }

    ApiRequestProperties pathParameter(String name, String... plausible) {
        pathValues.put(name, List.of(plausible));
        return this;
    }

    ApiRequestProperties query(String... plausible) {
        queries.addAll(List.of(plausible));
        return this;
    }

    ApiRequestProperties body(String... plausible) {
        bodies.addAll(List.of(plausible));
        return this;
    }

    /** Values that must never reach a log, plain or not: tokens among them. */
    ApiRequestProperties secret(String... values) {
        secrets.addAll(List.of(values));
        return this;
    }

    void check(int examples) {
        qt().withExamples(examples).withShrinkCycles(30).forAll(requests()).checkAssert(request -> {
            ApiGatewayResponse response;
            try (var logs = CapturedLogs.capture()) {
                response = request.send();
                assertThat(logs.errors()).as("ERROR lines").isEmpty();
                String text = logs.text();
                assertThat(text).as("log").doesNotContain("\tat ").doesNotContain("Exception:");
                for (String value : hostileValues(request)) {
                    assertThat(text).as("log carrying a request value").doesNotContain(value);
                }
                for (String secret : secrets) {
                    assertThat(text).as("log carrying a secret").doesNotContain(secret);
                }
            }
            assertThat(response.statusCode()).as("status").isBetween(200, 499);
            assertThat(response.headers()).containsEntry("Content-Type", "application/json").containsEntry("Cache-Control", "no-store");
            String body = response.body() == null ? "" : response.body();
            assertThat(body).as("body").doesNotContain("Exception").doesNotContain("\tat ").doesNotContain("at dev.authkeeper");
            if (response.statusCode() >= 400) {
                var json = ApiEvents.json(response);
                assertThat(json.path("error").asText()).as("error code").isNotEmpty();
                assertThat(json.path("message").asText()).as("message").isNotEmpty();
            }
        });
    }

    private static List<String> hostileValues(ApiEvents.Request request) {
        var values = new ArrayList<String>(request.pathParameters().values());
        for (String pair : request.rawQuery().split("&")) {
            values.add(pair.substring(pair.indexOf('=') + 1));
        }
        if (request.body() != null) {
            values.add(request.body());
        }
        values.addAll(request.headers().values());
        request.userArn().filter(arn -> !arn.equals(ApiEvents.INTEGRATOR)).ifPresent(values::add);
        return values.stream().filter(v -> v.length() >= 6 && !PLAIN.matcher(v).matches()).toList();
    }

    private Gen<ApiEvents.Request> requests() {
        return routeKeys().zip(queries(), bodies(), identities(), headers(),
                (route, query, body, identity, headers) -> new ApiEvents.Request(route.getKey(), route.getValue(), query,
                        body.getKey(), body.getValue(), identity, headers));
    }

    /** A route key (mostly one of the routes, sometimes with another method, sometimes anything) with its path parameters. */
    private Gen<Map.Entry<String, Map<String, String>>> routeKeys() {
        return Generate.pick(routes).flatMap(route -> {
            String path = route.routeKey().substring(route.routeKey().indexOf(' ') + 1);
            Gen<String> key = Generate.frequency(List.of(
                    Pair.of(8, Generate.constant(route.routeKey())),
                    Pair.of(1, Generate.pick(METHODS).map(method -> method + " " + path)),
                    Pair.of(1, RequestProperties.hostile())));
            return key.zip(parameters(path), Map::entry);
        });
    }

    private Gen<Map<String, String>> parameters(String path) {
        Matcher names = PARAMETER.matcher(path);
        Gen<Map<String, String>> parameters = Generate.constant(Map.of());
        while (names.find()) {
            String name = names.group(1);
            List<String> plausible = pathValues.getOrDefault(name, List.of());
            Gen<String> value = plausible.isEmpty() ? RequestProperties.hostile() : Generate.pick(plausible).mix(RequestProperties.hostile(), 40);
            parameters = parameters.zip(value, (map, v) -> {
                var more = new LinkedHashMap<>(map);
                more.put(name, v);
                return (Map<String, String>) more;
            });
        }
        return Generate.frequency(List.of(Pair.of(9, parameters), Pair.of(1, Generate.constant(Map.<String, String>of()))));
    }

    private Gen<String> queries() {
        Gen<String> hostilePairs = lists().of(RequestProperties.hostile().zip(RequestProperties.hostile(), (n, v) -> n + "=" + v))
                .ofSizeBetween(1, 4).map(pairs -> String.join("&", pairs));
        return Generate.pick(queries).mix(hostilePairs, 40);
    }

    /** A body and whether it is base64-encoded: none, plausible JSON, hostile text, huge, deeply nested, or base64 of either. */
    private Gen<Map.Entry<String, Boolean>> bodies() {
        Gen<String> text = bodies.isEmpty() ? RequestProperties.hostile() : Generate.pick(bodies).mix(RequestProperties.hostile(), 40);
        Gen<String> huge = integers().between(3_000, 9_000).map(n -> "{\"region\":\"" + "x".repeat(n) + "\"}");
        Gen<String> nested = integers().between(1, 2_000).map(n -> "[".repeat(n) + "]".repeat(n));
        return Generate.frequency(List.of(
                Pair.of(3, Generate.constant(body(null, false))),
                Pair.of(6, text.map(t -> body(t, false))),
                Pair.of(1, huge.map(t -> body(t, false))),
                Pair.of(1, nested.map(t -> body(t, false))),
                Pair.of(1, text.map(t -> body(Base64.getEncoder().encodeToString(t.getBytes(StandardCharsets.UTF_8)), true))),
                Pair.of(1, RequestProperties.hostile().map(t -> body(t, true)))));
    }

    private static Map.Entry<String, Boolean> body(String text, boolean base64) {
        return new AbstractMap.SimpleImmutableEntry<>(text, base64);
    }

    private static Gen<Optional<String>> identities() {
        return Generate.frequency(List.of(
                Pair.of(8, Generate.constant(Optional.of(ApiEvents.INTEGRATOR))),
                Pair.of(1, Generate.constant(Optional.<String>empty())),
                Pair.of(1, RequestProperties.hostile().map(Optional::of))));
    }

    private static Gen<Map<String, String>> headers() {
        return lists().of(RequestProperties.hostile().zip(RequestProperties.hostile(), (name, value) -> Map.entry(name.toLowerCase(), value)))
                .ofSizeBetween(0, 4)
                .map(entries -> {
                    var headers = new LinkedHashMap<String, String>();
                    headers.put("host", "api.example.test");
                    entries.forEach(e -> headers.putIfAbsent(e.getKey(), e.getValue()));
                    return headers;
                });
    }
}
