package dev.authkeeper.local.shopify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;

import dev.authkeeper.local.shopify.SimulatedShopify.TokenPair;
import dev.authkeeper.local.simulator.Http;
import dev.authkeeper.local.simulator.Simulator.Fault;
import dev.authkeeper.testing.TestClock;

/** The simulated Shopify over real HTTP, checked against the protocol as an app sees it. */
class SimulatedShopifyTest {

    private static final String SHOP = SimulatedShopify.DEFAULT_SHOP;
    private static final String APP = "default";
    private static final URI APP_URL = URI.create("https://authkeeper.example/shopify/launch");
    private static final URI REDIRECT_URI = URI.create("https://authkeeper.example/shopify/callback");
    private static final String OFFLINE = "urn:shopify:params:oauth:token-type:offline-access-token";
    private static final String INVALID_TOKEN = "{\"errors\":\"[API] Invalid API key or access token (unrecognized login or wrong password)\"}";

    /** What the app's webhook endpoint received. */
    private record Received(Map<String, String> headers, String body) {}

    private static final List<Received> received = new CopyOnWriteArrayList<>();
    private static HttpServer receiver;
    private static SimulatedShopify shopify;
    private static String secret;
    private static final HttpClient http = HttpClient.newHttpClient();
    private static final ObjectMapper json = new ObjectMapper();

    private final TestClock clock = new TestClock();

