package dev.authkeeper.authorization;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.authkeeper.http.ApiGatewayResponse;
import dev.authkeeper.session.MerchantSessions;
import dev.authkeeper.session.SignedPayloads;
import dev.authkeeper.testing.AwsCalls;
import dev.authkeeper.testing.CapturedLogs;
import dev.authkeeper.testing.Lambda;
import dev.authkeeper.testing.LocalAwsResource;
import dev.authkeeper.testing.Profiles;
import dev.authkeeper.testing.Table;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

@QuarkusTest
@TestProfile(Profiles.LoginFunction.class)
@WithTestResource(LocalAwsResource.class)
class LoginFunctionTest {

    static final String CONFIRM = "https://sellercentral.amazon.com/apps/authorize/confirm/amzn1.sp.solution.test-app";
    static final String SELLER = "A2SELLER0001";
    static final String AMAZON_STATE = "amzn1.state.Zx9-Lm3";

    @Inject
    MerchantSessions sessions;
    @Inject
    AwsCalls calls;
    @Inject
    DynamoDbClient dynamo;
    @Inject
    ObjectMapper json;

    Table table;

    @BeforeEach
    void clean() {
        table = new Table(dynamo);
        table.clear();
        calls.reset();
    }

    String session(String merchant) {
        return sessions.cookieName() + "=" + sessions.sessionToken(merchant, Instant.now().plusSeconds(3600));
    }

    static String query(Map<String, String> parameters) {
        var parts = new ArrayList<String>();
        parameters.forEach((k, v) -> parts.add(URLEncoder.encode(k, StandardCharsets.UTF_8) + "=" + URLEncoder.encode(v, StandardCharsets.UTF_8)));
        return String.join("&", parts);
    }

    static Map<String, String> amazonLaunch(String callback) {
        var parameters = new LinkedHashMap<String, String>();
        parameters.put("amazon_callback_uri", callback);
        parameters.put("amazon_state", AMAZON_STATE);
        parameters.put("selling_partner_id", SELLER);
        parameters.put("version", "beta");
        return parameters;
    }

    static Map<String, String> queryOf(URI uri) {
        var values = new LinkedHashMap<String, String>();
        for (String pair : uri.getRawQuery().split("&")) {
            String[] kv = pair.split("=", 2);
            values.put(URLDecoder.decode(kv[0], StandardCharsets.UTF_8), URLDecoder.decode(kv[1], StandardCharsets.UTF_8));
        }
        return values;
    }

    @Test
    void signedInSellerGoesBackToAmazonWithAFreshSingleUseState() {
        var response = Lambda.get("/login", query(amazonLaunch(CONFIRM)), session("merchant-7"));

        assertThat(response.statusCode()).isEqualTo(302);
        assertThat(response.headers()).containsEntry("Referrer-Policy", "no-referrer").containsEntry("Cache-Control", "no-store");
        URI location = URI.create(response.headers().get("Location"));
        assertThat(location.getScheme() + "://" + location.getHost() + location.getPath()).isEqualTo(CONFIRM);
        var back = queryOf(location);
        assertThat(back).containsEntry("amazon_state", AMAZON_STATE).containsEntry("version", "beta").doesNotContainKey("redirect_uri");
        assertThat(back.get("state")).matches("[A-Za-z0-9_-]{43}");

        assertThat(calls.dynamoWrites()).containsExactly("DynamoDb.PutItem");
        var states = table.withPrefix("STATE#");
        assertThat(states).hasSize(1);
        var item = states.get(0);
        assertThat(item.get("pk").s()).doesNotContain(back.get("state"));
        assertThat(item.get("merchantId").s()).isEqualTo("merchant-7");
        assertThat(item.get("expectedAccountId").s()).isEqualTo(SELLER);
        assertThat(item.get("region").s()).isEqualTo("NA");
        assertThat(item.get("flow").s()).isEqualTo("MARKETPLACE");
        long created = Long.parseLong(item.get("createdAt").n());
        long expires = Long.parseLong(item.get("expiresAt").n());
        assertThat(expires - created).isEqualTo(10 * 60 * 1000);
        assertThat(Long.parseLong(item.get("ttl").n())).isEqualTo(expires / 1000);
    }

