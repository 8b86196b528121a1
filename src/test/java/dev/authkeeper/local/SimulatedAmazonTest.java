package dev.authkeeper.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.authkeeper.local.simulator.Http;
import dev.authkeeper.testing.TestClock;

class SimulatedAmazonTest {

    private static final URI LOGIN_URI = URI.create("https://authkeeper.example/login?tenant=a%20b");
    private static final URI REDIRECT_URI = URI.create("https://authkeeper.example/callback");
    private static final SimulatedAmazon.App BETA = new SimulatedAmazon.App("beta", "amzn1.sp.solution.beta",
            "amzn1.application-oa2-client.beta", "beta-client-secret", URI.create("https://authkeeper.example/login/beta"),
            URI.create("https://authkeeper.example/callback/beta"), true);
    private static final SimulatedAmazon.Settings SETTINGS = SimulatedAmazon.Settings.of(LOGIN_URI, REDIRECT_URI).withApp(BETA);
    private static final String ROTATION_SCOPE = "sellingpartnerapi::client_credential:rotation";
    private static final String INVALID_CODE =
            "{\"error_description\":\"The request has an invalid grant parameter : code\",\"error\":\"invalid_grant\"}";
    private static final String INVALID_REFRESH_TOKEN =
            "{\"error_description\":\"The request has an invalid grant parameter : refresh_token\",\"error\":\"invalid_grant\"}";
    private static final String INVALID_CLIENT =
            "{\"error_description\":\"Client authentication failed\",\"error\":\"invalid_client\"}";

    private static SimulatedAmazon amazon;
    // Default settings, as production code would use it: HTTP/2 preferred, redirects not followed.
    private static final HttpClient http = HttpClient.newHttpClient();
    private static final ObjectMapper json = new ObjectMapper();

    @BeforeAll
    static void start() {
        amazon = SimulatedAmazon.start(SETTINGS);
    }

    @AfterAll
    static void stop() {
        amazon.close();
    }

    private final TestClock clock = new TestClock();
    private final List<String> notifications = new CopyOnWriteArrayList<>();

    @BeforeEach
    void reset() {
        amazon.reset();
        amazon.clock(clock);
        amazon.notifications(notifications::add);
    }

    @Test
    void exchangesACodeSentAsAForm() throws Exception {
        String code = amazon.authorizationCode("A1SELLER");

        HttpResponse<String> response = token(codeGrant(code));

        assertEquals(200, response.statusCode());
        assertEquals("application/json;charset=UTF-8", response.headers().firstValue("Content-Type").orElseThrow());
        JsonNode body = json.readTree(response.body());
        assertTrue(body.get("access_token").asText().startsWith("Atza|"));
        assertTrue(body.get("refresh_token").asText().startsWith("Atzr|"));
        assertEquals("bearer", body.get("token_type").asText());
        assertEquals(3600, body.get("expires_in").asInt());
        assertEquals(Optional.of(body.get("refresh_token").asText()), amazon.refreshTokenOf("A1SELLER"));
        assertEquals(1, amazon.codesExchanged());
        assertEquals(1, amazon.tokenCalls("authorization_code"));
    }

