package dev.authkeeper.local;

import static dev.authkeeper.local.Browser.location;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import jakarta.inject.Inject;

import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.authkeeper.api.AccessTokens;
import dev.authkeeper.connection.ConnectionStatus;
import dev.authkeeper.table.TableLayout;
import dev.authkeeper.crypto.Secret;
import dev.authkeeper.crypto.TokenAttributes;
import dev.authkeeper.crypto.TokenCipher;
import dev.authkeeper.local.shopify.SimulatedShopify;
import dev.authkeeper.local.simulator.Simulator;
import dev.authkeeper.table.ConnectionId;
import dev.authkeeper.testing.AwsCalls;
import dev.authkeeper.testing.Events;
import dev.authkeeper.testing.Inbox;
import dev.authkeeper.testing.LocalAwsResource;
import dev.authkeeper.testing.Profiles;
import dev.authkeeper.testing.Table;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * A Shopify shop over real HTTP, against the simulated Shopify: the app opened from the shop's
 * admin (signed by Shopify) → sign-in at the integrator's site → Shopify's consent page → callback;
 * access tokens that rotate the refresh token, a lost answer recovered; checks that prove a shop with
 * its live access token and refresh only without one or near the refresh token's end; uninstall webhooks,
 * verified, acted on once, forged ones refused.
 */
@QuarkusTest
@TestProfile(Profiles.LocalRun.class)
@WithTestResource(LocalAwsResource.class)
class ShopifyFlowTest extends LocalRunTestBase {

    static final String APP = LocalAwsResource.SHOPIFY_APP;
    static final String SHOP = SimulatedShopify.DEFAULT_SHOP;
    static final ConnectionId CONNECTION = ConnectionId.of("shopify", SHOP);
    static final ObjectMapper JSON = new ObjectMapper();
    static final String TOKEN_EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange";

    SimulatedShopify shopify;

    @Inject
    TokenCipher cipher;
    @Inject
    AwsCalls calls;

    @BeforeEach
    void resetShopify() {
        shopify.reset();
    }

    @Test
    void aMerchantInstallsTheAppFromTheShopAdminAndTheShopIsConnected() {
        var result = install("merchant-shop");

        assertThat(result.statusCode()).isEqualTo(200);
        assertThat(result.body()).contains("Your Shopify account is connected");
        var connection = connections.find(CONNECTION).orElseThrow();
        assertThat(connection.merchantId()).isEqualTo("merchant-shop");
        assertThat(connection.status()).isEqualTo(ConnectionStatus.ACTIVE);
        assertThat(connection.origin()).isEqualTo(URI.create("https://" + SHOP));
        assertThat(connections.appOf(CONNECTION)).contains(APP);
        assertThat(shopify.tokenCalls("authorization_code")).isEqualTo(1);
        // The authorization ends with its refresh token's 90 days unless a refresh slides it on.
        assertThat(connection.authorizationExpiresAt()).isAfter(Instant.now().plusSeconds(89L * 86400));
    }

    @Test
    void anAppUrlNotSignedByShopifyOrForAnotherHostIsRefused() {
        var browser = new Browser();
        URI signed = shopify.launchUri(APP, SHOP);
        var tampered = browser.get(URI.create(signed.toString().replace("acme-store", "other-store")));
        var foreign = browser.get(visits.uri("/login/" + APP + "?shop=evil.example.com&timestamp=1&hmac=00"));

        assertThat(tampered.statusCode()).isEqualTo(400);
        assertThat(tampered.body()).contains("not signed by Shopify");
        assertThat(foreign.statusCode()).isEqualTo(400);
        assertThat(foreign.body()).contains("not a Shopify shop");
        assertThat(new Table(dynamo).items()).isEmpty();
    }

