package dev.authkeeper.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.quicktheories.generators.SourceDSL.strings;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import org.quicktheories.api.Pair;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

import dev.authkeeper.http.ApiGatewayResponse;

/**
 * Properties every HTTP route holds for any request API Gateway can deliver (query string,
 * cookies, headers: arbitrary, huge, repeated, broken escapes, invalid UTF-8, characters an
 * address must not hold): never a 5xx, never a stack trace in the body, never an ERROR in the
 * log, and no request value in a log line. Plain identifiers (letters, digits, {@code ._:@-}, as
 * merchant and seller ids are) may be logged once a route has checked them; nothing else may.
 *
 * <p>A route's test names its parameters and the values that lead deep into it, then checks:
 * <pre>
 * RequestProperties.forRoute("/login")
 *         .parameter("selling_partner_id", "A2SELLER0001")
 *         .cookie("authkeeper_session", validSession)
 *         .secret(validSession)
 *         .check(150);
 * </pre>
 * Generated values mix the plausible ones with hostile ones, so some requests get past the
 * first checks. QuickTheories shrinks a failing request and reports it with its seed.
 */
public final class RequestProperties {

    private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9._:@-]*");
    private static final List<String> BROKEN_ESCAPES = List.of("%", "%z", "%4", "%zz", "%%", "%G0", "%-1");
    private static final List<String> INVALID_UTF8 = List.of("%C3%28", "%FF", "%E2%82", "%ED%A0%80", "%C0%AF", "%F8%88%80%80%80", "%80");
    /** Legal in API Gateway's rawQueryString, illegal in java.net.URI. */
    private static final String URI_ILLEGAL = "|{}^`\"<>\\[]";

    private final String route;
    private final Map<String, List<String>> parameters = new LinkedHashMap<>();
    private final Map<String, List<String>> cookies = new LinkedHashMap<>();
    private final List<String> secrets = new ArrayList<>();

    private RequestProperties(String route) {
        this.route = route;
    }

    public static RequestProperties forRoute(String route) {
        return new RequestProperties(route);
    }

    /** A parameter the route reads, with values that lead into it (hostile ones are added). */
    public RequestProperties parameter(String name, String... plausible) {
        parameters.put(name, List.of(plausible));
        return this;
    }

    /** A cookie the route reads, with values that lead into it (hostile ones are added). */
    public RequestProperties cookie(String name, String... plausible) {
        cookies.put(name, List.of(plausible));
        return this;
    }

    /** Values that must never reach a log, plain or not: tokens, states, codes among the plausible values. */
    public RequestProperties secret(String... values) {
        secrets.addAll(List.of(values));
        return this;
    }

    /** One request as API Gateway hands it over. */
    public record Request(String rawQuery, List<String> cookies, Map<String, String> headers) {
        /** The values a log line must never carry. */
        List<String> hostileValues() {
            var values = new ArrayList<String>();
            for (String pair : rawQuery.split("&")) {
                values.add(pair.substring(pair.indexOf('=') + 1));
            }
            for (String cookie : cookies) {
                values.add(cookie.substring(cookie.indexOf('=') + 1));
            }
            values.addAll(headers.values());
            return values.stream().filter(v -> v.length() >= 6 && !PLAIN.matcher(v).matches()).toList();
        }
    }

    /** Checks the properties on {@code examples} generated requests. */
    public void check(int examples) {
        qt().withExamples(examples).withShrinkCycles(30).forAll(requests()).checkAssert(request -> {
            ApiGatewayResponse response;
            try (var logs = CapturedLogs.capture()) {
                response = Lambda.invoke(Lambda.event(route, request.rawQuery(), request.cookies(), request.headers()));
                assertThat(logs.errors()).as("ERROR lines").isEmpty();
                String text = logs.text();
                assertThat(text).as("log").doesNotContain("\tat ").doesNotContain("Exception:");
                for (String value : request.hostileValues()) {
                    assertThat(text).as("log carrying a request value").doesNotContain(value);
                }
                for (String secret : secrets) {
                    assertThat(text).as("log carrying a secret").doesNotContain(secret);
                }
            }
            assertThat(response.statusCode()).as("status").isBetween(200, 499);
            String body = response.body() == null ? "" : response.body();
            assertThat(body).as("body").doesNotContain("Exception").doesNotContain("\tat ").doesNotContain("at dev.authkeeper");
        });
    }

    Gen<Request> requests() {
        return queries().zip(cookieLists(), headers(), Request::new);
    }

    /** Hostile text: every kind of character an event can carry, escapes broken or not, sometimes huge. */
    public static Gen<String> hostile() {
        Gen<String> printable = strings().betweenCodePoints(0x21, 0x7e).ofLengthBetween(0, 40);
        Gen<String> unescaped = printable.map(text -> text.replace("%", "").replace("&", "").replace("=", ""));
        Gen<String> anyText = strings().betweenCodePoints(0x00, 0xD7FF).ofLengthBetween(0, 30)
                .mix(strings().betweenCodePoints(0x10000, 0x10FFFF).ofLengthBetween(1, 4));
        Gen<String> uriIllegal = lists().of(Generate.pick(URI_ILLEGAL.chars().mapToObj(c -> String.valueOf((char) c)).toList()))
                .ofSizeBetween(1, 6).map(parts -> "x" + String.join("", parts) + "y");
        Gen<String> escapes = Generate.pick(BROKEN_ESCAPES).mix(Generate.pick(INVALID_UTF8))
                .zip(printable, (escape, around) -> around + escape + around);
        Gen<String> huge = integers().between(2_000, 6_000).map(n -> "h".repeat(n));
        return Generate.frequency(List.of(
                Pair.of(3, printable),
                Pair.of(3, unescaped),
                Pair.of(3, anyText),
                Pair.of(3, uriIllegal),
                Pair.of(3, escapes),
                Pair.of(1, huge)));
    }

    private Gen<String> valueOf(List<String> plausible) {
        return plausible.isEmpty() ? hostile() : Generate.pick(plausible).mix(hostile(), 40);
    }

    private Gen<String> pair() {
        var named = new ArrayList<Gen<String>>();
        parameters.forEach((name, plausible) -> named.add(valueOf(plausible).map(value -> name + "=" + value)));
        named.add(hostile().zip(hostile(), (name, value) -> name + "=" + value));
        named.add(hostile());
        return Generate.oneOf(named.get(0), named.subList(1, named.size()).toArray(Gen[]::new));
    }

    private Gen<String> queries() {
        Gen<String> some = lists().of(pair()).ofSizeBetween(0, 8).map(pairs -> String.join("&", pairs));
        // Every parameter once with a plausible value, but perhaps one, and perhaps more after them:
        // requests that get far into the route.
        Gen<Integer> spoil = Generate.frequency(List.of(
                Pair.of(1, Generate.constant(-1)),
                Pair.of(1, integers().between(0, Math.max(0, parameters.size() - 1)))));
        Gen<String> complete = spoil
                .zip(hostile(), lists().of(hostile().zip(hostile(), (name, value) -> "x" + name + "=" + value)).ofSizeBetween(0, 3),
                        (spoiled, bad, extra) -> {
                    var pairs = new ArrayList<String>();
                    int i = 0;
                    for (var entry : parameters.entrySet()) {
                        String plausible = entry.getValue().isEmpty() ? bad : entry.getValue().get(0);
                        pairs.add(entry.getKey() + "=" + (i++ == spoiled ? bad : plausible));
                    }
                    pairs.addAll(extra);
                    return String.join("&", pairs);
                });
        Gen<String> repeated = some.map(query -> query.isEmpty() ? query : query + "&" + query);
        return Generate.frequency(List.of(
                Pair.of(4, some),
                Pair.of(4, complete),
                Pair.of(1, repeated)));
    }

    private Gen<List<String>> cookieLists() {
        var named = new ArrayList<Gen<String>>();
        cookies.forEach((name, plausible) -> named.add(valueOf(plausible).map(value -> name + "=" + value)));
        named.add(hostile());
        Gen<String> cookie = Generate.oneOf(named.get(0), named.subList(1, named.size()).toArray(Gen[]::new));
        return Generate.frequency(List.of(
                Pair.of(1, Generate.constant(List.<String>of())),
                Pair.of(3, lists().of(cookie).ofSizeBetween(1, 5))));
    }

    private static Gen<Map<String, String>> headers() {
        return lists().of(hostile().zip(hostile(), (name, value) -> Map.entry(name.toLowerCase(), value))).ofSizeBetween(0, 4)
                .map(entries -> {
                    var headers = new LinkedHashMap<String, String>();
                    headers.put("host", "auth.example.test");
                    entries.forEach(e -> headers.putIfAbsent(e.getKey(), e.getValue()));
                    return headers;
                });
    }
}