    @Test
    void exchangesACodeSentAsJson() throws Exception {
        String code = amazon.authorizationCode("A1SELLER");

        HttpResponse<String> response = http.send(HttpRequest.newBuilder(tokenUri())
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json.writeValueAsString(codeGrant(code))))
                .build(), HttpResponse.BodyHandlers.ofString());

        assertEquals(200, response.statusCode());
        assertEquals(amazon.refreshTokenOf("A1SELLER").orElseThrow(),
                json.readTree(response.body()).get("refresh_token").asText());
    }

    @Test
    void aCodeWorksOnce() throws Exception {
        String code = amazon.authorizationCode("A1SELLER");
        assertEquals(200, token(codeGrant(code)).statusCode());

        HttpResponse<String> again = token(codeGrant(code));

        assertEquals(400, again.statusCode());
        assertEquals(INVALID_CODE, again.body());
        assertEquals(1, amazon.codesExchanged());
    }

    @Test
    void aCodeIsBoundToTheRegisteredRedirectUri() throws Exception {
        Map<String, String> grant = codeGrant(amazon.authorizationCode("A1SELLER"));
        grant.put("redirect_uri", "https://attacker.example/callback");

        HttpResponse<String> response = token(grant);

        assertEquals(400, response.statusCode());
        assertEquals(INVALID_CODE, response.body());
    }

    @Test
    void refusesAWrongOrExpiredClientSecret() throws Exception {
        Map<String, String> grant = codeGrant(amazon.authorizationCode("A1SELLER"));
        grant.put("client_secret", "wrong");
        HttpResponse<String> wrong = token(grant);
        assertEquals(401, wrong.statusCode());
        assertEquals(INVALID_CLIENT, wrong.body());

        amazon.expireClientSecret(true);
        HttpResponse<String> expired = token(codeGrant(amazon.authorizationCode("A1SELLER")));
        assertEquals(401, expired.statusCode());
        assertEquals(INVALID_CLIENT, expired.body());
    }

    @Test
    void refreshesWithTheSameRefreshToken() throws Exception {
        String refreshToken = authorize("A1SELLER");

        HttpResponse<String> response = token(refreshGrant(refreshToken));

        assertEquals(200, response.statusCode());
        JsonNode body = json.readTree(response.body());
        assertEquals(refreshToken, body.get("refresh_token").asText());
        assertTrue(body.get("access_token").asText().startsWith("Atza|"));
        assertEquals(1, amazon.tokenCalls("refresh_token"));
    }

    @Test
    void countsRefreshGrantsPerSellerAnsweredOrRefused() throws Exception {
        String first = authorize("A1SELLER");
        String other = authorize("A2SELLER");
        token(refreshGrant(first));
        token(refreshGrant(other));
        amazon.revoke("A1SELLER");
        assertEquals(400, token(refreshGrant(first)).statusCode());
        token(refreshGrant("Atzr|unknown"));

        assertEquals(2, amazon.refreshGrants("A1SELLER"));
        assertEquals(1, amazon.refreshGrants("A2SELLER"));
        assertEquals(0, amazon.refreshGrants("A3SELLER"));
        JsonNode all = json.readTree(get(amazon.baseUri().resolve("/simulator/refresh-grants")).body());
        assertEquals(2, all.get("A1SELLER").asInt());
        assertEquals(1, all.get("A2SELLER").asInt());
        assertEquals(2, all.size());
    }

    @Test
    void aRevokedAuthorizationIsAnInvalidGrant() throws Exception {
        String refreshToken = authorize("A1SELLER");

        HttpResponse<String> revoke = post("/simulator/revoke", Map.of("selling_partner_id", "A1SELLER"));
        assertEquals(303, revoke.statusCode());
        assertEquals("/", revoke.headers().firstValue("Location").orElseThrow());

        HttpResponse<String> response = token(refreshGrant(refreshToken));
        assertEquals(400, response.statusCode());
        assertEquals(INVALID_REFRESH_TOKEN, response.body());
        assertEquals(Optional.empty(), amazon.refreshTokenOf("A1SELLER"));
    }

    @Test
    void aNewAuthorizationSupersedesTheOldOne() throws Exception {
        String first = authorize("A1SELLER");
        String second = authorize("A1SELLER");

        assertEquals(INVALID_REFRESH_TOKEN, token(refreshGrant(first)).body());
        assertEquals(200, token(refreshGrant(second)).statusCode());
    }

    @Test
    void rotationReplacesTheRefreshToken() throws Exception {
        String old = authorize("A1SELLER");
        amazon.rotateRefreshTokens(true);

        String rotated = json.readTree(token(refreshGrant(old)).body()).get("refresh_token").asText();

        assertNotEquals(old, rotated);
        assertEquals(INVALID_REFRESH_TOKEN, token(refreshGrant(old)).body());
        assertEquals(Optional.of(rotated), amazon.refreshTokenOf("A1SELLER"));
        HttpResponse<String> next = token(refreshGrant(rotated));
        assertEquals(200, next.statusCode());
        assertNotEquals(rotated, json.readTree(next.body()).get("refresh_token").asText(), "rotates on every refresh");
    }

    @Test
    void injectedFaultsComeFirstAndInOrder() throws Exception {
        String refreshToken = authorize("A1SELLER");
        amazon.failNext(1, new SimulatedAmazon.Fault.Status(429, Optional.of(Duration.ofSeconds(2))));
        amazon.failNext(1, new SimulatedAmazon.Fault.Status(503));

        HttpResponse<String> throttled = token(refreshGrant(refreshToken));
        assertEquals(429, throttled.statusCode());
        assertEquals("2", throttled.headers().firstValue("Retry-After").orElseThrow());
        assertEquals("too_many_requests", json.readTree(throttled.body()).get("error").asText());

        HttpResponse<String> unavailable = token(refreshGrant(refreshToken));
        assertEquals(503, unavailable.statusCode());
        assertFalse(unavailable.headers().firstValue("Retry-After").isPresent());

        assertEquals(200, token(refreshGrant(refreshToken)).statusCode());
        assertEquals(4, amazon.tokenCalls());
    }

    @Test
    void aHangOutlastsTheClientTimeout() throws Exception {
        String refreshToken = authorize("A1SELLER");
        amazon.failNext(1, new SimulatedAmazon.Fault.Hang(Duration.ofSeconds(2)));

        HttpRequest request = formRequest(tokenUri(), refreshGrant(refreshToken))
                .timeout(Duration.ofMillis(300)).build();
        assertThrows(HttpTimeoutException.class, () -> http.send(request, HttpResponse.BodyHandlers.ofString()));

        assertEquals(200, token(refreshGrant(refreshToken)).statusCode());
    }

    @Test
    void anAnswerFaultIsSentAsGivenWhateverTheRequest() throws Exception {
        String refreshToken = authorize("A1SELLER");
        amazon.failNext(1, new SimulatedAmazon.Fault.Answer(200, "text/html", "<html><body>Proxy</body></html>"));
        amazon.failNext(1, new SimulatedAmazon.Fault.Answer(400, "application/json", "{\"error\":\"weird_new_code\"}"));

        HttpResponse<String> page = token(refreshGrant(refreshToken));
        HttpResponse<String> weird = token(Map.of("grant_type", "refresh_token"));

        assertEquals(200, page.statusCode());
        assertEquals("text/html", page.headers().firstValue("Content-Type").orElseThrow());
        assertEquals("<html><body>Proxy</body></html>", page.body());
        assertEquals(400, weird.statusCode());
        assertEquals("{\"error\":\"weird_new_code\"}", weird.body());
        assertEquals(200, token(refreshGrant(refreshToken)).statusCode());
        assertThrows(IllegalArgumentException.class, () -> new SimulatedAmazon.Fault.Answer(102, "text/plain", ""));
    }

    @Test
    void aTrickleSendsTheHeadersAtOnceAndThenTheWholeAnswerBitByBit() throws Exception {
        String refreshToken = authorize("A1SELLER");
        amazon.failNext(1, new SimulatedAmazon.Fault.Trickle(Duration.ofMillis(5), 16));

        HttpResponse<String> response = token(refreshGrant(refreshToken));

        assertEquals(200, response.statusCode());
        assertEquals(refreshToken, json.readTree(response.body()).get("refresh_token").asText());
        assertEquals(0, amazon.tricklesCut());
    }

    @Test
    void aTrickleEndsWhenTheClientHangsUp() throws Exception {
        String refreshToken = authorize("A1SELLER");
        amazon.failNext(1, new SimulatedAmazon.Fault.Trickle(Duration.ofMillis(50), 1));

        HttpResponse<java.io.InputStream> response = http.send(formRequest(tokenUri(), refreshGrant(refreshToken)).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, response.statusCode());
        try (java.io.InputStream body = response.body()) {
            assertEquals('{', body.read());
        }

        long giveUp = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (amazon.tricklesCut() == 0 && System.nanoTime() < giveUp) {
            Thread.sleep(20);
        }
        assertEquals(1, amazon.tricklesCut());
    }

    @Test
    void anOutageAnswers500() throws Exception {
        String refreshToken = authorize("A1SELLER");
        assertEquals(303, post("/simulator/outage", Map.of("on", "true")).statusCode());

        HttpResponse<String> response = token(refreshGrant(refreshToken));

        assertEquals(500, response.statusCode());
        assertEquals("{\"error_description\":\"Internal server error\",\"error\":\"server_error\"}", response.body());
        assertEquals(303, post("/simulator/outage", Map.of("on", "false")).statusCode());
        assertEquals(200, token(refreshGrant(refreshToken)).statusCode());
    }

    @Test
    void aRotationIssuesANewSecretSendsAmazonsNotificationAndKeepsTheOldSecretForSevenDays() throws Exception {
        String refreshToken = authorize("A1SELLER");
        String old = SETTINGS.clientSecret();

        HttpResponse<String> rotated = rotate(grantlessToken(clientCredentials()));

        assertEquals(204, rotated.statusCode());
        assertEquals("", rotated.body());
        String fresh = amazon.clientSecret("default");
        assertNotEquals(old, fresh);
        assertEquals(1, notifications.size());
        JsonNode notification = json.readTree(notifications.get(0));
        assertEquals("1.0", notification.get("notificationVersion").asText());
        assertEquals("APPLICATION_OAUTH_CLIENT_NEW_SECRET", notification.get("notificationType").asText());
        assertEquals("2023-11-30", notification.get("payloadVersion").asText());
        java.time.Instant issued = java.time.Instant.parse(notification.get("eventTime").asText());
        JsonNode payload = notification.get("payload").get("applicationOAuthClientNewSecret");
        assertEquals(SETTINGS.clientId(), payload.get("clientId").asText());
        assertEquals(fresh, payload.get("newClientSecret").asText());
        assertEquals(issued.plus(Duration.ofDays(180)), java.time.Instant.parse(payload.get("newClientSecretExpiryTime").asText()));
        assertEquals(issued.plus(Duration.ofDays(7)), java.time.Instant.parse(payload.get("oldClientSecretExpiryTime").asText()));
        JsonNode metadata = notification.get("notificationMetadata");
        assertEquals(SETTINGS.applicationId(), metadata.get("applicationId").asText());
        assertFalse(metadata.get("notificationId").asText().isBlank());
        assertFalse(metadata.get("subscriptionId").asText().isBlank());

        // Both secrets work for seven days; then only the new one.
        assertEquals(200, token(refreshGrant(refreshToken)).statusCode());
        assertEquals(200, token(withSecret(refreshGrant(refreshToken), fresh)).statusCode());
        clock.advance(Duration.ofDays(7).plusSeconds(1));
        HttpResponse<String> expired = token(refreshGrant(refreshToken));
        assertEquals(401, expired.statusCode());
        assertEquals(INVALID_CLIENT, expired.body());
        assertEquals(200, token(withSecret(refreshGrant(refreshToken), fresh)).statusCode());
    }

    @Test
    void theRotateCallNeedsAGrantlessTokenOfTheRotationScopeAnEnrolledAppAndAMinuteBetweenCalls() throws Exception {
        HttpResponse<String> noToken = rotate("Atc|not-issued");
        assertEquals(403, noToken.statusCode());
        assertEquals("Unauthorized", json.readTree(noToken.body()).get("errors").get(0).get("code").asText());

        Map<String, String> withoutScope = clientCredentials();
        withoutScope.put("grant_type", "client_credentials");
        HttpResponse<String> scopeless = token(withoutScope);
        assertEquals(400, scopeless.statusCode());
        assertEquals("invalid_scope", json.readTree(scopeless.body()).get("error").asText());

        Map<String, String> grantless = clientCredentials();
        grantless.put("grant_type", "client_credentials");
        grantless.put("scope", ROTATION_SCOPE);
        JsonNode granted = json.readTree(token(grantless).body());
        assertFalse(granted.has("refresh_token"));
        assertEquals(3600, granted.get("expires_in").asInt());

        assertEquals(204, rotate(granted.get("access_token").asText()).statusCode());
        HttpResponse<String> tooSoon = rotate(granted.get("access_token").asText());
        assertEquals(429, tooSoon.statusCode());
        clock.advance(Duration.ofSeconds(61));
        amazon.notEnrolled();
        HttpResponse<String> notEnrolled = rotate(grantlessToken(clientCredentials()));
        assertEquals(400, notEnrolled.statusCode());
        JsonNode error = json.readTree(notEnrolled.body()).get("errors").get(0);
        assertEquals("InvalidInput", error.get("code").asText());
        assertTrue(error.get("message").asText().contains("not enrolled for rotation notification"));
        assertEquals(1, notifications.size());
    }

    @Test
    void eachAppHasItsOwnCredentialsCodesAndTokens() throws Exception {
        Map<String, String> beta = Map.of("client_id", BETA.clientId(), "client_secret", BETA.clientSecret());
        String betaCode = amazon.authorizationCode("beta", "A1SELLER");
        Map<String, String> betaCodeWithDefaultClient = codeGrant(betaCode);
        betaCodeWithDefaultClient.put("redirect_uri", BETA.redirectUri().toString());
        assertEquals(INVALID_CODE, token(betaCodeWithDefaultClient).body());

        Map<String, String> betaExchange = new LinkedHashMap<>(betaCodeWithDefaultClient);
        betaExchange.putAll(beta);
        HttpResponse<String> exchanged = token(betaExchange);
        assertEquals(200, exchanged.statusCode());
        String betaToken = json.readTree(exchanged.body()).get("refresh_token").asText();
        assertEquals(INVALID_REFRESH_TOKEN, token(refreshGrant(betaToken)).body());
        Map<String, String> betaRefresh = refreshGrant(betaToken);
        betaRefresh.putAll(beta);
        assertEquals(200, token(betaRefresh).statusCode());

        amazon.expireClientSecret("beta", true);
        assertEquals(INVALID_CLIENT, token(betaRefresh).body());
        assertEquals(200, token(refreshGrant(authorize("A1OTHER"))).statusCode());
    }

    @Test
    void anAppRegisteredWhileRunningHasItsOwnCredentialsAndAPreviousSecretCanBeExpiredAtOnce() throws Exception {
        var gamma = new SimulatedAmazon.App("gamma-" + System.nanoTime(), "amzn1.sp.solution.gamma" + System.nanoTime(),
                "amzn1.application-oa2-client.gamma" + System.nanoTime(), "gamma-secret", URI.create("https://authkeeper.example/login/gamma"),
                URI.create("https://authkeeper.example/callback/gamma"), false);
        amazon.register(gamma);
        Map<String, String> credentials = new LinkedHashMap<>(Map.of("client_id", gamma.clientId(), "client_secret", "gamma-secret"));
        assertEquals(200, token(new LinkedHashMap<>(Map.of("grant_type", "client_credentials", "scope", ROTATION_SCOPE,
                "client_id", gamma.clientId(), "client_secret", "gamma-secret"))).statusCode());

        amazon.rotateClientSecret(gamma.name());
        Map<String, String> old = new LinkedHashMap<>(credentials);
        old.put("grant_type", "client_credentials");
        old.put("scope", ROTATION_SCOPE);
        assertEquals(200, token(new LinkedHashMap<>(old)).statusCode());
        amazon.expirePreviousClientSecret(gamma.name());
        assertEquals(INVALID_CLIENT, token(new LinkedHashMap<>(old)).body());
        old.put("client_secret", amazon.clientSecret(gamma.name()));
        assertEquals(200, token(old).statusCode());
    }

    @Test
    void anExpiryNoticeHasAmazonsPayload() throws Exception {
        java.time.Instant expires = java.time.Instant.parse("2031-03-03T22:06:39.224Z");

        amazon.sendExpiryNotice("beta", expires);

        JsonNode notification = json.readTree(notifications.get(0));
        assertEquals("APPLICATION_OAUTH_CLIENT_SECRET_EXPIRY", notification.get("notificationType").asText());
        JsonNode payload = notification.get("payload").get("applicationOAuthClientSecretExpiry");
        assertEquals(BETA.clientId(), payload.get("clientId").asText());
        assertEquals(expires.toString(), payload.get("clientSecretExpiryTime").asText());
        assertEquals("PERIODIC_ROTATION", payload.get("clientSecretExpiryReason").asText());
        assertEquals(BETA.applicationId(), notification.get("notificationMetadata").get("applicationId").asText());
    }

    @Test
    void refusesOtherGrantTypesAndMissingParameters() throws Exception {
        Map<String, String> other = clientCredentials();
        other.put("grant_type", "password");
        HttpResponse<String> unsupported = token(other);
        assertEquals(400, unsupported.statusCode());
        assertEquals("{\"error_description\":\"The authorization grant type is not supported by the authorization server\","
                + "\"error\":\"unsupported_grant_type\"}", unsupported.body());

        Map<String, String> noCode = codeGrant("x");
        noCode.remove("code");
        HttpResponse<String> missing = token(noCode);
        assertEquals(400, missing.statusCode());
        assertEquals("invalid_request", json.readTree(missing.body()).get("error").asText());
    }

    @Test
    void consentApprovalRedirectsWithAWorkingCode() throws Exception {
        String state = "st&te =1";
        URI consent = uri("/apps/authorize/consent", "application_id", SETTINGS.applicationId(),
                "state", state, "version", "beta");
        HttpResponse<String> page = get(consent);
        assertEquals(200, page.statusCode());
        assertTrue(page.body().contains("Signed in to Amazon as"));
        assertTrue(page.body().contains("value=\"st&amp;te =1\""), "state is escaped in the form");

        HttpResponse<String> approved = post("/apps/authorize/consent", Map.of("application_id", SETTINGS.applicationId(),
                "state", state, "selling_partner_id", "A2OTHERSELLER", "decision", "approve"));

        assertEquals(302, approved.statusCode());
        URI location = URI.create(approved.headers().firstValue("Location").orElseThrow());
        assertEquals(REDIRECT_URI.getPath(), location.getPath());
        Map<String, String> callback = Http.parameters(location.getRawQuery());
        assertEquals(state, callback.get("state"));
        assertEquals("A2OTHERSELLER", callback.get("selling_partner_id"));
        assertEquals(200, token(codeGrant(callback.get("spapi_oauth_code"))).statusCode());
        assertTrue(amazon.refreshTokenOf("A2OTHERSELLER").isPresent());
    }

    @Test
    void consentDenialRedirectsWithAccessDenied() throws Exception {
        HttpResponse<String> denied = post("/apps/authorize/consent", Map.of("application_id", SETTINGS.applicationId(),
                "state", "s1", "selling_partner_id", "A1SELLER", "decision", "deny"));

        assertEquals(302, denied.statusCode());
        String location = denied.headers().firstValue("Location").orElseThrow();
        assertEquals(REDIRECT_URI + "?state=s1&error=access_denied"
                + "&error_description=The+seller+declined+the+authorization", location);
    }

    @Test
    void consentRefusesAnUnregisteredRedirectUri() throws Exception {
        HttpResponse<String> page = get(uri("/apps/authorize/consent", "application_id", SETTINGS.applicationId(),
                "state", "s1", "redirect_uri", "https://attacker.example/callback"));

        assertEquals(400, page.statusCode());
        assertTrue(page.body().contains("redirect_uri is not registered for this app"));
    }

    @Test
    void confirmRefusesAnUnknownAmazonState() throws Exception {
        HttpResponse<String> page = get(uri("/apps/authorize/confirm/" + SETTINGS.applicationId(),
                "amazon_state", "never-issued", "state", "s1"));

        assertEquals(400, page.statusCode());
        assertTrue(page.body().contains("amazon_state is unknown or expired"));
    }

    @Test
    void sellerCentralLaunchesTheLoginUriAndConfirmsOnce() throws Exception {
        HttpResponse<String> launch = get(uri("/simulator/launch", "selling_partner_id", "A1 SELLER&X"));

        assertEquals(302, launch.statusCode());
        URI login = URI.create(launch.headers().firstValue("Location").orElseThrow());
        assertEquals(LOGIN_URI.getPath(), login.getPath());
        Map<String, String> q = Http.parameters(login.getRawQuery());
        assertEquals(List.of("tenant", "amazon_callback_uri", "amazon_state", "selling_partner_id", "version"),
                List.copyOf(q.keySet()));
        String callback = amazon.baseUri() + "/apps/authorize/confirm/" + SETTINGS.applicationId();
        assertEquals(callback, q.get("amazon_callback_uri"));
        assertEquals("A1 SELLER&X", q.get("selling_partner_id"));
        assertEquals("beta", q.get("version"));

        // AuthKeeper's Login URI would now redirect the browser back to amazon_callback_uri.
        URI confirm = URI.create(callback + "?" + query(Map.of("amazon_state", q.get("amazon_state"),
                "state", "s1", "redirect_uri", REDIRECT_URI.toString(), "version", "beta")));
        HttpResponse<String> page = get(confirm);
        assertEquals(200, page.statusCode());
        assertTrue(page.body().contains("wants access to selling partner account <b>A1 SELLER&amp;X</b>"));

        HttpResponse<String> approved = post(confirm.getPath(), Map.of("state", "s1",
                "amazon_state", q.get("amazon_state"), "selling_partner_id", "A1 SELLER&X", "decision", "approve"));
        assertEquals(302, approved.statusCode());
        Map<String, String> redirect = Http.parameters(
                URI.create(approved.headers().firstValue("Location").orElseThrow()).getRawQuery());
        assertEquals("A1 SELLER&X", redirect.get("selling_partner_id"));
        assertEquals(200, token(codeGrant(redirect.get("spapi_oauth_code"))).statusCode());

        assertEquals(400, get(confirm).statusCode(), "amazon_state is consumed on use");
    }

    @Test
    void homePageListsAuthorizationsEscapedAndWithoutTokens() throws Exception {
        String refreshToken = authorize("<b>A1</b>");
        amazon.revoke("<b>A1</b>");
        authorize("A2SELLER");

        HttpResponse<String> home = get(uri("/"));

        assertEquals(200, home.statusCode());
        assertTrue(home.body().contains("Simulated Seller Central (local only)"));
        assertTrue(home.body().contains("&lt;b&gt;A1&lt;/b&gt;</td>"));
        assertFalse(home.body().contains("<b>A1</b>"));
        assertTrue(home.body().contains("revoked"));
        assertFalse(home.body().contains(refreshToken));
        assertFalse(home.body().contains(amazon.refreshTokenOf("A2SELLER").orElseThrow()));
        assertFalse(home.body().contains(SETTINGS.clientSecret()));
        assertTrue(home.body().contains("Rotate client secret"));
    }

    @Test
    void resetForgetsEverything() throws Exception {
        String refreshToken = authorize("A1SELLER");
        amazon.outage(true);
        amazon.failNext(3, new SimulatedAmazon.Fault.Status(500));

        amazon.reset();

        assertEquals(0, amazon.tokenCalls());
        assertEquals(0, amazon.codesExchanged());
        assertEquals(INVALID_REFRESH_TOKEN, token(refreshGrant(refreshToken)).body());
    }

    @Test
    void sustainsManyConcurrentRefreshesWithLatency() throws Exception {
        String refreshToken = authorize("A1SELLER");
        amazon.latency(Duration.ofMillis(100));
        long started = System.nanoTime();

        List<CompletableFuture<HttpResponse<String>>> calls = IntStream.range(0, 200)
                .mapToObj(i -> http.sendAsync(formRequest(tokenUri(), refreshGrant(refreshToken)).build(),
                        HttpResponse.BodyHandlers.ofString()))
                .toList();

        for (CompletableFuture<HttpResponse<String>> call : calls) {
            assertEquals(200, call.get().statusCode());
        }
        Duration elapsed = Duration.ofNanos(System.nanoTime() - started);
        assertTrue(elapsed.compareTo(Duration.ofSeconds(5)) < 0, "calls ran in parallel, took " + elapsed);
        assertEquals(200, amazon.tokenCalls("refresh_token"));
    }

    // ---- helpers ----

    /** Runs a code exchange and answers the refresh token. */
    private static String authorize(String sellingPartnerId) throws Exception {
        HttpResponse<String> response = token(codeGrant(amazon.authorizationCode(sellingPartnerId)));
        assertEquals(200, response.statusCode());
        return json.readTree(response.body()).get("refresh_token").asText();
    }

    private static Map<String, String> clientCredentials() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("client_id", SETTINGS.clientId());
        p.put("client_secret", SETTINGS.clientSecret());
        return p;
    }

    private static Map<String, String> codeGrant(String code) {
        Map<String, String> p = clientCredentials();
        p.put("grant_type", "authorization_code");
        p.put("code", code);
        p.put("redirect_uri", REDIRECT_URI.toString());
        return p;
    }

    private static Map<String, String> refreshGrant(String refreshToken) {
        Map<String, String> p = clientCredentials();
        p.put("grant_type", "refresh_token");
        p.put("refresh_token", refreshToken);
        return p;
    }

    private static Map<String, String> withSecret(Map<String, String> form, String clientSecret) {
        form.put("client_secret", clientSecret);
        return form;
    }

    private static String grantlessToken(Map<String, String> credentials) throws Exception {
        credentials.put("grant_type", "client_credentials");
        credentials.put("scope", ROTATION_SCOPE);
        HttpResponse<String> response = token(credentials);
        assertEquals(200, response.statusCode());
        return json.readTree(response.body()).get("access_token").asText();
    }

    private static HttpResponse<String> rotate(String grantlessToken) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(amazon.baseUri().resolve("/applications/2023-11-30/clientSecret"))
                .header("x-amz-access-token", grantlessToken).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static URI tokenUri() {
        return amazon.baseUri().resolve("/auth/o2/token");
    }

    private static HttpResponse<String> token(Map<String, String> form) throws IOException, InterruptedException {
        return http.send(formRequest(tokenUri(), form).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> post(String path, Map<String, String> form)
            throws IOException, InterruptedException {
        return http.send(formRequest(amazon.baseUri().resolve(path), form).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> get(URI uri) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(uri).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpRequest.Builder formRequest(URI uri, Map<String, String> form) {
        return HttpRequest.newBuilder(uri)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(query(form)));
    }

    private static URI uri(String path, String... namesAndValues) {
        Map<String, String> q = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            q.put(namesAndValues[i], namesAndValues[i + 1]);
        }
        return URI.create(amazon.baseUri() + path + (q.isEmpty() ? "" : "?" + query(q)));
    }

    private static String query(Map<String, String> parameters) {
        StringBuilder s = new StringBuilder();
        parameters.forEach((name, value) -> s.append(s.isEmpty() ? "" : "&")
                .append(URLEncoder.encode(name, StandardCharsets.UTF_8)).append('=')
                .append(URLEncoder.encode(value, StandardCharsets.UTF_8)));
        return s.toString();
    }
}