    @BeforeAll
    static void start() throws IOException {
        // The app's webhook endpoint: answers 401 to a body whose HMAC does not verify, as Shopify requires.
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/webhooks", ex -> {
            byte[] body = ex.getRequestBody().readAllBytes();
            Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            ex.getRequestHeaders().forEach((name, values) -> headers.put(name, values.get(0)));
            received.add(new Received(headers, new String(body, StandardCharsets.UTF_8)));
            boolean genuine = MessageDigest.isEqual(Base64.getEncoder().encode(hmac(secret, body)),
                    String.valueOf(headers.get("X-Shopify-Hmac-Sha256")).getBytes(StandardCharsets.UTF_8));
            ex.sendResponseHeaders(genuine ? 200 : 401, -1);
            ex.close();
        });
        receiver.start();
        URI webhooks = URI.create("http://127.0.0.1:" + receiver.getAddress().getPort() + "/webhooks");
        shopify = SimulatedShopify.start(SimulatedShopify.Settings.of(APP_URL, REDIRECT_URI, webhooks));
        secret = shopify.settings().defaultApp().clientSecret();
    }

    @AfterAll
    static void stop() {
        shopify.close();
        receiver.stop(0);
    }

    @BeforeEach
    void reset() {
        shopify.reset();
        shopify.clock(clock);
        received.clear();
    }

    @Test
    void theAdminOpensTheAppWithASignedLaunch() throws Exception {
        HttpResponse<String> admin = get(shopify.shopBase(SHOP) + "/admin");
        assertEquals(200, admin.statusCode());
        String href = admin.body().replaceAll("(?s).*<a href=\"([^\"]*)\">Open/Install app</a>.*", "$1").replace("&amp;", "&");
        URI launch = URI.create(href);

        assertEquals(APP_URL.getPath(), launch.getPath());
        Map<String, String> q = Http.parameters(launch.getRawQuery());
        assertEquals(SHOP, q.get("shop"));
        assertEquals(SHOP + "/admin", new String(Base64.getDecoder().decode(q.get("host")), StandardCharsets.UTF_8));
        assertTrue(q.get("timestamp").matches("[0-9]{10}"));
        assertEquals(expectedHmac(q), q.get("hmac"));
    }

    @Test
    void approvalRedirectsWithASignedCallbackWhoseCodeWorksOnce() throws Exception {
        String authorize = shopify.shopBase(SHOP) + "/admin/oauth/authorize?" + form(Map.of("client_id", clientId(),
                "scope", "read_products", "redirect_uri", REDIRECT_URI.toString(), "state", "n0nce", "grant_options[]", ""));
        HttpResponse<String> consent = get(authorize);
        assertEquals(200, consent.statusCode());
        assertTrue(consent.body().contains("Approve"));

        HttpResponse<String> approved = post(SHOP, "/admin/oauth/authorize", "application/x-www-form-urlencoded", form(Map.of(
                "client_id", clientId(), "scope", "read_products", "redirect_uri", REDIRECT_URI.toString(), "state", "n0nce",
                "decision", "approve")));
        assertEquals(302, approved.statusCode());
        URI location = URI.create(approved.headers().firstValue("Location").orElseThrow());
        assertEquals(REDIRECT_URI.getPath(), location.getPath());
        Map<String, String> callback = Http.parameters(location.getRawQuery());
        assertEquals(List.of("code", "hmac", "host", "shop", "state", "timestamp"), List.copyOf(callback.keySet()));
        assertEquals("n0nce", callback.get("state"));
        assertEquals(SHOP, callback.get("shop"));
        assertEquals(expectedHmac(callback), callback.get("hmac"));

        HttpResponse<String> exchanged = tokenJson(Map.of("client_id", clientId(), "client_secret", secret,
                "code", callback.get("code"), "expiring", "1"));
        assertEquals(200, exchanged.statusCode());
        JsonNode tokens = json.readTree(exchanged.body());
        assertEquals("read_products", tokens.get("scope").asText());
        assertEquals(3600, tokens.get("expires_in").asInt());
        assertEquals(7776000, tokens.get("refresh_token_expires_in").asInt());
        assertEquals(200, graphql(SHOP, tokens.get("access_token").asText()).statusCode());

        HttpResponse<String> again = tokenJson(Map.of("client_id", clientId(), "client_secret", secret,
                "code", callback.get("code"), "expiring", "1"));
        assertEquals(400, again.statusCode());
        assertEquals(2, shopify.tokenCalls("authorization_code"));
    }

    @Test
    void authorizeRefusesAnUnknownClientOrAnUnregisteredRedirectAndDeclineRedirectsWithAnError() throws Exception {
        String base = shopify.shopBase(SHOP) + "/admin/oauth/authorize?";
        assertEquals(400, get(base + form(Map.of("client_id", "nobody", "scope", "read_products",
                "redirect_uri", REDIRECT_URI.toString(), "state", "s"))).statusCode());
        HttpResponse<String> elsewhere = get(base + form(Map.of("client_id", clientId(), "scope", "read_products",
                "redirect_uri", "https://attacker.example/callback", "state", "s")));
        assertEquals(400, elsewhere.statusCode());
        assertFalse(elsewhere.body().contains("attacker"), "the refusal echoes no value");

        HttpResponse<String> declined = post(SHOP, "/admin/oauth/authorize", "application/x-www-form-urlencoded", form(Map.of(
                "client_id", clientId(), "scope", "read_products", "redirect_uri", REDIRECT_URI.toString(), "state", "s",
                "decision", "decline")));
        Map<String, String> callback = Http.parameters(URI.create(declined.headers().firstValue("Location").orElseThrow()).getRawQuery());
        assertEquals("access_denied", callback.get("error"));
        assertFalse(callback.containsKey("code"));
        assertEquals(expectedHmac(callback), callback.get("hmac"));
    }

    @Test
    void withoutExpiringACodeBuysALegacyTokenAndAFormBodyIsAccepted() throws Exception {
        HttpResponse<String> response = post(SHOP, "/admin/oauth/access_token", "application/x-www-form-urlencoded",
                form(Map.of("client_id", clientId(), "client_secret", secret, "code", shopify.authorizationCode(APP, SHOP))));

        assertEquals(200, response.statusCode());
        JsonNode body = json.readTree(response.body());
        assertEquals(List.of("access_token", "scope"), fieldNames(body));
        assertEquals(200, graphql(SHOP, body.get("access_token").asText()).statusCode());
    }

    @Test
    void aWrongClientSecretIsInvalidClient() throws Exception {
        HttpResponse<String> response = tokenJson(Map.of("client_id", clientId(), "client_secret", "wrong",
                "code", shopify.authorizationCode(APP, SHOP), "expiring", "1"));

        assertEquals(401, response.statusCode());
        assertEquals("invalid_client", json.readTree(response.body()).get("error").asText());
    }

    @Test
    void aRefreshRotatesAndTheOldRefreshTokenWorksUntilTheNewOneIsUsed() throws Exception {
        TokenPair first = shopify.issueExpiringPair(APP, SHOP);
        TokenPair second = refreshOk(first.refreshToken());
        assertNotEquals(first.refreshToken(), second.refreshToken());
        assertEquals(401, graphql(SHOP, first.accessToken()).statusCode());
        assertEquals(2, shopify.liveRefreshTokenCount(APP, SHOP));

        TokenPair retried = refreshOk(first.refreshToken());
        assertEquals(400, refresh(second.refreshToken()).statusCode(), "the unseen replacement is superseded by the retry");

        TokenPair third = refreshOk(retried.refreshToken());
        HttpResponse<String> retired = refresh(first.refreshToken());
        assertEquals(400, retired.statusCode());
        assertEquals("invalid_grant", json.readTree(retired.body()).get("error").asText());
        assertEquals(200, graphql(SHOP, third.accessToken()).statusCode());
        assertEquals(5, shopify.tokenCalls("refresh_token"));
    }

    @Test
    void aUsedRefreshTokenWorksAtMostThirtyDaysAfterItsFirstUseAndNeverPastItsNinetyDays() throws Exception {
        TokenPair first = shopify.issueExpiringPair(APP, SHOP);
        refreshOk(first.refreshToken());
        clock.advance(Duration.ofDays(31));
        assertEquals(400, refresh(first.refreshToken()).statusCode());

        TokenPair late = shopify.issueExpiringPair(APP, SHOP);
        clock.advance(Duration.ofDays(89));
        TokenPair next = refreshOk(late.refreshToken());
        clock.advance(Duration.ofDays(2));
        assertEquals(400, refresh(late.refreshToken()).statusCode());
        assertEquals(200, refresh(next.refreshToken()).statusCode(), "the window slides with each rotation");
    }

    @Test
    void anIdleRefreshTokenDiesAfterNinetyDays() throws Exception {
        TokenPair pair = shopify.issueExpiringPair(APP, SHOP);
        clock.advance(Duration.ofDays(90));

        assertEquals(400, refresh(pair.refreshToken()).statusCode());
        assertEquals(0, shopify.liveRefreshTokenCount(APP, SHOP));
    }

    @Test
    void aLostAnswerIsRecoveredByRetryingTheOldRefreshToken() throws Exception {
        TokenPair first = shopify.issueExpiringPair(APP, SHOP);
        shopify.failNext(1, new Fault.Lost());
        assertThrows(IOException.class, () -> refresh(first.refreshToken()));
        assertEquals(401, graphql(SHOP, first.accessToken()).statusCode(), "the rotation happened");

        shopify.failNext(1, new Fault.Lost(520));
        HttpResponse<String> lost = refresh(first.refreshToken());
        assertEquals(520, lost.statusCode());
        assertEquals("error code: 520", lost.body());

        TokenPair recovered = refreshOk(first.refreshToken());
        assertEquals(200, graphql(SHOP, recovered.accessToken()).statusCode());
    }

    @Test
    void anInjectedFailureRotatesNothing() throws Exception {
        TokenPair pair = shopify.issueExpiringPair(APP, SHOP);
        shopify.failNext(1, new Fault.Status(520));

        assertEquals(520, refresh(pair.refreshToken()).statusCode());
        assertEquals(200, graphql(SHOP, pair.accessToken()).statusCode());
        assertEquals(1, shopify.liveRefreshTokenCount(APP, SHOP));
    }

    @Test
    void migrationRetiresTheLegacyTokenAndRepeatsTheSamePairForSevenDays() throws Exception {
        String legacy = shopify.issueLegacyToken(APP, SHOP);
        assertEquals(200, graphql(SHOP, legacy).statusCode());

        JsonNode pair = json.readTree(migrate(legacy).body());
        assertEquals(3600, pair.get("expires_in").asInt());
        assertEquals(401, graphql(SHOP, legacy).statusCode());
        assertEquals(200, graphql(SHOP, pair.get("access_token").asText()).statusCode());

        clock.advance(Duration.ofDays(6));
        JsonNode repeated = json.readTree(migrate(legacy).body());
        assertEquals(pair.get("access_token"), repeated.get("access_token"));
        assertEquals(pair.get("refresh_token"), repeated.get("refresh_token"));

        clock.advance(Duration.ofDays(2));
        HttpResponse<String> tooLate = migrate(legacy);
        assertEquals(400, tooLate.statusCode());
        assertEquals("invalid_subject_token", json.readTree(tooLate.body()).get("error").asText());
        assertEquals("invalid_subject_token", json.readTree(migrate("shpat_unknown").body()).get("error").asText());
    }

    @Test
    void graphqlAnswersTheShopAndRefusesLegacyTokensFrom2027() throws Exception {
        TokenPair pair = shopify.issueExpiringPair(APP, SHOP);
        String legacy = shopify.issueLegacyToken("default", "other-store.myshopify.com");

        JsonNode shop = json.readTree(graphql(SHOP, pair.accessToken()).body()).at("/data/shop");
        assertEquals("gid://shopify/Shop/" + shopify.shopId(SHOP), shop.get("id").asText());
        assertEquals(SHOP, shop.get("myshopifyDomain").asText());
        assertEquals(INVALID_TOKEN, graphql(SHOP, "shpat_nobody").body());
        assertEquals(401, graphql(SHOP, legacy).statusCode(), "a token works on its own shop only");

        clock.advance(Duration.between(Instant.now(), SimulatedShopify.LEGACY_CUTOFF));
        HttpResponse<String> refused = graphql("other-store.myshopify.com", legacy);
        assertEquals(403, refused.statusCode());
        assertTrue(refused.body().contains("Non-expiring access tokens are no longer accepted"));
        assertEquals(4, shopify.graphqlCalls());
    }

    @Test
    void uninstallRevokesEverythingAndDeliversASignedShop() throws Exception {
        TokenPair pair = shopify.issueExpiringPair(APP, SHOP);

        SimulatedShopify.Delivery delivery = shopify.uninstall(SHOP);

        assertEquals(200, delivery.status(), "the endpoint verified the HMAC with the client secret");
        assertEquals(401, graphql(SHOP, pair.accessToken()).statusCode());
        assertEquals(400, refresh(pair.refreshToken()).statusCode());
        Received got = received.get(0);
        assertEquals("app/uninstalled", got.headers().get("X-Shopify-Topic"));
        assertEquals(SHOP, got.headers().get("X-Shopify-Shop-Domain"));
        for (String header : List.of("X-Shopify-Webhook-Id", "X-Shopify-Event-Id", "X-Shopify-API-Version", "X-Shopify-Triggered-At")) {
            assertTrue(got.headers().containsKey(header), header);
        }
        JsonNode body = json.readTree(got.body());
        assertEquals(shopify.shopId(SHOP), body.get("id").asLong());
        assertEquals(SHOP, body.get("myshopify_domain").asText());

        SimulatedShopify.Delivery resent = shopify.resend(delivery.webhookId());
        assertEquals(200, resent.status());
        assertEquals(got.headers().get("X-Shopify-Webhook-Id"), received.get(1).headers().get("X-Shopify-Webhook-Id"));
        assertEquals(got.body(), received.get(1).body());
    }

    @Test
    void aForgedDeliveryFailsVerification() {
        TokenPair pair = shopify.issueExpiringPair(APP, SHOP);

        SimulatedShopify.Delivery forged = shopify.forgedUninstall(APP, SHOP);

        assertTrue(forged.forged());
        assertEquals(401, forged.status());
        assertEquals(List.of(forged), shopify.deliveries());
        assertEquals(1, shopify.liveRefreshTokenCount(APP, SHOP), "a forged delivery changes nothing at Shopify");
        assertEquals(pair, shopify.currentPair(APP, SHOP).orElseThrow());
    }

    @Test
    void complianceWebhooksCarryTheShopAndTheCustomer() throws Exception {
        var customer = new SimulatedShopify.Customer(7001, "c@example.com", "+15550100");
        shopify.customersRedact(APP, SHOP, customer, List.of(11L, 12L));
        shopify.customersDataRequest(APP, SHOP, customer, List.of(13L));
        shopify.shopRedact(APP, SHOP);

        JsonNode redact = json.readTree(received.get(0).body());
        assertEquals(shopify.shopId(SHOP), redact.get("shop_id").asLong());
        assertEquals(SHOP, redact.get("shop_domain").asText());
        assertEquals(7001, redact.at("/customer/id").asLong());
        assertEquals(2, redact.get("orders_to_redact").size());
        JsonNode request = json.readTree(received.get(1).body());
        assertEquals(13, request.at("/orders_requested/0").asLong());
        assertTrue(request.at("/data_request/id").isNumber());
        assertEquals(List.of("customers/redact", "customers/data_request", "shop/redact"),
                received.stream().map(r -> r.headers().get("X-Shopify-Topic")).toList());
        assertTrue(shopify.deliveries().stream().allMatch(d -> d.status() == 200));
    }

    @Test
    void onlyOneExpiringTokenLivesPerAppAndShop() throws Exception {
        TokenPair ours = shopify.issueExpiringPair(APP, SHOP);
        HttpResponse<String> again = tokenJson(Map.of("client_id", clientId(), "client_secret", secret,
                "code", shopify.authorizationCode(APP, SHOP), "expiring", "1"));
        assertEquals(200, again.statusCode());
        assertEquals(401, graphql(SHOP, ours.accessToken()).statusCode());
        assertEquals(400, refresh(ours.refreshToken()).statusCode());
        assertEquals(1, shopify.liveRefreshTokenCount(APP, SHOP));

        TokenPair mine = shopify.currentPair(APP, SHOP).orElseThrow();
        shopify.reinstallElsewhere(SHOP);
        assertEquals(401, graphql(SHOP, mine.accessToken()).statusCode());
        assertEquals(1, shopify.liveRefreshTokenCount(APP, SHOP), "somebody else holds the live one");
        assertTrue(shopify.deliveries().isEmpty());

        shopify.revoke(SHOP);
        assertEquals(0, shopify.liveRefreshTokenCount(APP, SHOP));
    }

    @Test
    void theAdminButtonsUninstallAndOnlineTokensAreRefused() throws Exception {
        shopify.issueExpiringPair(APP, SHOP);

        HttpResponse<String> uninstalled = post(SHOP, "/admin/simulator/uninstall", "application/x-www-form-urlencoded", "app=" + APP);

        assertEquals(303, uninstalled.statusCode());
        assertEquals(0, shopify.liveRefreshTokenCount(APP, SHOP));
        assertEquals("app/uninstalled", shopify.deliveries().get(0).topic());
        assertEquals(400, get(shopify.shopBase(SHOP) + "/admin/oauth/authorize?" + form(Map.of("client_id", clientId(),
                "scope", "read_products", "redirect_uri", REDIRECT_URI.toString(), "state", "s", "grant_options[]", "per-user")))
                .statusCode());
    }

    @Test
    void aPathThatIsNotAShopIsRefused() throws Exception {
        assertEquals(400, get(shopify.baseUri() + "/not-a-shop/admin").statusCode());
        assertEquals(404, get(shopify.shopBase(SHOP) + "/admin/nothing").statusCode());
    }

    // ---- helpers ----

    private static String clientId() {
        return shopify.settings().defaultApp().clientId();
    }

    /** The query HMAC computed independently: hex HMAC-SHA256 of the sorted name=value pairs other than hmac. */
    private static String expectedHmac(Map<String, String> query) {
        String message = new TreeMap<>(query).entrySet().stream().filter(e -> !e.getKey().equals("hmac"))
                .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining("&"));
        return HexFormat.of().formatHex(hmac(secret, message.getBytes(StandardCharsets.UTF_8)));
    }

    private static byte[] hmac(String key, byte[] message) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return mac.doFinal(message);
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private TokenPair refreshOk(String refreshToken) throws Exception {
        HttpResponse<String> response = refresh(refreshToken);
        assertEquals(200, response.statusCode());
        JsonNode body = json.readTree(response.body());
        assertEquals(7776000, body.get("refresh_token_expires_in").asInt());
        return new TokenPair(body.get("access_token").asText(), body.get("refresh_token").asText());
    }

    private HttpResponse<String> refresh(String refreshToken) throws Exception {
        return tokenJson(Map.of("client_id", clientId(), "client_secret", secret, "grant_type", "refresh_token",
                "refresh_token", refreshToken));
    }

    private HttpResponse<String> migrate(String legacy) throws Exception {
        return tokenJson(Map.of("client_id", clientId(), "client_secret", secret,
                "grant_type", "urn:ietf:params:oauth:grant-type:token-exchange", "subject_token", legacy,
                "subject_token_type", OFFLINE, "requested_token_type", OFFLINE, "expiring", "1"));
    }

    private HttpResponse<String> tokenJson(Map<String, String> body) throws Exception {
        return post(SHOP, "/admin/oauth/access_token", "application/json", json.writeValueAsString(body));
    }

    private HttpResponse<String> graphql(String shop, String accessToken) throws Exception {
        return http.send(request(URI.create(shopify.shopBase(shop) + "/admin/api/2026-10/graphql.json"))
                .header("Content-Type", "application/json").header("X-Shopify-Access-Token", accessToken)
                .POST(HttpRequest.BodyPublishers.ofString("{\"query\":\"{ shop { id myshopifyDomain } }\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String shop, String path, String contentType, String body) throws Exception {
        return http.send(request(URI.create(shopify.shopBase(shop) + path)).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> get(String uri) throws Exception {
        return http.send(request(URI.create(uri)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A request that gives up rather than hang the build if the simulator never answers. */
    private static HttpRequest.Builder request(URI uri) {
        return HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30));
    }

    private static String form(Map<String, String> parameters) {
        return parameters.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new java.util.ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
