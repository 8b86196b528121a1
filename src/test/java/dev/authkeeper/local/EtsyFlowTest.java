package dev.authkeeper.local;

import static dev.authkeeper.local.Browser.location;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Instant;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.authkeeper.api.AccessTokens;
import dev.authkeeper.table.ConnectionId;
import dev.authkeeper.connection.ConnectionStatus;
import dev.authkeeper.local.etsy.SimulatedEtsy;
import dev.authkeeper.testing.LocalAwsResource;
import dev.authkeeper.testing.Profiles;
import dev.authkeeper.testing.Table;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/**
 * An Etsy shop over real HTTP, against the simulated Etsy: the integrator's connect link → sign-in
 * → Etsy's consent with a PKCE challenge (the verifier never leaves AuthKeeper but for the token
 * call) → callback, the account learned from the tokens; access tokens that rotate the single-use
 * refresh token; a check that finds a password change; a reconnect as another Etsy user, which
 * replaces nothing; a decline; the status page's connect link; a disconnect.
 */
@QuarkusTest
@TestProfile(Profiles.LocalRun.class)
@WithTestResource(LocalAwsResource.class)
class EtsyFlowTest extends LocalRunTestBase {

    static final String APP = LocalAwsResource.ETSY_APP;
    static final String USER = SimulatedEtsy.DEFAULT_USER;
    static final ConnectionId CONNECTION = ConnectionId.of("etsy", USER);
    static final ObjectMapper JSON = new ObjectMapper();

    SimulatedEtsy etsy;

    @BeforeEach
    void resetEtsy() {
        etsy.reset();
    }

    @Test
    void aConnectLinkLeadsThroughEtsysPkceConsentAndTheTokensNameTheAccount() throws Exception {
        var browser = visits.signedIn("merchant-etsy");
        var consent = browser.get(location(browser.get(connectLink("merchant-etsy", "{\"app\":\"" + APP + "\"}"))));

        assertThat(consent.statusCode()).isEqualTo(200);
        assertThat(consent.uri().getPath()).isEqualTo("/oauth/connect");
        var query = consent.uri().getRawQuery();
        assertThat(query).contains("code_challenge_method=S256").contains("code_challenge=").contains("response_type=code")
                .contains("scope=shops_r+transactions_r").doesNotContain("code_verifier");
        assertThat(new Table(dynamo).withPrefix("STATE#")).singleElement()
                .satisfies(state -> assertThat(state.get("codeVerifier").b()).isNotNull());

        var result = browser.get(location(browser.submit(consent, Map.of("decision", "approve"))));

        assertThat(result.statusCode()).isEqualTo(200);
        assertThat(result.body()).contains("Your Etsy account is connected").contains(USER);
        var connection = connections.find(CONNECTION).orElseThrow();
        assertThat(connection.merchantId()).isEqualTo("merchant-etsy");
        assertThat(connection.status()).isEqualTo(ConnectionStatus.ACTIVE);
        assertThat(connection.origin()).isEqualTo(URI.create("https://www.etsy.com"));
        assertThat(connection.authorizationExpiresAt()).isAfter(Instant.now().plusSeconds(89L * 86400));
        assertThat(connections.appOf(CONNECTION)).contains(APP);
        assertThat(etsy.tokenCalls("authorization_code")).isEqualTo(1);
        assertThat(new Table(dynamo).withPrefix("STATE#")).isEmpty();

        var api = visits.api();
        var status = JSON.readTree(api.call("GET", "/v1/connections/" + CONNECTION, null).body());
        assertThat(status.get("marketplace").asText()).isEqualTo("etsy");
        assertThat(status.get("accountId").asText()).isEqualTo(USER);
        assertThat(status.get("etsyUserId").asText()).isEqualTo(USER);
        assertThat(status.has("region")).isFalse();
    }

    @Test
    void eachAccessTokenRotatesTheSingleUseRefreshTokenAndTheCheckKeepsTheShopAlive() throws Exception {
        connect("merchant-etsy", USER);
        var api = visits.api();

        var token = api.call("GET", "/v1/connections/" + CONNECTION + "/access-token", null);

        assertThat(token.statusCode()).isEqualTo(200);
        var answer = JSON.readTree(token.body());
        assertThat(answer.get("etsyUserId").asText()).isEqualTo(USER);
        assertThat(etsy.accessTokenWorks(answer.get("accessToken").asText())).isTrue();
        assertThat(etsy.tokenCalls("refresh_token")).isEqualTo(1);
        // Etsy's refresh tokens are single-use: exactly the newest one is alive, and the check goes on from it.
        assertThat(etsy.liveRefreshTokens(USER)).isEqualTo(1);
        var before = connections.find(CONNECTION).orElseThrow();
        assertThat(sweep.checkNow(CONNECTION).valid()).isEqualTo(1);
        assertThat(etsy.liveRefreshTokens(USER)).isEqualTo(1);
        assertThat(connections.find(CONNECTION).orElseThrow().authorizationExpiresAt()).isAfterOrEqualTo(before.authorizationExpiresAt());
    }

