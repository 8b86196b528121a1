package dev.authkeeper.local;

import static dev.authkeeper.local.Browser.location;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpResponse;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.authkeeper.api.AccessTokens;
import dev.authkeeper.connection.ConnectionStatus;
import dev.authkeeper.local.ebay.SimulatedEbay;
import dev.authkeeper.local.simulator.Simulator;
import dev.authkeeper.table.ConnectionId;
import dev.authkeeper.testing.Events;
import dev.authkeeper.testing.Inbox;
import dev.authkeeper.testing.LocalAwsResource;
import dev.authkeeper.testing.Profiles;
import dev.authkeeper.testing.Table;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/**
 * An eBay account over real HTTP, against the simulated eBay: a connect link → sign-in at the
 * integrator's site → eBay's consent (the RuName as redirect_uri) → callback, where the code is
 * exchanged with HTTP Basic credentials and the account named by the Identity API; access tokens
 * from a refresh that names the consent's scopes and leaves the refresh token as it is; a revoked
 * authorization found by a check; a reconnect signed in as another eBay user; the status page; a disconnect.
 */
@QuarkusTest
@TestProfile(Profiles.LocalRun.class)
@WithTestResource(LocalAwsResource.class)
class EbayFlowTest extends LocalRunTestBase {

    static final String APP = LocalAwsResource.EBAY_APP;
    static final ConnectionId CONNECTION = ConnectionId.of("ebay", SimulatedEbay.DEFAULT_USER_ID);
    static final ObjectMapper JSON = new ObjectMapper();

    SimulatedEbay ebay;

    @BeforeEach
    void resetEbay() {
        ebay.reset();
    }

    @Test
    void aConnectLinkLeadsToEbaysConsentAndTheAccountIsNamedByItsUserId() throws Exception {
        var browser = visits.signedIn("merchant-ebay");
        var result = consent(browser, newConnectLink("merchant-ebay"), SimulatedEbay.DEFAULT_USERNAME);

        assertThat(result.statusCode()).isEqualTo(200);
        assertThat(result.body()).contains("Your eBay account is connected").contains(SimulatedEbay.DEFAULT_USER_ID);
        var connection = connections.find(CONNECTION).orElseThrow();
        assertThat(connection.merchantId()).isEqualTo("merchant-ebay");
        assertThat(connection.status()).isEqualTo(ConnectionStatus.ACTIVE);
        assertThat(connection.origin()).isEqualTo(URI.create("https://auth.ebay.com"));
        assertThat(connections.appOf(CONNECTION)).contains(APP);
        assertThat(ebay.tokenCalls("authorization_code")).isEqualTo(1);
        // eBay's refresh token ends about 18 months (47,304,000 s) after consent, whatever is refreshed meanwhile.
        assertThat(connection.authorizationExpiresAt()).isBetween(connection.authorizedAt().plusSeconds(47_304_000 - 1),
                connection.authorizedAt().plusSeconds(47_304_000 + 1));
    }

    @Test
    void anAccessTokenComesFromARefreshThatNamesTheScopesAndTheRefreshTokenStays() throws Exception {
        connect("merchant-ebay");
        var before = new Table(dynamo).connection(CONNECTION.value()).orElseThrow();

        var answer = tokens.get(CONNECTION);

        assertThat(answer).isInstanceOf(AccessTokens.Answer.Token.class);
        assertThat(ebay.tokenCalls("refresh_token")).isEqualTo(1);
        assertThat(new Table(dynamo).connection(CONNECTION.value()).orElseThrow().get("token")).isEqualTo(before.get("token"));
        assertThat(ebay.liveRefreshTokens(APP, SimulatedEbay.DEFAULT_USER_ID)).isEqualTo(1);
    }