    @Test
    void eachLoginGetsItsOwnState() {
        var first = queryOf(URI.create(Lambda.get("/login", query(amazonLaunch(CONFIRM)), session("m-1")).headers().get("Location")));
        var second = queryOf(URI.create(Lambda.get("/login", query(amazonLaunch(CONFIRM)), session("m-1")).headers().get("Location")));
        assertThat(first.get("state")).isNotEqualTo(second.get("state"));
        assertThat(table.withPrefix("STATE#")).hasSize(2);
    }

    @Test
    void regionComesFromTheCallbackHost() {
        Lambda.get("/login", query(amazonLaunch("https://sellercentral-europe.amazon.com/apps/authorize/confirm/app")), session("m-eu"));
        Lambda.get("/login", query(amazonLaunch("https://vendorcentral.amazon.co.jp/apps/authorize/confirm/app")), session("m-fe"));
        var regions = table.withPrefix("STATE#").stream().map(i -> i.get("merchantId").s() + "=" + i.get("region").s()).toList();
        assertThat(regions).containsExactlyInAnyOrder("m-eu=EU", "m-fe=FE");
    }

    @Test
    void withoutVersionNoBetaIsSent() {
        var parameters = amazonLaunch(CONFIRM);
        parameters.remove("version");
        var back = queryOf(URI.create(Lambda.get("/login", query(parameters), session("m-1")).headers().get("Location")));
        assertThat(back).doesNotContainKey("version");
    }

