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

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import dev.authkeeper.connection.OAuthStates;
import dev.authkeeper.http.ApiGatewayResponse;
import dev.authkeeper.session.SignedPayloads;
import dev.authkeeper.testing.BrowserCookies;
import dev.authkeeper.testing.CapturedLogs;
import dev.authkeeper.testing.Lambda;
import dev.authkeeper.testing.LocalAwsResource;
import dev.authkeeper.testing.Profiles;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

@QuarkusTest
@TestProfile(Profiles.LoginFunction.class)
@WithTestResource(LocalAwsResource.class)
class LoginFunctionTest extends MerchantFacingTestBase {

    /** The application id the test resource configures (the simulated Amazon's). */
    static final String APP = "amzn1.sp.solution.simulated";
    static final String CONFIRM_PATH = "/apps/authorize/confirm/" + APP;
    static final String CONFIRM = "https://sellercentral.amazon.com" + CONFIRM_PATH;
    static final String STATE_FORMAT = "[A-Za-z0-9_-]{22}\\.[A-Za-z0-9_-]{43}";
    static final String SELLER = "A2SELLER0001";
    static final String AMAZON_STATE = "amzn1.state.Zx9-Lm3";

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
    void signedInSellerGoesBackToAmazonWithAFreshSingleUseStateBoundToThisBrowser() {
        var response = Lambda.get("/login", query(amazonLaunch(CONFIRM)), session("merchant-7"));

        assertThat(response.statusCode()).isEqualTo(302);
        assertThat(response.headers()).containsEntry("Referrer-Policy", "no-referrer").containsEntry("Cache-Control", "no-store");
        URI location = URI.create(response.headers().get("Location"));
        assertThat(location.getScheme() + "://" + location.getHost() + location.getPath()).isEqualTo(CONFIRM);
        var back = queryOf(location);
        assertThat(back).containsEntry("amazon_state", AMAZON_STATE).containsEntry("version", "beta").doesNotContainKey("redirect_uri");
        String state = back.get("state");
        assertThat(state).matches(STATE_FORMAT);

        assertThat(response.cookies()).hasSize(1);
        assertThat(response.cookies().get(0)).matches(
                "__Host-authkeeper_binding=[A-Za-z0-9_-]{43}; Max-Age=600; Path=/; Secure; HttpOnly; SameSite=Lax");
        String binding = BrowserCookies.bindingSet(response).orElseThrow();

        assertThat(calls.dynamoWrites()).containsExactly("DynamoDb.PutItem");
        var states = table.withPrefix("STATE#");
        assertThat(states).hasSize(1);
        var item = states.get(0);
        assertThat(item.get("pk").s()).isEqualTo("STATE#" + state.substring(0, 22));
        assertThat(item.toString()).doesNotContain(state.substring(23)).doesNotContain(binding);
        assertThat(item.get("bindingHash").s()).matches("[A-Za-z0-9_-]{43}");
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
    void anotherAppsLoginUriChecksItsOwnApplicationIdAndItsStateRemembersTheApp() {
        String draftConfirm = "https://sellercentral.amazon.com/apps/authorize/confirm/" + LocalAwsResource.DRAFT_APPLICATION_ID;

        var response = Lambda.get("/login/" + LocalAwsResource.DRAFT_APP, query(amazonLaunch(draftConfirm)), session("merchant-7"));

        assertThat(response.statusCode()).isEqualTo(302);
        assertThat(response.headers().get("Location")).startsWith(draftConfirm + "?");
        assertThat(table.withPrefix("STATE#")).singleElement().satisfies(item -> assertThat(item.get("app").s()).isEqualTo("draft"));
        // The default app's Login URI stores states of the default app.
        Lambda.get("/login", query(amazonLaunch(CONFIRM)), session("merchant-8"));
        assertThat(table.withPrefix("STATE#")).extracting(item -> item.get("app").s()).containsExactlyInAnyOrder("draft", "default");
    }

    @Test
    void aLoginUriRefusesAnotherAppsConfirmPage() {
        String draftConfirm = "https://sellercentral.amazon.com/apps/authorize/confirm/" + LocalAwsResource.DRAFT_APPLICATION_ID;

        var atDraft = Lambda.get("/login/" + LocalAwsResource.DRAFT_APP, query(amazonLaunch(CONFIRM)), session("merchant-7"));
        var atDefault = Lambda.get("/login", query(amazonLaunch(draftConfirm)), session("merchant-7"));

        assertThat(atDraft.statusCode()).isEqualTo(400);
        assertThat(atDraft.body()).contains("amazon_callback_uri").contains("of this app");
        assertThat(atDefault.statusCode()).isEqualTo(400);
        assertThat(table.withPrefix("STATE#")).isEmpty();
    }

    @Test
    void aLoginUriOfAnAppThatIsNotServedIsNotFound() {
        for (String path : List.of("/login/unknown-app", "/login/default", "/login/Draft", "/login/draft/more")) {
            var response = Lambda.get(path, query(amazonLaunch(CONFIRM)), session("merchant-7"));
            assertThat(response.statusCode()).as(path).isEqualTo(404);
        }
        assertThat(table.withPrefix("STATE#")).isEmpty();
    }

    @Test
    void aSellerNotSignedInComesBackToTheSameAppsLoginUri() {
        String draftConfirm = "https://sellercentral.amazon.com/apps/authorize/confirm/" + LocalAwsResource.DRAFT_APPLICATION_ID;

        var response = Lambda.get("/login/draft", query(amazonLaunch(draftConfirm)));

        assertThat(response.statusCode()).isEqualTo(302);
        String returnTo = queryOf(URI.create(response.headers().get("Location"))).get("return_to");
        assertThat(URI.create(returnTo).getPath()).isEqualTo("/login/draft");
    }

    @Test
    void aBrowserKeepsItsBindingAcrossFlows() {
        String binding = BrowserCookies.newBinding();
        var response = Lambda.get("/login", query(amazonLaunch(CONFIRM)), session("m-1"), BrowserCookies.binding(binding));
        assertThat(BrowserCookies.bindingSet(response)).contains(binding);

        var malformed = Lambda.get("/login", query(amazonLaunch(CONFIRM)), session("m-1"), BrowserCookies.binding("short"));
        assertThat(BrowserCookies.bindingSet(malformed)).get().isNotEqualTo("short");
    }

    @Test
    void twentyLaunchesInOneBrowserLeaveOneStateAndOnlyTheNewestWorks() {
        String binding = BrowserCookies.binding(BrowserCookies.newBinding());
        var issued = new ArrayList<String>();
        for (int i = 0; i < 20; i++) {
            var response = Lambda.get("/login", query(amazonLaunch(CONFIRM)), session("m-1"), binding);
            issued.add(queryOf(URI.create(response.headers().get("Location"))).get("state"));
        }

        assertThat(table.withPrefix("STATE#")).hasSize(1);
        assertThat(issued).doesNotHaveDuplicates();
        for (String old : issued.subList(0, 19)) {
            assertThat(states.consume(old, Instant.now())).isInstanceOf(OAuthStates.Consumed.Unknown.class);
        }
        assertThat(states.consume(issued.get(19), Instant.now())).isInstanceOf(OAuthStates.Consumed.Valid.class);
        assertThat(states.consume(issued.get(19), Instant.now())).isInstanceOf(OAuthStates.Consumed.Unknown.class);
    }

    @Test
    void otherBrowsersMerchantsAndAccountsGetStatesOfTheirOwn() {
        String binding = BrowserCookies.binding(BrowserCookies.newBinding());
        Lambda.get("/login", query(amazonLaunch(CONFIRM)), session("m-1"), binding);
        Lambda.get("/login", query(amazonLaunch(CONFIRM)), session("m-1"));
        Lambda.get("/login", query(amazonLaunch(CONFIRM)), session("m-2"), binding);
        Lambda.get("/login", replaced(amazonLaunch(CONFIRM), "selling_partner_id", "A9OTHERSELLER"), session("m-1"), binding);
        assertThat(table.withPrefix("STATE#")).hasSize(4);
    }

    @Test
    void aLowerCaseSellerIdIsTheSameSeller() {
        Lambda.get("/login", replaced(amazonLaunch(CONFIRM), "selling_partner_id", SELLER.toLowerCase()), session("m-1"));
        assertThat(table.withPrefix("STATE#").get(0).get("expectedAccountId").s()).isEqualTo(SELLER);
    }

    @Test
    void regionComesFromTheCallbackHost() {
        Lambda.get("/login", query(amazonLaunch("https://sellercentral-europe.amazon.com" + CONFIRM_PATH)), session("m-eu"));
        Lambda.get("/login", query(amazonLaunch("https://vendorcentral.amazon.co.jp" + CONFIRM_PATH)), session("m-fe"));
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
        assertThat(response.cookies()).isEmpty();
        assertThat(calls.dynamoWrites()).isEmpty();
        assertThat(table.items()).isEmpty();

        // Back from sign-in with a session: the same address now continues to Amazon.
        var again = Lambda.get("/login", URI.create(returnTo).getRawQuery(), session("merchant-7"));
        assertThat(URI.create(again.headers().get("Location")).getHost()).isEqualTo("sellercentral.amazon.com");
    }

    /** Host tricks with the right path (so the host is what fails), then path tricks on the right host. */
    static List<String> refusedCallbackUris() {
        String p = CONFIRM_PATH;
        String host = "https://sellercentral.amazon.com";
        return List.of(
                "http://sellercentral.amazon.com" + p,
                "https://user@sellercentral.amazon.com" + p,
                "https://sellercentral.amazon.com:8443" + p,
                "https://sellercentral.amazon.com\\@evil.example" + p,
                "https:\\\\evil.example" + p.replace('/', '\\'),
                "https://sellercentral.amazon.com%2eevil.example" + p,
                "https://sellercentral.amazon.com.evil.example" + p,
                "https://evilamazon.com" + p,
                "https://sellercentral-amazon.com" + p,
                "https://sellercentral.amaz\u043en.com" + p,
                "https://sellercentral.amazon\u3002com" + p,
                "https://xn--sellercentral-amzon-xyz.com" + p,
                "https://sellercentral.amazon.com." + p,
                "https://54.239.28.85" + p,
                host + p + "#@evil.example",
                host + p + "?next=https://evil.example",
                "//sellercentral.amazon.com" + p,
                "javascript:alert(1)//sellercentral.amazon.com" + p,
                p,
                host + "/apps/authorize/confirm/..",
                host + "/apps/authorize/confirm/.",
                host + p + "/..",
                host + p + "/.",
                host + p + "/../../../logout",
                host + "/apps/authorize/confirm/../confirm/" + APP,
                host + "/apps/authorize/./confirm/" + APP,
                host + "/apps/authorize/confirm/./" + APP,
                host + "/apps/authorize/confirm/%2e%2e/" + APP,
                host + "/apps/authorize/confirm/%2E/" + APP,
                host + p + "%2f..%2f..%2fevil",
                host + "/apps/authorize/confirm/..%2f..%2fevil",
                host + "/apps/authorize/confirm//" + APP,
                host + "//apps/authorize/confirm/" + APP,
                host + "/apps//authorize/confirm/" + APP,
                host + p + "/",
                host + p + "//",
                host + p + ";jsessionid=1",
                host + "/apps/authorize/confirm/amzn1.sp.solution.another-app",
                host + "/apps/authorize/confirm/" + APP.toUpperCase(),
                host + "/apps/authorize/confirm/" + APP + "x",
                host + "/apps/authorize/confirm/",
                host + "/apps/authorize/confirm",
                host + "/apps/authorize/consent",
                host + "/apps/authorize/confirmx/" + APP,
                host + "/");
    }

    @Test
    void aQueryWithCharactersAnAddressMustNotHoldStillLeadsToSignIn() {
        // API Gateway passes such characters through in rawQueryString; java.net.URI refuses them.
        String raw = query(amazonLaunch(CONFIRM)) + "&note=a|b{c}^`\"<x>\"";
        ApiGatewayResponse response;
        try (var logs = CapturedLogs.capture()) {
            response = Lambda.get("/login", raw);
            assertThat(logs.text()).doesNotContain("a|b{c}").doesNotContain("Illegal character").doesNotContain("Exception");
        }
        assertThat(response.statusCode()).isEqualTo(302);
        String returnTo = queryOf(URI.create(response.headers().get("Location"))).get("return_to");
        assertThat(queryOf(URI.create(returnTo))).containsEntry("note", "a|b{c}^`\"<x>\"")
                .containsEntry("amazon_callback_uri", CONFIRM);
    }

    static Stream<Arguments> refusedLaunches() {
        var cases = new ArrayList<Arguments>();
        for (String bad : refusedCallbackUris()) {
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
        assertThat(response.cookies()).isEmpty();
        assertThat(response.body()).contains("<h1>").doesNotContain("Exception").doesNotContain("at dev.authkeeper");
        assertThat(calls.dynamoWrites()).isEmpty();
        assertThat(table.items()).isEmpty();
    }
}