    @Test
    void aRevokedAuthorizationIsFoundByACheckAndTheMerchantIsToldWhy() throws Exception {
        connect("merchant-ebay");
        ebay.revoke(APP, SimulatedEbay.DEFAULT_USER_ID);

        assertThat(sweep.checkNow(CONNECTION).needsReauthorization()).isEqualTo(1);

        assertThat(connections.find(CONNECTION).orElseThrow().status()).isEqualTo(ConnectionStatus.NEEDS_REAUTHORIZATION);
        var answer = tokens.get(CONNECTION);
        assertThat(answer).isInstanceOfSatisfying(AccessTokens.Answer.NeedsReauthorization.class,
                a -> assertThat(a.reasonCode()).contains("REVOKED_OR_CHANGED"));
        var page = visits.signedIn("merchant-ebay").get(visits.uri("/connections"));
        assertThat(page.body()).contains("eBay no longer accepts this authorization");
    }

    @Test
    void aTransientTokenEndpointFailureConcludesNothing() throws Exception {
        connect("merchant-ebay");
        ebay.failNext(3, new Simulator.Fault.Status(503));

        sweep.checkNow(CONNECTION);

        assertThat(connections.find(CONNECTION).orElseThrow().status()).isEqualTo(ConnectionStatus.ACTIVE);
    }

    @Test
    void aReconnectSignedInAsAnotherEbayUserConnectsThatUserAndRepairsNothing() throws Exception {
        connect("merchant-ebay");
        ebay.revoke(APP, SimulatedEbay.DEFAULT_USER_ID);
        sweep.checkNow(CONNECTION);
        var api = visits.api();
        var created = api.call("POST", "/v1/merchants/merchant-ebay/connect-links", "{\"connectionId\":\"" + CONNECTION.value() + "\"}");
        assertThat(created.statusCode()).isEqualTo(201);

        var result = consent(visits.signedIn("merchant-ebay"), URI.create(JSON.readTree(created.body()).get("url").asText()),
                SimulatedEbay.OTHER_USERNAME);

        assertThat(result.body()).contains("A different eBay account was connected").contains(SimulatedEbay.OTHER_USER_ID);
        assertThat(connections.find(CONNECTION).orElseThrow().status()).isEqualTo(ConnectionStatus.NEEDS_REAUTHORIZATION);
        assertThat(connections.find(ConnectionId.of("ebay", SimulatedEbay.OTHER_USER_ID)).orElseThrow().status())
                .isEqualTo(ConnectionStatus.ACTIVE);
    }

    @Test
    void theStatusPageOffersAnEbayConnectAndShowsTheConnectionWithItsEndDate() throws Exception {
        connect("merchant-ebay");
        var browser = visits.signedIn("merchant-ebay");

        var page = browser.get(visits.uri("/connections"));

        assertThat(page.body()).contains("Connect your eBay account").contains("eBay account " + SimulatedEbay.DEFAULT_USER_ID)
                .contains("Connected");
    }

    @Test
    void theApiAnswersInEbaysTermsAndADisconnectDestroysTheToken() throws Exception {
        connect("merchant-ebay");
        var api = visits.api();

        var status = JSON.readTree(api.call("GET", "/v1/connections/" + CONNECTION, null).body());
        assertThat(status.get("marketplace").asText()).isEqualTo("ebay");
        assertThat(status.get("accountId").asText()).isEqualTo(SimulatedEbay.DEFAULT_USER_ID);
        assertThat(status.get("ebayUserId").asText()).isEqualTo(SimulatedEbay.DEFAULT_USER_ID);
        assertThat(status.has("region")).isFalse();
        var token = api.call("GET", "/v1/connections/" + CONNECTION + "/access-token", null);
        assertThat(token.statusCode()).isEqualTo(200);

        assertThat(api.call("DELETE", "/v1/connections/" + CONNECTION, null).statusCode()).isEqualTo(204);
        assertThat(connections.find(CONNECTION).orElseThrow().status()).isEqualTo(ConnectionStatus.DISCONNECTED);
        assertThat(new Table(dynamo).connection(CONNECTION.value()).orElseThrow()).doesNotContainKey("token");
    }

    @Test
    void aDeclinedConsentChangesNothing() throws Exception {
        var browser = visits.signedIn("merchant-ebay");
        var consent = browser.get(location(browser.get(newConnectLink("merchant-ebay"))));
        var result = browser.get(location(browser.submit(consent, Map.of("decision", "decline"))));

        assertThat(result.body()).contains("eBay was not connected");
        assertThat(connections.ofMerchant("merchant-ebay")).isEmpty();
        assertThat(ebay.tokenCalls()).isZero();
    }