    static Stream<Arguments> sessionsThatDoNotCount() {
        return Stream.of(
                Arguments.of("no cookie", null),
                Arguments.of("expired", "EXPIRED"),
                Arguments.of("forged with another key", "FORGED"),
                Arguments.of("garbage", "authkeeper_session=not-a-token"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("sessionsThatDoNotCount")
    void sellerWithoutAValidSessionSignsInAndComesBackWithEveryAmazonParameter(String name, String cookieKind) {
        String cookie = switch (cookieKind == null ? "" : cookieKind) {
            case "" -> null;
            case "EXPIRED" -> sessions.cookieName() + "=" + sessions.sessionToken("merchant-7", Instant.now().minusSeconds(1));
            case "FORGED" -> sessions.cookieName() + "=" + new SignedPayloads("another-secret-of-at-least-32-bytes!!", json)
                    .sealJson("session", Map.of("merchant", "merchant-7", "exp", Instant.now().plusSeconds(600).getEpochSecond()));
            default -> cookieKind;
        };
        String launch = query(amazonLaunch(CONFIRM));
        ApiGatewayResponse response = cookie == null ? Lambda.get("/login", launch) : Lambda.get("/login", launch, cookie);

        assertThat(response.statusCode()).isEqualTo(302);
        URI signIn = URI.create(response.headers().get("Location"));
        assertThat(signIn.getHost()).isEqualTo("app.example.test");
        assertThat(signIn.getPath()).isEqualTo("/sign-in");
        var query = queryOf(signIn);
        String returnTo = query.get("return_to");
        assertThat(sessions.isSignedReturn(returnTo, query.get("return_sig"))).isTrue();
        assertThat(sessions.isSignedReturn(returnTo + "&x=1", query.get("return_sig"))).isFalse();
        assertThat(queryOf(URI.create(returnTo))).isEqualTo(amazonLaunch(CONFIRM));
        assertThat(calls.dynamoWrites()).isEmpty();
        assertThat(table.items()).isEmpty();

        // Back from sign-in with a session: the same address now continues to Amazon.
        var again = Lambda.get("/login", URI.create(returnTo).getRawQuery(), session("merchant-7"));
        assertThat(URI.create(again.headers().get("Location")).getHost()).isEqualTo("sellercentral.amazon.com");
    }

    static Stream<Arguments> refusedLaunches() {
        var cases = new ArrayList<Arguments>();
        for (String bad : List.of(
                "http://sellercentral.amazon.com/apps/authorize/confirm/app",
                "https://user@sellercentral.amazon.com/apps/authorize/confirm/app",
                "https://sellercentral.amazon.com:8443/apps/authorize/confirm/app",
                "https://sellercentral.amazon.com\\@evil.example/apps/authorize/confirm/app",
                "https:\\\\evil.example\\apps\\authorize\\confirm\\app",
                "https://sellercentral.amazon.com/apps/authorize/confirm/..%2f..%2fevil",
                "https://sellercentral.amazon.com%2eevil.example/apps/authorize/confirm/app",
                "https://sellercentral.amazon.com/apps/authorize/confirm/../../../logout",
                "https://sellercentral.amazon.com.evil.example/apps/authorize/confirm/app",
                "https://evilamazon.com/apps/authorize/confirm/app",
                "https://sellercentral-amazon.com/apps/authorize/confirm/app",
                "https://sellercentral.amaz\u043en.com/apps/authorize/confirm/app",
                "https://sellercentral.amazon\u3002com/apps/authorize/confirm/app",
                "https://xn--sellercentral-amzon-xyz.com/apps/authorize/confirm/app",
                "https://sellercentral.amazon.com./apps/authorize/confirm/app",
                "https://54.239.28.85/apps/authorize/confirm/app",
                "https://sellercentral.amazon.com/apps/authorize/confirm/app#@evil.example",
                "https://sellercentral.amazon.com/apps/authorize/confirm/app?next=https://evil.example",
                "https://sellercentral.amazon.com/apps/authorize/consent",
                "https://sellercentral.amazon.com/apps/authorize/confirmx/app",
                "https://sellercentral.amazon.com/",
                "//sellercentral.amazon.com/apps/authorize/confirm/app",
                "javascript:alert(1)//sellercentral.amazon.com/apps/authorize/confirm/app",
                "/apps/authorize/confirm/app")) {
            cases.add(Arguments.of("amazon_callback_uri " + bad, 400, replaced(amazonLaunch(CONFIRM), "amazon_callback_uri", bad)));
        }
        for (String missing : List.of("amazon_callback_uri", "amazon_state", "selling_partner_id")) {
            var parameters = amazonLaunch(CONFIRM);
            parameters.remove(missing);
            cases.add(Arguments.of("missing " + missing, 400, query(parameters)));
            cases.add(Arguments.of("empty " + missing, 400, replaced(amazonLaunch(CONFIRM), missing, "")));
        }
        cases.add(Arguments.of("version other than beta", 400, replaced(amazonLaunch(CONFIRM), "version", "1")));
        cases.add(Arguments.of("selling_partner_id with markup", 400, replaced(amazonLaunch(CONFIRM), "selling_partner_id", "<script>")));
        cases.add(Arguments.of("selling_partner_id too long", 400, replaced(amazonLaunch(CONFIRM), "selling_partner_id", "A".repeat(33))));
        cases.add(Arguments.of("amazon_state with a space", 400, replaced(amazonLaunch(CONFIRM), "amazon_state", "a b")));
        cases.add(Arguments.of("amazon_state too long", 400, replaced(amazonLaunch(CONFIRM), "amazon_state", "s".repeat(1025))));
        cases.add(Arguments.of("repeated amazon_callback_uri", 400,
                query(amazonLaunch(CONFIRM)) + "&amazon_callback_uri=" + URLEncoder.encode("https://evil.example/", StandardCharsets.UTF_8)));
        cases.add(Arguments.of("broken escape", 400, query(amazonLaunch(CONFIRM)) + "&x=%zz"));
        cases.add(Arguments.of("invalid UTF-8", 400, query(amazonLaunch(CONFIRM)) + "&x=%C3%28"));
        cases.add(Arguments.of("oversized query string", 414, query(amazonLaunch(CONFIRM)) + "&pad=" + "p".repeat(5000)));
        return cases.stream();
    }

    static String replaced(Map<String, String> parameters, String name, String value) {
        parameters.put(name, value);
        return query(parameters);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refusedLaunches")
    void badLaunchesAreRefusedWithAPageAndNothingStored(String name, int status, String rawQuery) {
        String cookie = session("merchant-7");
        ApiGatewayResponse response;
        try (var logs = CapturedLogs.capture()) {
            response = Lambda.get("/login", rawQuery, cookie);
            assertThat(logs.leaked(List.of(cookie.substring(cookie.indexOf('=') + 1), AMAZON_STATE))).isEmpty();
        }
        assertThat(response.statusCode()).isEqualTo(status);
        assertThat(response.headers().get("Content-Type")).startsWith("text/html");
        assertThat(response.headers()).doesNotContainKey("Location");
        assertThat(response.body()).contains("<h1>").doesNotContain("Exception").doesNotContain("at dev.authkeeper");
        assertThat(calls.dynamoWrites()).isEmpty();
        assertThat(table.items()).isEmpty();
    }
}