    @Test
    void aPasswordChangeIsFoundByTheCheckAndTheApiAsksForAReconnect() {
        connect("merchant-etsy", USER);
        etsy.changePassword(USER);

        assertThat(sweep.checkNow(CONNECTION).needsReauthorization()).isEqualTo(1);

        var connection = connections.find(CONNECTION).orElseThrow();
        assertThat(connection.status()).isEqualTo(ConnectionStatus.NEEDS_REAUTHORIZATION);
        assertThat(new Table(dynamo).connection(CONNECTION.value()).orElseThrow().get("statusReason").s()).isEqualTo("REVOKED_OR_CHANGED");
        assertThat(tokens.get(CONNECTION)).isInstanceOf(AccessTokens.Answer.NeedsReauthorization.class);
    }

    @Test
    void aReconnectSignedInAsAnotherEtsyUserReplacesNothingAndSaysSo() throws Exception {
        connect("merchant-etsy", USER);
        etsy.changePassword(USER);
        sweep.checkNow(CONNECTION);
        var sealedBefore = new Table(dynamo).connection(CONNECTION.value()).orElseThrow().get("token");

        var browser = visits.signedIn("merchant-etsy");
        var consent = browser.get(location(browser.get(connectLink("merchant-etsy",
                "{\"app\":\"" + APP + "\",\"connectionId\":\"" + CONNECTION + "\"}"))));
        var result = browser.get(location(browser.submit(consent, Map.of("decision", "approve", "user_id", "99887766"))));

        assertThat(result.body()).contains("A different Etsy account was connected").contains(USER + " is still disconnected");
        assertThat(connections.find(CONNECTION).orElseThrow().status()).isEqualTo(ConnectionStatus.NEEDS_REAUTHORIZATION);
        assertThat(new Table(dynamo).connection(CONNECTION.value()).orElseThrow().get("token")).isEqualTo(sealedBefore);
        assertThat(connections.find(ConnectionId.of("etsy", "99887766")).orElseThrow().status()).isEqualTo(ConnectionStatus.ACTIVE);
    }

    @Test
    void aDeclineConnectsNothingAndAReloadedCallbackNeverSpendsTheCodeAgain() throws Exception {
        var browser = visits.signedIn("merchant-etsy");
        var consent = browser.get(location(browser.get(connectLink("merchant-etsy", "{\"app\":\"" + APP + "\"}"))));
        var declined = browser.get(location(browser.submit(consent, Map.of("decision", "decline"))));
        assertThat(declined.body()).contains("Etsy was not connected");

        var again = browser.get(location(browser.get(connectLink("merchant-etsy", "{\"app\":\"" + APP + "\"}"))));
        var callback = location(browser.submit(again, Map.of("decision", "approve")));
        assertThat(browser.get(callback).body()).contains("Your Etsy account is connected");
        // Etsy's callback names no account, so a reload cannot be told from a stale link: it is refused as one.
        var replay = browser.get(callback);
        assertThat(replay.statusCode()).isEqualTo(400);
        assertThat(replay.body()).contains("expired or was already used");
        assertThat(etsy.tokenCalls("authorization_code")).as("a reload never spends the code again").isEqualTo(1);
        assertThat(connections.ofMerchant("merchant-etsy")).hasSize(1);
    }

    @Test
    void theStatusPageOffersEtsyAndADisconnectDestroysTheTokens() throws Exception {
        connect("merchant-etsy", USER);
        var browser = visits.signedIn("merchant-etsy");

        var page = browser.get(visits.uri("/connections")).body();

        assertThat(page).contains("etsy:" + USER).contains("Connect your Etsy account");
        var api = visits.api();
        assertThat(api.call("DELETE", "/v1/connections/" + CONNECTION, null).statusCode()).isBetween(200, 204);
        assertThat(connections.find(CONNECTION).orElseThrow().status()).isEqualTo(ConnectionStatus.DISCONNECTED);
        assertThat(new Table(dynamo).connection(CONNECTION.value()).orElseThrow()).doesNotContainKeys("token", "previousToken");
    }

    private void connect(String merchant, String user) {
        var browser = visits.signedIn(merchant);
        var consent = browser.get(location(browser.get(connectLink(merchant, "{\"app\":\"" + APP + "\"}"))));
        var result = browser.get(location(browser.submit(consent, Map.of("decision", "approve", "user_id", user))));
        assertThat(result.body()).contains("Your Etsy account is connected");
    }

    private URI connectLink(String merchant, String body) {
        return URI.create(visits.connectLink(merchant, body).get("url").asText());
    }

}