    @Test
    void eBaysEndpointValidationIsAnsweredWithTheChallengeHash() {
        assertThat(ebay.validateEndpoint(APP)).isTrue();
    }

    @Test
    void aSignedRevocationTurnsTheConnectionAtOnceWithEbaysReasonAndItsRetryActsOnce() throws Exception {
        connect("merchant-ebay");

        var delivery = ebay.revokeAuthorization(APP, SimulatedEbay.DEFAULT_USER_ID, "PASSWORD_CHANGE");

        assertThat(delivery.status()).isEqualTo(204);
        var connection = connections.find(CONNECTION).orElseThrow();
        assertThat(connection.status()).isEqualTo(ConnectionStatus.NEEDS_REAUTHORIZATION);
        assertThat(tokens.get(CONNECTION)).isInstanceOfSatisfying(AccessTokens.Answer.NeedsReauthorization.class,
                a -> assertThat(a.reasonCode()).contains("PASSWORD_CHANGED"));
        assertThat(ebay.tokenCalls("refresh_token")).isZero();
        assertThat(visits.signedIn("merchant-ebay").get(visits.uri("/connections")).body())
                .contains("the password of this eBay account was changed");
        int keyCalls = ebay.publicKeyCalls();
        var again = ebay.resend(APP, delivery.notificationId());
        assertThat(again.status()).isEqualTo(204);
        assertThat(connections.find(CONNECTION).orElseThrow().version()).isEqualTo(connection.version());
        // The key is kept: the retry fetched nothing.
        assertThat(ebay.publicKeyCalls()).isEqualTo(keyCalls).isLessThanOrEqualTo(1);
    }

    @Test
    void aSignedRevocationsEventIsOnTheBusWithinTheDeliveryAndItsMerchantAlertWaitsForItsSiblings() throws Exception {
        connect("merchant-ebay");
        var events = Events.emptied(aws);
        var inbox = Inbox.emptied(aws);

        assertThat(ebay.revokeAuthorization(APP, SimulatedEbay.DEFAULT_USER_ID, "REVOKED_BY_USER").status()).isEqualTo(204);

        assertThat(events.await(e -> e.detailType().equals("Connection Needs Reauthorization"))).hasValueSatisfying(e -> {
            assertThat(e.detail().path("connectionId").asText()).isEqualTo(CONNECTION.value());
            assertThat(e.detail().path("reason").path("code").asText()).isEqualTo("REVOKED_BY_SELLER");
        });
        // No planner ran: the event went with the delivery; the grouped merchant alert waits its group window.
        assertThat(new Table(dynamo).pendingKinds(CONNECTION)).containsExactly("NEEDS_REAUTHORIZATION");
        assertThat(inbox.settled()).isEmpty();
    }

    @Test
    void aForgedRevocationIsRefusedAndChangesNothing() throws Exception {
        connect("merchant-ebay");
        var before = connections.find(CONNECTION).orElseThrow();

        var forged = ebay.forgedRevocation(APP, SimulatedEbay.DEFAULT_USER_ID);

        assertThat(forged.status()).isEqualTo(412);
        var after = connections.find(CONNECTION).orElseThrow();
        assertThat(after.status()).isEqualTo(ConnectionStatus.ACTIVE);
        assertThat(after.version()).isEqualTo(before.version());
    }

    @Test
    void anAccountDeletionErasesWhatIsKeptOfTheUser() throws Exception {
        connect("merchant-ebay");

        var deletion = ebay.deleteAccount(APP, SimulatedEbay.DEFAULT_USER_ID);

        assertThat(deletion.status()).isEqualTo(204);
        assertThat(connections.find(CONNECTION)).isEmpty();
        assertThat(new Table(dynamo).connection(CONNECTION.value())).isEmpty();
    }

    @Test
    void aRevocationForAnAccountNotConnectedHereIsRecordedAndIgnored() {
        var delivery = ebay.revokeAuthorization(APP, SimulatedEbay.OTHER_USER_ID, "REVOKED_BY_USER");

        assertThat(delivery.status()).isEqualTo(204);
        assertThat(connections.find(ConnectionId.of("ebay", SimulatedEbay.OTHER_USER_ID))).isEmpty();
    }