    @Test
    void anAccessTokenRotatesTheRefreshTokenAndALostAnswerLosesNothing() {
        install("merchant-shop");
        var before = item();

        var first = tokens.get(CONNECTION);
        assertThat(first).isInstanceOf(AccessTokens.Answer.Token.class);
        var afterFirst = item();
        assertThat(afterFirst.get("token")).isNotEqualTo(before.get("token"));
        assertThat(afterFirst.get("previousToken")).isEqualTo(before.get("token"));
        assertThat(shopify.tokenCalls("refresh_token")).isEqualTo(1);

        // The answer to the next refresh is lost after Shopify rotated: the stored token still works (its replacement was
        // never used), so the retry within the same request gets a fresh pair and the chain goes on.
        new Table(dynamo).forgetAccessTokens();
        shopify.failNext(1, new Simulator.Fault.Lost());
        var afterLoss = tokens.get(CONNECTION);

        assertThat(afterLoss).isInstanceOf(AccessTokens.Answer.Token.class);
        assertThat(shopify.tokenCalls("refresh_token")).isEqualTo(3);
        var afterRecovery = item();
        assertThat(afterRecovery.get("previousToken")).isEqualTo(afterFirst.get("token"));
        assertThat(afterRecovery.get("token")).isNotEqualTo(afterFirst.get("token"));
        new Table(dynamo).forgetAccessTokens();
        assertThat(tokens.get(CONNECTION)).isInstanceOf(AccessTokens.Answer.Token.class);
        assertThat(connections.find(CONNECTION).orElseThrow().status()).isEqualTo(ConnectionStatus.ACTIVE);
    }

    @Test
    void aCheckProvesAShopWithItsLiveAccessTokenAndRotatesNothing() {
        install("merchant-shop");
        assertThat(tokens.get(CONNECTION)).isInstanceOf(AccessTokens.Answer.Token.class);
        var before = item();
        calls.reset();

        var summary = sweep.checkNow(CONNECTION);

        // What a probed check costs AWS: no write to the connection's partition, no KMS call (the branch key is cached).
        assertThat(calls.writtenPartitions()).doesNotContain(TableLayout.connectionKey(CONNECTION));
        assertThat(calls.countService("Kms")).isZero();
        assertThat(summary.valid()).isEqualTo(1);
        assertThat(summary.tokensRotated()).isZero();
        assertThat(shopify.graphqlCalls()).isEqualTo(1);
        assertThat(shopify.tokenCalls("refresh_token")).isEqualTo(1);
        assertThat(item().get("token")).isEqualTo(before.get("token"));
        assertThat(item().get("version")).isEqualTo(before.get("version"));
    }

    @Test
    void aCheckWithoutALiveAccessTokenRefreshesAndKeepsThePreviousToken() {
        install("merchant-shop");
        var before = item();
        calls.reset();

        var summary = sweep.checkNow(CONNECTION);

        // A rotation costs one conditional write of the connection item, still no KMS call.
        assertThat(calls.writtenPartitions()).containsOnlyOnce(TableLayout.connectionKey(CONNECTION));
        assertThat(calls.countService("Kms")).isZero();
        assertThat(summary.tokensRotated()).isEqualTo(1);
        assertThat(shopify.graphqlCalls()).isZero();
        assertThat(shopify.tokenCalls("refresh_token")).isEqualTo(1);
        assertThat(item().get("previousToken")).isEqualTo(before.get("token"));
    }

    @Test
    void nearTheEndOfItsRefreshTokensLifeAShopIsRefreshedEvenWithALiveAccessToken() {
        install("merchant-shop");
        assertThat(tokens.get(CONNECTION)).isInstanceOf(AccessTokens.Answer.Token.class);
        // 40 days of the 90 left: inside the default margin of 45, so the chain is renewed while a refresh still works.
        Instant nearTheEnd = Instant.now().plus(Duration.ofDays(40));
        dynamo.updateItem(r -> r.tableName(LocalAwsResource.TABLE).key(TableLayout.connectionItemKey(CONNECTION))
                .updateExpression("SET authorizationExpiresAt = :at")
                .expressionAttributeValues(Map.of(":at", AttributeValue.fromS(nearTheEnd.toString()))));

        var summary = sweep.checkNow(CONNECTION);

        assertThat(summary.tokensRotated()).isEqualTo(1);
        assertThat(shopify.graphqlCalls()).isZero();
        assertThat(shopify.tokenCalls("refresh_token")).isEqualTo(2);
        assertThat(connections.find(CONNECTION).orElseThrow().authorizationExpiresAt()).isAfter(Instant.now().plus(Duration.ofDays(89)));
    }

