package dev.authkeeper.local;

import static dev.authkeeper.local.Browser.location;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.authkeeper.api.AccessTokens;
import dev.authkeeper.table.ConnectionId;
import dev.authkeeper.connection.ConnectionStatus;
import dev.authkeeper.crypto.TokenCipher;
import dev.authkeeper.local.simulator.Simulator;
import dev.authkeeper.local.tiktok.SimulatedTikTokShop;
import dev.authkeeper.testing.CapturedLogs;
import dev.authkeeper.testing.Events;
import dev.authkeeper.testing.Inbox;
import dev.authkeeper.testing.LocalAwsResource;
import dev.authkeeper.testing.Profiles;
import dev.authkeeper.testing.Seeds;
import dev.authkeeper.testing.Table;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/**
 * A TikTok Shop seller over real HTTP, against the simulated TikTok Shop: a connect link from the
 * integrator → sign-in → TikTok's authorize page by service id → a callback with only code and
 * state, the seller learned from the exchange; access tokens that rotate the pair through GET token
 * calls; a revoked authorization found by a check, alerted in TikTok's words; the status page; a
 * disconnect. The app secret, which TikTok wants in the query string, never reaches a log line.
 */
@QuarkusTest
@TestProfile(Profiles.LocalRun.class)
@WithTestResource(LocalAwsResource.class)
class TikTokShopFlowTest extends LocalRunTestBase {

    static final String APP = LocalAwsResource.TIKTOK_APP;
    static final String SELLER = SimulatedTikTokShop.DEFAULT_SELLER;
    static final ConnectionId CONNECTION = new ConnectionId("tiktok", "WW", SELLER);
    static final ObjectMapper JSON = new ObjectMapper();

    SimulatedTikTokShop tiktok;

    @Inject
    TokenCipher cipher;

    @BeforeEach
    void resetTikTokShop() {
        tiktok.reset();
    }

    @Test
    void aSellerAuthorizesByServiceIdAndTheConnectionIsTheirOpenIdUntilThePeriodTheyChose() throws Exception {
        var browser = new Browser();
        var result = connect(browser, "merchant-tt", "180");

        assertThat(result.statusCode()).isEqualTo(200);
        assertThat(result.body()).contains("Your TikTok Shop account is connected");
        var connection = connections.find(CONNECTION).orElseThrow();
        assertThat(connection.merchantId()).isEqualTo("merchant-tt");
        assertThat(connection.status()).isEqualTo(ConnectionStatus.ACTIVE);
        assertThat(connections.appOf(CONNECTION)).contains(APP);
        assertThat(tiktok.tokenCalls("authorized_code")).isEqualTo(1);
        // The refresh token's absolute end, the end of the 180 days the seller chose, is the authorization's end.
        assertThat(connection.authorizationExpiresAt())
                .isCloseTo(tiktok.authorizedUntil(APP, SELLER).orElseThrow(), within(2, ChronoUnit.SECONDS))
                .isBefore(Instant.now().plus(Duration.ofDays(181)));

        var page = browser.get(visits.uri("/connections"));
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("TikTok Shop").contains(SELLER);
    }

    @Test
    void aSellerWhoCancelsComesBackWithNothingStored() {
        var browser = new Browser();
        var authorize = authorizePage(browser, "merchant-tt");
        var result = browser.get(location(browser.submit(authorize, Map.of("decision", "deny"))));

        assertThat(result.body()).contains("TikTok Shop was not connected");
        assertThat(connections.find(CONNECTION)).isEmpty();
        assertThat(tiktok.tokenCalls()).isZero();
    }

    @Test
    void anAccessTokenRotatesThePairAndTheApiAnswersInTikTokTerms() throws Exception {
        connect(new Browser(), "merchant-tt", "365");
        var before = new Table(dynamo).connection(CONNECTION.value()).orElseThrow();

        var api = visits.api();
        var token = api.call("GET", "/v1/connections/" + CONNECTION + "/access-token", null);

        assertThat(token.statusCode()).isEqualTo(200);
        var answer = JSON.readTree(token.body());
        assertThat(answer.get("openId").asText()).isEqualTo(SELLER);
        assertThat(answer.get("accessToken").asText()).isEqualTo(tiktok.currentPair(APP, SELLER).orElseThrow().accessToken());
        assertThat(tiktok.tokenCalls("refresh_token")).isEqualTo(1);
        assertThat(new Table(dynamo).connection(CONNECTION.value()).orElseThrow().get("token")).isNotEqualTo(before.get("token"));
        var status = JSON.readTree(api.call("GET", "/v1/connections/" + CONNECTION, null).body());
        assertThat(status.get("marketplace").asText()).isEqualTo("tiktok");
        assertThat(status.get("accountId").asText()).isEqualTo(SELLER);
        assertThat(status.get("region").asText()).isEqualTo("WW");

        // Rotated, the new refresh token works in turn.
        new Table(dynamo).forgetAccessTokens();
        assertThat(tokens.get(CONNECTION)).isInstanceOf(AccessTokens.Answer.Token.class);
        assertThat(tiktok.tokenCalls("refresh_token")).isEqualTo(2);
    }