    /** Bodies and headers of every shape, signed or not: never a 5xx, nothing changed, and no value of a request in a log line. */
    @Test
    void noBodyOrHeaderMakesTheRouteFailChangeAnythingOrLeakIntoTheLogs() throws Exception {
        connect("merchant-ebay");
        var before = connections.find(CONNECTION).orElseThrow();
        var random = new java.util.Random(17);
        var markers = new java.util.ArrayList<String>();
        try (var logs = dev.authkeeper.testing.CapturedLogs.capture()) {
            for (int i = 0; i < 40; i++) {
                String marker = "mark" + Long.toHexString(random.nextLong() & Long.MAX_VALUE) + "x";
                markers.add(marker);
                String body = switch (i % 5) {
                    case 0 -> marker;
                    case 1 -> "{\"metadata\":{\"topic\":\"" + marker + "\"},\"notification\":{\"notificationId\":\"" + marker
                            + "\",\"data\":{\"userId\":\"" + SimulatedEbay.DEFAULT_USER_ID + "\",\"revokeReason\":\"" + marker + "\"}}}";
                    case 2 -> "[\"" + marker + "\"]";
                    case 3 -> "{\"metadata\":{\"topic\":\"AUTHORIZATION_REVOCATION\"},\"notification\":{\"notificationId\":\"" + marker
                            + "\",\"data\":{\"userId\":\"" + marker + "\u0000\"}}}";
                    default -> new String(randomBytes(random, 1 + random.nextInt(300)), java.nio.charset.StandardCharsets.ISO_8859_1) + marker;
                };
                String header = switch (i % 4) {
                    case 0 -> null;
                    case 1 -> marker;
                    case 2 -> java.util.Base64.getEncoder().encodeToString(("{\"alg\":\"ecdsa\",\"kid\":\"" + marker
                            + "\",\"signature\":\"" + marker + "\",\"digest\":\"SHA1\"}").getBytes(java.nio.charset.StandardCharsets.UTF_8));
                    default -> java.util.Base64.getEncoder().encodeToString(randomBytes(random, 1 + random.nextInt(200)));
                };
                int status = (i % 5 == 1 && i % 4 == 0) ? ebay.deliverSigned(APP, body).status() : ebay.deliverRaw(APP, body, header).status();
                assertThat(status).as("delivery %d", i).isBetween(200, 499);
            }
            assertThat(logs.leaked(markers)).isEmpty();
        }
        var after = connections.find(CONNECTION).orElseThrow();
        assertThat(after.status()).isEqualTo(ConnectionStatus.ACTIVE);
        assertThat(after.version()).isEqualTo(before.version());
    }

    private static byte[] randomBytes(java.util.Random random, int length) {
        byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        return bytes;
    }

    private void connect(String merchant) throws Exception {
        var result = consent(visits.signedIn(merchant), newConnectLink(merchant), SimulatedEbay.DEFAULT_USERNAME);
        assertThat(result.body()).contains("Your eBay account is connected");
    }

    private URI newConnectLink(String merchant) {
        var link = visits.connectLink(merchant, "{\"app\":\"" + APP + "\"}");
        assertThat(link.get("marketplace").asText()).isEqualTo("ebay");
        return URI.create(link.get("url").asText());
    }

    /** Opens the link in a signed-in browser, consents at eBay signed in as {@code username}, and follows the redirect back. */
    private HttpResponse<String> consent(Browser browser, URI link, String username) {
        var consent = browser.get(location(browser.get(link)));
        assertThat(consent.statusCode()).isEqualTo(200);
        assertThat(consent.uri().getPath()).isEqualTo("/auth.ebay.com/oauth2/authorize");
        assertThat(consent.uri().getQuery()).contains("redirect_uri=" + LocalAwsResource.EBAY_RU_NAME);
        var callback = location(browser.submit(consent, Map.of("decision", "approve", "user", username)));
        assertThat(callback.getPath()).isEqualTo("/callback/" + APP);
        return browser.get(callback);
    }

}