    @Test
    void anAccessTokenShopifyRefusesFallsBackToARefresh() {
        install("merchant-shop");
        assertThat(tokens.get(CONNECTION)).isInstanceOf(AccessTokens.Answer.Token.class);
        var before = item();
        // Shopify's clock two hours on: the cached access token (1 hour) has expired there, the refresh token (90 days) has not.
        shopify.clock(Clock.offset(Clock.systemUTC(), Duration.ofHours(2)));

        var summary = sweep.checkNow(CONNECTION);

        assertThat(summary.valid()).isEqualTo(1);
        assertThat(summary.tokensRotated()).isEqualTo(1);
        assertThat(shopify.graphqlCalls()).isEqualTo(1);
        assertThat(shopify.tokenCalls("refresh_token")).isEqualTo(2);
        assertThat(item().get("previousToken")).isEqualTo(before.get("token"));
        assertThat(connections.find(CONNECTION).orElseThrow().status()).isEqualTo(ConnectionStatus.ACTIVE);
    }

    @Test
    void anUninstalledShopsProbeAndRefreshAreBothRefused() {
        install("merchant-shop");
        assertThat(tokens.get(CONNECTION)).isInstanceOf(AccessTokens.Answer.Token.class);
        shopify.revoke(APP, SHOP);

        var summary = sweep.checkNow(CONNECTION);

        assertThat(summary.needsReauthorization()).isEqualTo(1);
        assertThat(shopify.graphqlCalls()).isEqualTo(1);
        assertThat(connections.find(CONNECTION).orElseThrow().status()).isEqualTo(ConnectionStatus.NEEDS_REAUTHORIZATION);
    }

    @Test
    void aConnectionStillHoldingANonExpiringTokenIsMigratedByItsCheckAndCountedUntilItIs() {
        install("merchant-shop");
        holdNonExpiringToken(shopify.issueLegacyToken(APP, SHOP));
        // Shopify down for the whole check: the token stays as it was, marked, and the sweep counts it as left.
        shopify.failNext(3, new Simulator.Fault.Status(503));

        var failed = sweep.checkNow(CONNECTION);

        assertThat(failed.nonExpiringLeft()).isEqualTo(1);
        assertThat(item()).containsEntry(TableLayout.NON_EXPIRING, AttributeValue.fromBool(true));

        var migrated = sweep.checkNow(CONNECTION);

        assertThat(migrated.nonExpiringLeft()).isZero();
        assertThat(migrated.tokensRotated()).isEqualTo(1);
        assertThat(shopify.tokenCalls(TOKEN_EXCHANGE)).isEqualTo(4);
        assertThat(shopify.tokenCalls("refresh_token")).isZero();
        assertThat(item()).doesNotContainKeys(TableLayout.NON_EXPIRING, "previousToken");
        // The migrated pair is an ordinary expiring one: the next access token refreshes it.
        assertThat(tokens.get(CONNECTION)).isInstanceOf(AccessTokens.Answer.Token.class);
        assertThat(shopify.tokenCalls("refresh_token")).isEqualTo(1);
    }

    @Test
    void anUninstallDisconnectsAtOnceAndItsRetryActsOnce() {
        install("merchant-shop");

        var delivery = shopify.uninstall(APP, SHOP);

        assertThat(delivery.status()).isEqualTo(200);
        var connection = connections.find(CONNECTION).orElseThrow();
        assertThat(connection.status()).isEqualTo(ConnectionStatus.DISCONNECTED);
        assertThat(item()).doesNotContainKeys("token", "previousToken");
        var again = shopify.resend(delivery.webhookId());
        assertThat(again.status()).isEqualTo(200);
        assertThat(connections.find(CONNECTION).orElseThrow().version()).isEqualTo(connection.version());
    }

    @Test
    void anUninstallsEventIsOnTheBusAndItsMerchantNoticeInTheInboxWithinTheDelivery() {
        install("merchant-shop");
        var events = Events.emptied(aws);
        var inbox = Inbox.emptied(aws);

        assertThat(shopify.uninstall(APP, SHOP).status()).isEqualTo(200);

        assertThat(events.await(e -> e.detailType().equals("Connection Disconnected")))
                .hasValueSatisfying(e -> assertThat(e.detail().path("connectionId").asText()).isEqualTo(CONNECTION.value()));
        assertThat(inbox.await(1)).extracting(Inbox.Message::kind).containsExactly("DISCONNECTED");
        assertThat(new Table(dynamo).pendingKinds(CONNECTION)).isEmpty();
    }