    @Test
    void aRemovedAuthorizationIsFoundByACheckAndTheMerchantIsToldInTikToksWords() throws Exception {
        Seeds.tiktokSeller(cipher, connections, tiktok, APP, "merchant-tt", SELLER, Instant.now().minus(Duration.ofDays(10)),
                Duration.ofDays(365));
        tiktok.revoke(APP, SELLER);

        assertThat(sweep.checkNow(CONNECTION).needsReauthorization()).isEqualTo(1);

        var connection = connections.find(CONNECTION).orElseThrow();
        assertThat(connection.status()).isEqualTo(ConnectionStatus.NEEDS_REAUTHORIZATION);
        assertThat(new Table(dynamo).history(CONNECTION)).anyMatch(h -> h.get("kind").s().equals("STATUS_CHANGED"));
        var status = JSON.readTree(visits.api().call("GET", "/v1/connections/" + CONNECTION, null).body());
        assertThat(status.get("reasonCode").asText()).isEqualTo("REVOKED_OR_CHANGED");
        assertThat(status.get("reason").asText()).contains("removed in Seller Center");
    }

    @Test
    void anAuthorizationPastThePeriodTheSellerChoseReadsAsTheRenewalOnlyTheSellerCanDo() throws Exception {
        Seeds.tiktokSeller(cipher, connections, tiktok, APP, "merchant-tt", SELLER, Instant.now().minus(Duration.ofDays(31)),
                Duration.ofDays(30).plusSeconds(5));
        tiktok.clock(java.time.Clock.offset(java.time.Clock.systemUTC(), Duration.ofMinutes(1)));
        try {
            assertThat(sweep.checkNow(CONNECTION).needsReauthorization()).isEqualTo(1);
        } finally {
            tiktok.clock(java.time.Clock.systemUTC());
        }
        var status = JSON.readTree(visits.api().call("GET", "/v1/connections/" + CONNECTION, null).body());
        assertThat(status.get("reasonCode").asText()).isEqualTo("YEARLY_RENEWAL");
        assertThat(status.get("reason").asText()).contains("Only the seller can renew it in Seller Center");
    }

    @Test
    void throttlingAndOutagesAreTriedAgainAndAnUnknownCodeConcludesNothing() {
        Seeds.tiktokSeller(cipher, connections, tiktok, APP, "merchant-tt", SELLER, Instant.now(), Duration.ofDays(365));
        tiktok.failNext(1, new Simulator.Fault.Status(429));
        assertThat(tokens.get(CONNECTION)).isInstanceOf(AccessTokens.Answer.Token.class);

        new Table(dynamo).forgetAccessTokens();
        tiktok.failNext(1, new Simulator.Fault.Answer(200, "application/json", "{\"code\":99999999,\"message\":\"new\",\"data\":{}}"));
        sweep.checkNow(CONNECTION);
        assertThat(connections.find(CONNECTION).orElseThrow().status()).isEqualTo(ConnectionStatus.ACTIVE);
    }

    @Test
    void theAppSecretTokensAndCodesNeverReachALogLine() {
        List<String> secrets = new ArrayList<>(List.of(tiktok.settings().app(APP).appSecret()));
        try (var logs = CapturedLogs.capture()) {
            connect(new Browser(), "merchant-tt", "365");
            secrets.add(tiktok.currentPair(APP, SELLER).orElseThrow().refreshToken());
            tokens.get(CONNECTION);
            var pair = tiktok.currentPair(APP, SELLER).orElseThrow();
            secrets.add(pair.accessToken());
            secrets.add(pair.refreshToken());
            tiktok.failNext(1, new Simulator.Fault.Lost());
            new Table(dynamo).forgetAccessTokens();
            tokens.get(CONNECTION);
            tiktok.revoke(APP, SELLER);
            sweep.checkNow(CONNECTION);

            assertThat(logs.leaked(secrets)).isEmpty();
            assertThat(logs.text()).doesNotContain("app_secret=");
        }
    }

    @Test
    void theIntegratorDisconnectsAndTheTokensAreDestroyed() throws Exception {
        connect(new Browser(), "merchant-tt", "365");
        var api = visits.api();

        assertThat(api.call("DELETE", "/v1/connections/" + CONNECTION, null).statusCode()).isEqualTo(204);

        assertThat(connections.find(CONNECTION).orElseThrow().status()).isEqualTo(ConnectionStatus.DISCONNECTED);
        assertThat(new Table(dynamo).connection(CONNECTION.value()).orElseThrow()).doesNotContainKeys("token", "previousToken");
    }

    @Test
    void aDeauthorizationEndsTheConnectionAtOnceAndTikToksRetriesActOnce() throws Exception {
        connect(new Browser(), "merchant-tt", "365");

        var delivery = tiktok.deauthorize(APP, SELLER);

        assertThat(delivery.status()).isEqualTo(200);
        var connection = connections.find(CONNECTION).orElseThrow();
        assertThat(connection.status()).isEqualTo(ConnectionStatus.NEEDS_REAUTHORIZATION);
        assertThat(new Table(dynamo).history(CONNECTION)).anyMatch(h -> h.get("kind").s().equals("STATUS_CHANGED"));
        var status = JSON.readTree(visits.api().call("GET", "/v1/connections/" + CONNECTION, null).body());
        assertThat(status.get("reasonCode").asText()).isEqualTo("APP_UNINSTALLED");
        assertThat(status.get("reason").asText()).contains("deauthorized the app in Seller Center");
        // The access token cached before is not handed out any more: the seller must authorize again.
        assertThat(tokens.get(CONNECTION)).isNotInstanceOf(AccessTokens.Answer.Token.class);

        var again = tiktok.resend(delivery.notificationId());
        assertThat(again.status()).isEqualTo(200);
        assertThat(connections.find(CONNECTION).orElseThrow().version()).isEqualTo(connection.version());
    }

    @Test
    void aDeauthorizationsEventIsOnTheBusWithinTheDeliveryAndItsMerchantAlertWaitsForItsSiblings() {
        connect(new Browser(), "merchant-tt", "365");
        var events = Events.emptied(aws);
        var inbox = Inbox.emptied(aws);

        assertThat(tiktok.deauthorize(APP, SELLER).status()).isEqualTo(200);

        assertThat(events.await(e -> e.detailType().equals("Connection Needs Reauthorization"))).hasValueSatisfying(e -> {
            assertThat(e.detail().path("connectionId").asText()).isEqualTo(CONNECTION.value());
            assertThat(e.detail().path("reason").path("code").asText()).isEqualTo("APP_UNINSTALLED");
        });
        // No planner ran: the event went with the delivery; the grouped merchant alert waits its group window.
        assertThat(new Table(dynamo).pendingKinds(CONNECTION)).containsExactly("NEEDS_REAUTHORIZATION");
        assertThat(inbox.settled()).isEmpty();
    }

    @Test
    void anExpiryNotificationGivesTheExactEndAndTheNextCheckWarnsOfIt() {
        connect(new Browser(), "merchant-tt", "365");
        Instant end = Instant.now().plus(Duration.ofDays(20)).truncatedTo(ChronoUnit.SECONDS);

        assertThat(tiktok.warnOfExpiry(APP, SELLER, end).status()).isEqualTo(200);

        assertThat(connections.find(CONNECTION).orElseThrow().authorizationExpiresAt()).isEqualTo(end);
        assertThat(sweep.checkNow(CONNECTION).expiryWarnings()).isEqualTo(1);
    }

    @Test
    void aForgedDeliveryOrOneForAShopNobodyConnectedChangesNothing() {
        connect(new Browser(), "merchant-tt", "365");
        var before = connections.find(CONNECTION).orElseThrow();

        assertThat(tiktok.forgedDeauthorization(APP, SELLER).status()).isEqualTo(401);
        assertThat(tiktok.deauthorize(APP, "another-seller").status()).isEqualTo(200);

        var after = connections.find(CONNECTION).orElseThrow();
        assertThat(after.status()).isEqualTo(ConnectionStatus.ACTIVE);
        assertThat(after.version()).isEqualTo(before.version());
    }

    /** Connect link (outside the United States) → sign-in → the simulated TikTok authorize page. */
    private HttpResponse<String> authorizePage(Browser browser, String merchant) {
        try {
            var link = visits.connectLink(merchant, "{\"app\":\"" + APP + "\",\"region\":\"WW\"}");
            assertThat(link.get("marketplace").asText()).isEqualTo("tiktok");
            var signInPage = browser.get(location(browser.get(URI.create(link.get("url").asText()))));
            var signedIn = browser.submit(signInPage, Map.of("merchant", merchant));
            var authorize = browser.get(location(browser.get(location(signedIn))));
            assertThat(authorize.statusCode()).isEqualTo(200);
            assertThat(authorize.uri().getPath()).isEqualTo("/open/authorize");
            assertThat(authorize.uri().getQuery()).contains("service_id=tiktok-test-service-id");
            return authorize;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private HttpResponse<String> connect(Browser browser, String merchant, String days) {
        var authorize = authorizePage(browser, merchant);
        var callback = browser.submit(authorize, Map.of("decision", "approve", "days", days));
        return browser.get(location(callback));
    }

}