    @Test
    void aForgedUninstallIsRefusedAndChangesNothing() {
        install("merchant-shop");
        var before = connections.find(CONNECTION).orElseThrow();

        var forged = shopify.forgedUninstall(APP, SHOP);

        assertThat(forged.status()).isEqualTo(401);
        var after = connections.find(CONNECTION).orElseThrow();
        assertThat(after.status()).isEqualTo(ConnectionStatus.ACTIVE);
        assertThat(after.version()).isEqualTo(before.version());
    }

    @Test
    void aShopRedactErasesWhatIsKeptOfTheShop() {
        install("merchant-shop");

        var redact = shopify.shopRedact(APP, SHOP);

        assertThat(redact.status()).isEqualTo(200);
        assertThat(connections.find(CONNECTION)).isEmpty();
    }

    @Test
    void theIntegratorsConnectLinkForAShopOpensThatShopsConsentAndTheApiAnswersInShopifysTerms() throws Exception {
        var api = visits.api();
        assertThat(api.call("POST", "/v1/merchants/merchant-web/connect-links", "{\"app\":\"" + APP + "\"}").statusCode()).isEqualTo(400);
        var created = api.call("POST", "/v1/merchants/merchant-web/connect-links",
                "{\"app\":\"" + APP + "\",\"accountId\":\"Acme-Store.myshopify.com\"}");
        assertThat(created.statusCode()).isEqualTo(201);
        var link = JSON.readTree(created.body());
        assertThat(link.get("marketplace").asText()).isEqualTo("shopify");

        var browser = new Browser();
        var signInPage = browser.get(location(browser.get(URI.create(link.get("url").asText()))));
        var signedIn = browser.submit(signInPage, Map.of("merchant", "merchant-web"));
        var consent = browser.get(location(browser.get(location(signedIn))));
        assertThat(consent.uri().getPath()).isEqualTo("/" + SHOP + "/admin/oauth/authorize");
        var result = browser.get(location(browser.submit(consent, Map.of("decision", "approve"))));
        assertThat(result.body()).contains("Your Shopify account is connected");

        var status = JSON.readTree(api.call("GET", "/v1/connections/" + CONNECTION, null).body());
        assertThat(status.get("marketplace").asText()).isEqualTo("shopify");
        assertThat(status.get("accountId").asText()).isEqualTo(SHOP);
        assertThat(status.get("shopDomain").asText()).isEqualTo(SHOP);
        assertThat(status.has("region")).isFalse();
        var token = api.call("GET", "/v1/connections/" + CONNECTION + "/access-token", null);
        assertThat(token.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(token.body()).get("shopDomain").asText()).isEqualTo(SHOP);
    }

    private java.net.http.HttpResponse<String> install(String merchant) {
        var browser = new Browser();
        var launch = browser.get(shopify.launchUri(APP, SHOP));
        assertThat(launch.statusCode()).isEqualTo(302);
        var signInPage = browser.get(location(launch));
        assertThat(signInPage.uri().getPath()).isEqualTo("/local/sign-in");
        var signedIn = browser.submit(signInPage, Map.of("merchant", merchant));
        var backAtLaunch = browser.get(location(signedIn));
        assertThat(backAtLaunch.statusCode()).isEqualTo(302);
        var consent = browser.get(location(backAtLaunch));
        assertThat(consent.statusCode()).isEqualTo(200);
        assertThat(consent.uri().getPath()).isEqualTo("/" + SHOP + "/admin/oauth/authorize");
        var callback = browser.submit(consent, Map.of("decision", "approve"));
        return browser.get(location(callback));
    }

    /** The connection as an item holding a non-expiring token looks: sealed in {@code token}, marked. */
    private void holdNonExpiringToken(String accessToken) {
        dynamo.updateItem(r -> r.tableName(LocalAwsResource.TABLE).key(TableLayout.connectionItemKey(CONNECTION))
                .updateExpression("SET #token = :token, #marker = :true REMOVE previousToken")
                .expressionAttributeNames(Map.of("#token", "token", "#marker", TableLayout.NON_EXPIRING))
                .expressionAttributeValues(Map.of(":token", TokenAttributes.sealedToken(cipher.seal(CONNECTION.value(), new Secret(accessToken))),
                        ":true", AttributeValue.fromBool(true))));
    }

    private Map<String, AttributeValue> item() {
        return new Table(dynamo).connection(CONNECTION.value()).orElseThrow();
    }

}
