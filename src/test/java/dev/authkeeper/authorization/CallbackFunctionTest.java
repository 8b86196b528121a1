package dev.authkeeper.authorization;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import dev.authkeeper.alert.AlertDelivery;
import dev.authkeeper.app.Apps;
import dev.authkeeper.app.ClientSecrets;
import dev.authkeeper.connection.ConnectionRepository;
import dev.authkeeper.connection.ConnectionStatus;
import dev.authkeeper.connection.Flow;
import dev.authkeeper.connection.OAuthStates;
import dev.authkeeper.connection.PendingAuthorization;
import dev.authkeeper.crypto.SealedToken;
import dev.authkeeper.crypto.Secret;
import dev.authkeeper.crypto.TokenCipher;
import dev.authkeeper.http.ApiGatewayResponse;
import dev.authkeeper.local.SimulatedAmazon;
import dev.authkeeper.session.MerchantSessions;
import dev.authkeeper.sweep.SweepWorker;
import dev.authkeeper.table.ConnectionId;
import dev.authkeeper.table.TableLayout;
import dev.authkeeper.testing.AwsCalls;
import dev.authkeeper.testing.BrowserCookies;
import dev.authkeeper.testing.CallbackBrowser;
import dev.authkeeper.testing.CapturedLogs;
import dev.authkeeper.testing.Events;
import dev.authkeeper.testing.Inbox;
import dev.authkeeper.testing.Lambda;
import dev.authkeeper.testing.LocalAws;
import dev.authkeeper.testing.LocalAwsResource;
import dev.authkeeper.testing.Profiles;
import dev.authkeeper.testing.Table;
import dev.authkeeper.testing.TestClock;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

@QuarkusTest
@TestProfile(Profiles.CallbackFunction.class)
@WithTestResource(LocalAwsResource.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CallbackFunctionTest {

    static final URI SELLER_CENTRAL = URI.create("https://sellercentral.amazon.com");
    static final String SELLER = "A1SELLER0001";
    static final ConnectionId CONNECTION = new ConnectionId("amazon", "NA", SELLER);
    static final String JSON = "application/json;charset=UTF-8";
    static final String WEIRD_ERROR = "{\"error_description\":\"detail-from-the-body\",\"error\":\"weird_new_code\"}";

    SimulatedAmazon amazon;
    LocalAws aws;

    @Inject
    SweepWorker sweep;
    @Inject
    AlertDelivery delivery;
    @Inject
    TestClock clock;

    @Inject
    OAuthStates states;
    @Inject
    MerchantSessions sessions;
    @Inject
    ConnectionRepository connections;
    @Inject
    TokenCipher cipher;
    @Inject
    AwsCalls calls;
    @Inject
    Apps apps;
    @Inject
    ClientSecrets secrets;
    @Inject
    DynamoDbClient dynamo;

    Table table;
    /** This test's browser. */
    CallbackBrowser browser;
    String binding;

    @BeforeEach
    void clean() {
        browser = new CallbackBrowser(states, sessions, amazon);
        binding = browser.binding();
        clock.reset();
        table = new Table(dynamo);
        table.clear();
        amazon.reset();
        calls.reset();
    }

    @AfterEach
    void noFaultLeftOver() {
        amazon.reset();
        clock.reset();
    }

    String state(String merchant, Optional<String> expectedAccount) {
        return browser.state(merchant, expectedAccount);
    }

    String state(String merchant, Optional<String> expectedAccount, String marketplace, Instant created, Flow flow) {
        return browser.state(merchant, expectedAccount, marketplace, created, flow);
    }

    static String callbackQuery(String state, String seller, String code) {
        return CallbackBrowser.callbackQuery(state, seller, code);
    }

    String[] signedIn(String merchant) {
        return browser.signedIn(merchant);
    }

    ApiGatewayResponse callback(String state, String seller) {
        return callback("merchant-1", state, seller);
    }

    ApiGatewayResponse callback(String merchant, String state, String seller) {
        String code = amazon.authorizationCode(seller);
        calls.reset();
        return Lambda.get("/callback", callbackQuery(state, seller, code), signedIn(merchant));
    }

    @Test
    void anApprovedAuthorizationIsStoredEncryptedWithOneDeleteAndOneWriteAndNoKmsCall() {
        String state = state("merchant-1", Optional.of(SELLER));
        Instant before = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        // A warm function: the branch key and the app's client secret are cached (TokenCipherTest covers the
        // cold start's one KMS call; a cold client secret costs one GetItem and one Secrets Manager call).
        cipher.seal("amazon:NA:A1WARMUP", new Secret("warm-up"));
        secrets.of(apps.defaultApp());

        var response = callback(state, SELLER);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("Your Amazon account is connected").contains(SELLER);
        // The state; the connection read and written in one transaction (no KMS call: the branch key is
        // cached); then the app's "authorized" event leased and marked sent around its publication.
        assertThat(calls.all()).containsExactly("DynamoDb.DeleteItem", "DynamoDb.GetItem", "DynamoDb.TransactWriteItems",
                "DynamoDb.UpdateItem", "DynamoDb.UpdateItem");
        assertThat(response.cookies()).isEmpty();
        assertThat(amazon.codesExchanged()).isEqualTo(1);

        var connection = connections.find(CONNECTION).orElseThrow();
        assertThat(connection.status()).isEqualTo(ConnectionStatus.ACTIVE);
        assertThat(connection.merchantId()).isEqualTo("merchant-1");
        assertThat(connection.origin()).isEqualTo(SELLER_CENTRAL);
        assertThat(connection.authorizedAt()).isAfterOrEqualTo(before);
        assertThat(connection.authorizationExpiresAt()).isEqualTo(connection.authorizedAt().plus(Duration.ofDays(365)));
        assertThat(connection.version()).isEqualTo(1);

        String refreshToken = amazon.refreshTokenOf(SELLER).orElseThrow();
        var sealed = table.token(CONNECTION);
        assertThat(sealed).isInstanceOf(SealedToken.Hierarchical.class);
        assertThat(cipher.open(CONNECTION.value(), sealed).value()).isEqualTo(refreshToken);
        assertThat(table.items().toString()).doesNotContain(refreshToken);
        assertThat(table.withPrefix("STATE#")).isEmpty();

        var history = table.history(CONNECTION);
        assertThat(history).hasSize(1);
        assertThat(history.get(0).get("kind").s()).isEqualTo("AUTHORIZED");
        assertThat(history.get(0).get("flow").s()).isEqualTo("MARKETPLACE");
    }

    @Test
    void anotherAppsCallbackExchangesTheCodeWithThatAppsCredentialsAndRedirectUriAndTheConnectionRemembersTheApp() {
        String state = browser.state("merchant-1", Optional.of(SELLER), "amazon", LocalAwsResource.DRAFT_APP, Instant.now(),
                Flow.MARKETPLACE);
        String code = amazon.authorizationCode(LocalAwsResource.DRAFT_APP, SELLER);
        var events = new Events(aws);

        var response = Lambda.get("/callback/" + LocalAwsResource.DRAFT_APP, callbackQuery(state, SELLER, code), signedIn("merchant-1"));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("Your Amazon account is connected");
        assertThat(amazon.codesExchanged()).isEqualTo(1);
        var item = table.connection(CONNECTION.value()).orElseThrow();
        assertThat(item.get("app").s()).isEqualTo(LocalAwsResource.DRAFT_APP);
        assertThat(table.history(CONNECTION)).singleElement().satisfies(h -> assertThat(h.get("app").s()).isEqualTo("draft"));
        assertThat(events.await(e -> e.detail().path("app").asText().equals("draft"))).hasValueSatisfying(e -> {
            assertThat(e.detailType()).isEqualTo("Connection Authorized");
            assertThat(e.detail().path("connectionId").asText()).isEqualTo(CONNECTION.value());
        });
    }

    @Test
    void aStateOfOneAppAtAnotherAppsCallbackIsRefusedBeforeLwaIsCalled() {
        String defaultState = state("merchant-1", Optional.of(SELLER));
        String draftState = browser.state("merchant-1", Optional.of(SELLER), "amazon", LocalAwsResource.DRAFT_APP, Instant.now(),
                Flow.MARKETPLACE);

        var atDraft = Lambda.get("/callback/draft", callbackQuery(defaultState, SELLER, amazon.authorizationCode("draft", SELLER)),
                signedIn("merchant-1"));
        var atDefault = Lambda.get("/callback", callbackQuery(draftState, SELLER, amazon.authorizationCode(SELLER)), signedIn("merchant-1"));

        for (var response : List.of(atDraft, atDefault)) {
            assertThat(response.statusCode()).isEqualTo(400);
            assertThat(response.body()).contains("started for another app");
        }
        assertThat(amazon.tokenCalls()).isZero();
        assertThat(connections.find(CONNECTION)).isEmpty();
    }

    @Test
    void aCallbackOfAnAppThatIsNotServedIsNotFound() {
        String state = state("merchant-1", Optional.of(SELLER));

        var response = Lambda.get("/callback/nope", callbackQuery(state, SELLER, amazon.authorizationCode(SELLER)), signedIn("merchant-1"));

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(amazon.tokenCalls()).isZero();
        assertThat(table.withPrefix("STATE#")).as("the state stays unused").hasSize(1);
    }

    @Test
    void aSealedTokenDoesNotOpenForAnotherConnection() {
        callback(state("merchant-1", Optional.of(SELLER)), SELLER);
        var sealed = table.token(CONNECTION);

        var other = new ConnectionId("amazon", "NA", "A9OTHER0001");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> cipher.open(other.value(), sealed))
                .isInstanceOf(RuntimeException.class);
    }

    @Test
    void reauthorizationReplacesTheTokenAndKeepsEverythingElse() {
        callback(state("merchant-1", Optional.of(SELLER)), SELLER);
        String firstToken = amazon.refreshTokenOf(SELLER).orElseThrow();
        var key = Map.of("pk", AttributeValue.fromS("CONNECTION#" + CONNECTION.value()), "sk", AttributeValue.fromS("CONNECTION"));
        dynamo.updateItem(r -> r.tableName(LocalAwsResource.TABLE).key(key)
                .updateExpression("SET settings = :s, syncCursor = :c")
                .expressionAttributeValues(Map.of(":s", AttributeValue.fromM(Map.of("warehouse", AttributeValue.fromS("WH-2"))),
                        ":c", AttributeValue.fromS("2026-11-01T00:00:00Z"))));

        var response = callback(state("merchant-1", Optional.of(SELLER)), SELLER);

        assertThat(response.statusCode()).isEqualTo(200);
        String secondToken = amazon.refreshTokenOf(SELLER).orElseThrow();
        assertThat(secondToken).isNotEqualTo(firstToken);
        assertThat(cipher.open(CONNECTION.value(), table.token(CONNECTION)).value()).isEqualTo(secondToken);
        var item = table.connection(CONNECTION.value()).orElseThrow();
        assertThat(item.get("settings").m().get("warehouse").s()).isEqualTo("WH-2");
        assertThat(item.get("syncCursor").s()).isEqualTo("2026-11-01T00:00:00Z");
        assertThat(item.get("version").n()).isEqualTo("2");
        assertThat(table.history(CONNECTION)).hasSize(2);
    }

    @Test
    void reauthorizingAConnectionThatNeededItSendsAReconnectedNoticeAndClearsTheIncident() {
        callback(state("merchant-1", Optional.of(SELLER)), SELLER);
        amazon.revoke(SELLER);
        assertThat(sweep.checkNow(CONNECTION).needsReauthorization()).isEqualTo(1);
        var inbox = new Inbox(aws);
        clock.advance(Duration.ofMinutes(61));
        delivery.deliverDue(clock.instant().plusSeconds(30));
        clock.reset();
        assertThat(inbox.await(1)).extracting(Inbox.Message::kind).containsExactly("NEEDS_REAUTHORIZATION");

        var response = callback(state("merchant-1", Optional.of(SELLER)), SELLER);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(connections.find(CONNECTION).orElseThrow().status()).isEqualTo(ConnectionStatus.ACTIVE);
        var item = table.connection(CONNECTION.value()).orElseThrow();
        assertThat(item).doesNotContainKeys("statusReason", "needsReauthorizationSince", "remindersSent", TableLayout.DUE_SHARD)
                .containsKey(TableLayout.CHECK_ORDER);
        var notices = inbox.await(2);
        assertThat(notices).extracting(Inbox.Message::kind).containsExactly("NEEDS_REAUTHORIZATION", "RECONNECTED");
        assertThat(notices.get(1).body()).contains(SELLER).contains("connected to AuthKeeper again");
        assertThat(notices.get(1).attributes()).containsEntry("merchant", "merchant-1").containsEntry("severity", "INFO");
    }

    @Test
    void aDifferentAmazonAccountInTheWebsiteFlowBecomesANewConnectionAndTheOriginalStaysAsItWas() {
        callback(state("merchant-1", Optional.of(SELLER)), SELLER);
        var original = table.connection(CONNECTION.value()).orElseThrow();

        var response = callback(state("merchant-1", Optional.of(SELLER), "amazon", Instant.now(), Flow.WEBSITE), "A7OTHERACCOUNT");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("A different Amazon account was connected")
                .contains("A7OTHERACCOUNT is now connected as a new connection")
                .contains(SELLER + " is still disconnected");
        assertThat(connections.find(new ConnectionId("amazon", "NA", "A7OTHERACCOUNT")).orElseThrow().merchantId()).isEqualTo("merchant-1");
        assertThat(table.connection(CONNECTION.value()).orElseThrow()).isEqualTo(original);
    }

    @Test
    void anAccountHeldByAnotherMerchantIsNotTakenOver() {
        callback(state("merchant-1", Optional.of(SELLER)), SELLER);
        var before = table.connection(CONNECTION.value()).orElseThrow();

        var response = callback("merchant-2", state("merchant-2", Optional.of(SELLER)), SELLER);

        assertThat(response.statusCode()).isEqualTo(409);
        assertThat(response.body()).contains("connected to another account").contains("support team has been told");
        assertThat(table.connection(CONNECTION.value()).orElseThrow()).isEqualTo(before);
        assertThat(table.history(CONNECTION)).hasSize(1);
    }

    @Test
    void aDeclinedAuthorizationStoresNothingAndUsesUpTheState() {
        String state = state("merchant-1", Optional.of(SELLER));

        var response = Lambda.get("/callback", "state=" + state + "&error=access_denied&error_description=The+seller+declined",
                signedIn("merchant-1"));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("Amazon was not connected").contains("Nothing was changed");
        assertThat(table.items()).isEmpty();
        assertThat(amazon.tokenCalls()).isZero();
        assertThat(Lambda.get("/callback", callbackQuery(state, SELLER, amazon.authorizationCode(SELLER)), signedIn("merchant-1"))
                .statusCode()).isEqualTo(400);
    }

    @Test
    void aTransientLwaFailureIsRetriedWithinTheCallback() {
        amazon.failNext(1, new SimulatedAmazon.Fault.Status(503, Optional.empty()));

        var response = callback(state("merchant-1", Optional.of(SELLER)), SELLER);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(amazon.tokenCalls()).isEqualTo(2);
        assertThat(connections.find(CONNECTION)).isPresent();
    }

    @Test
    void anUnexpectedLwaAnswerIsNotRetriedAndShowsA502PageWhileOperatorsSeeTheCode() {
        amazon.failNext(1, new SimulatedAmazon.Fault.Answer(400, JSON, WEIRD_ERROR));

        ApiGatewayResponse response;
        String logged;
        try (var logs = CapturedLogs.capture()) {
            response = callback(state("merchant-1", Optional.of(SELLER)), SELLER);
            logged = logs.text();
        }

        assertThat(response.statusCode()).isEqualTo(502);
        assertThat(response.body()).contains("Amazon gave an unexpected answer").contains("nothing was changed")
                .contains("try again later").doesNotContain("weird_new_code").doesNotContain("detail-from-the-body");
        assertThat(amazon.tokenCalls()).isEqualTo(1);
        assertThat(logged).contains("OPERATOR: Amazon gave an unexpected answer to a code exchange (HTTP 400 weird_new_code)")
                .contains("merchant-1").doesNotContain("detail-from-the-body");
        assertThat(table.withPrefix("CONNECTION#")).isEmpty();
    }

    @Test
    void twentyConcurrentCallbacksWithOneStateMakeOneExchangeAndOneWrite() throws Exception {
        String state = state("merchant-1", Optional.of(SELLER));
        String query = callbackQuery(state, SELLER, amazon.authorizationCode(SELLER));
        calls.reset();
        var start = new CountDownLatch(1);
        var tasks = new ArrayList<Callable<Integer>>();
        for (int i = 0; i < 20; i++) {
            tasks.add(() -> {
                start.await();
                return Lambda.get("/callback", query, signedIn("merchant-1")).statusCode();
            });
        }
        List<Integer> statuses = new ArrayList<>();
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Integer>> futures = tasks.stream().map(pool::submit).toList();
            start.countDown();
            for (var future : futures) {
                statuses.add(future.get());
            }
        }
        // The others found the state used: "connected" once the winner stored it (as a reload does), "expired" before.
        assertThat(statuses).hasSize(20).allMatch(s -> s == 200 || s == 400).contains(200);
        assertThat(amazon.tokenCalls()).isEqualTo(1);
        assertThat(calls.count("DynamoDb.TransactWriteItems")).isEqualTo(1);
        assertThat(calls.count("DynamoDb.DeleteItem")).isEqualTo(20);
        assertThat(table.history(CONNECTION)).hasSize(1);
    }

    /** Each case: the cookies the callback comes with; the status, the heading, and whether the state is still usable after. */
    record Foreign(String name, java.util.function.Function<CallbackFunctionTest, String[]> cookies, int status, String heading,
            boolean stateKept) {
        @Override
        public String toString() {
            return name;
        }
    }

    Stream<Arguments> foreignBrowsers() {
        return Stream.of(
                new Foreign("no cookies at all (a scanner, another device)", t -> new String[0], 403,
                        "This authorization was started in another browser", true),
                new Foreign("signed in, but no binding cookie", t -> new String[] {BrowserCookies.session(t.sessions, "merchant-1")}, 403,
                        "This authorization was started in another browser", true),
                new Foreign("another browser's binding, same merchant", t -> new String[] {BrowserCookies.session(t.sessions, "merchant-1"),
                        BrowserCookies.binding(BrowserCookies.newBinding())}, 403, "This authorization was started in another browser", false),
                new Foreign("this browser, signed out", t -> new String[] {BrowserCookies.binding(t.binding)}, 403,
                        "You are not signed in", true),
                new Foreign("this browser, signed in as another merchant", t -> t.signedIn("merchant-2"), 403,
                        "This authorization was started in another browser", false),
                new Foreign("a malformed binding cookie", t -> new String[] {BrowserCookies.session(t.sessions, "merchant-1"),
                        BrowserCookies.binding("x" + t.binding)}, 403, "This authorization was started in another browser", true))
                .map(Arguments::of);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("foreignBrowsers")
    void onlyTheBrowserAndMerchantThatStartedTheAuthorizationCanFinishIt(Foreign foreign) {
        String state = state("merchant-1", Optional.of(SELLER));
        String query = callbackQuery(state, SELLER, amazon.authorizationCode(SELLER));
        String[] cookies = foreign.cookies().apply(this);
        calls.reset();
        ApiGatewayResponse response;
        try (var logs = CapturedLogs.capture()) {
            response = Lambda.get("/callback", query, cookies);
            var secrets = new ArrayList<String>(List.of(binding, state.substring(23)));
            for (String cookie : cookies) {
                secrets.add(cookie.substring(cookie.indexOf('=') + 1));
            }
            assertThat(logs.leaked(secrets)).isEmpty();
        }

        assertThat(response.statusCode()).isEqualTo(foreign.status());
        assertThat(response.body()).contains(foreign.heading()).contains("Nothing was changed").containsIgnoringCase("start again");
        assertThat(amazon.tokenCalls()).isZero();
        assertThat(calls.dynamoWrites()).doesNotContain("DynamoDb.TransactWriteItems", "DynamoDb.PutItem");
        assertThat(table.withPrefix("CONNECTION#")).isEmpty();
        assertThat(table.withPrefix("STATE#")).hasSize(foreign.stateKept() ? 1 : 0);
        if (foreign.stateKept()) {
            // Nothing this browser did used up the seller's own authorization.
            assertThat(Lambda.get("/callback", query, signedIn("merchant-1")).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void aLoginUriAuthorizationThatComesBackForAnotherSellerIsRefusedBeforeLwa() {
        String state = state("merchant-1", Optional.of(SELLER));
        ApiGatewayResponse response;
        try (var logs = CapturedLogs.capture()) {
            // A code for the seller who approved, with selling_partner_id edited to another seller.
            response = Lambda.get("/callback", callbackQuery(state, "A9VICTIMSELLER", amazon.authorizationCode(SELLER)), signedIn("merchant-1"));
            assertThat(logs.text()).contains("OPERATOR:").contains("A9VICTIMSELLER").contains(SELLER);
        }

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).contains("names a different Amazon account").contains("Nothing was changed");
        assertThat(amazon.tokenCalls()).isZero();
        assertThat(table.withPrefix("CONNECTION#")).isEmpty();
    }

    @Test
    void aLowerCaseSellerIdIsTheSameConnection() {
        callback(state("merchant-1", Optional.of(SELLER)), SELLER.toLowerCase());
        var response = callback(state("merchant-1", Optional.of(SELLER)), SELLER);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(table.withPrefix("CONNECTION#").stream().filter(i -> i.get("sk").s().equals("CONNECTION"))).hasSize(1);
        assertThat(connections.find(CONNECTION).orElseThrow().version()).isEqualTo(2);
        assertThat(table.connection(CONNECTION.value()).orElseThrow().get("accountId").s()).isEqualTo(SELLER);
    }

    @Test
    void reloadingTheSuccessPageShowsTheConnectionNotAnExpiredLink() {
        String state = state("merchant-1", Optional.of(SELLER));
        String query = callbackQuery(state, SELLER, amazon.authorizationCode(SELLER));
        assertThat(Lambda.get("/callback", query, signedIn("merchant-1")).statusCode()).isEqualTo(200);

        var reload = Lambda.get("/callback", query, signedIn("merchant-1"));

        assertThat(reload.statusCode()).isEqualTo(200);
        assertThat(reload.body()).contains("Your Amazon account is connected").contains(SELLER);
        assertThat(amazon.tokenCalls()).isEqualTo(1);
        assertThat(table.history(CONNECTION)).hasSize(1);
        // Only for the merchant it connected, and only while a state could have lived.
        assertThat(Lambda.get("/callback", query, signedIn("merchant-2")).body()).contains("expired or was already used");
        clock.advance(Duration.ofMinutes(11));
        assertThat(Lambda.get("/callback", query, signedIn("merchant-1")).body()).contains("expired or was already used");
    }

    /** Each case: what to arrange (returns the query), the status it must get. */
    record BadCallback(String name, int status, java.util.function.Function<CallbackFunctionTest, String> arrange) {
        @Override
        public String toString() {
            return name;
        }
    }

    Stream<Arguments> badCallbacks() {
        return Stream.of(
                bad("missing state", 400, t -> "selling_partner_id=" + SELLER + "&spapi_oauth_code=" + t.amazon.authorizationCode(SELLER)),
                bad("unknown state", 400, t -> callbackQuery("U".repeat(43), SELLER, t.amazon.authorizationCode(SELLER))),
                bad("malformed state", 400, t -> callbackQuery("short", SELLER, t.amazon.authorizationCode(SELLER))),
                bad("replayed state", 400, t -> {
                    String state = t.state("merchant-1", Optional.of(SELLER));
                    Lambda.get("/callback", callbackQuery(state, SELLER, t.amazon.authorizationCode(SELLER)), t.signedIn("merchant-1"));
                    t.table.clear();
                    t.calls.reset();
                    return callbackQuery(state, SELLER, t.amazon.authorizationCode(SELLER));
                }),
                bad("expired state", 400, t -> callbackQuery(
                        t.state("merchant-1", Optional.of(SELLER), "amazon", Instant.now().minus(Duration.ofMinutes(11)), Flow.MARKETPLACE),
                        SELLER, t.amazon.authorizationCode(SELLER))),
                bad("state from another marketplace's flow", 400, t -> callbackQuery(
                        t.state("merchant-1", Optional.of(SELLER), "etsy", Instant.now(), Flow.MARKETPLACE), SELLER,
                        t.amazon.authorizationCode(SELLER))),
                bad("state of the old format (a bare 43-character value)", 400, t -> callbackQuery("Q".repeat(43), SELLER,
                        t.amazon.authorizationCode(SELLER))),
                bad("state with a known flow id and a wrong secret", 400, t -> {
                    String state = t.state("merchant-1", Optional.of(SELLER));
                    return callbackQuery(state.substring(0, 23) + "W".repeat(43), SELLER, t.amazon.authorizationCode(SELLER));
                }),
                bad("Login URI state, callback naming another seller", 400, t -> callbackQuery(t.state("merchant-1", Optional.of(SELLER)),
                        "A9OTHERSELLER", t.amazon.authorizationCode("A9OTHERSELLER"))),
                bad("missing code", 400, t -> "state=" + t.state("merchant-1", Optional.of(SELLER)) + "&selling_partner_id=" + SELLER),
                bad("missing selling_partner_id", 400, t -> "state=" + t.state("merchant-1", Optional.of(SELLER))
                        + "&spapi_oauth_code=" + t.amazon.authorizationCode(SELLER)),
                bad("selling_partner_id with markup", 400, t -> callbackQuery(t.state("merchant-1", Optional.of(SELLER)),
                        "%3Cscript%3E", t.amazon.authorizationCode(SELLER))),
                bad("repeated state", 400, t -> {
                    String state = t.state("merchant-1", Optional.of(SELLER));
                    return callbackQuery(state, SELLER, t.amazon.authorizationCode(SELLER)) + "&state=" + state;
                }),
                bad("oversized query", 414, t -> callbackQuery(t.state("merchant-1", Optional.of(SELLER)), SELLER,
                        t.amazon.authorizationCode(SELLER)) + "&pad=" + "p".repeat(5000)),
                bad("LWA 400 invalid_grant (stale code)", 400, t -> callbackQuery(t.state("merchant-1", Optional.of(SELLER)),
                        SELLER, "ANstalecode0123456789")),
                bad("LWA 401 invalid_client", 502, t -> {
                    t.amazon.expireClientSecret(true);
                    return callbackQuery(t.state("merchant-1", Optional.of(SELLER)), SELLER, t.amazon.authorizationCode(SELLER));
                }),
                bad("LWA 500 on every attempt", 503, t -> {
                    t.amazon.outage(true);
                    return callbackQuery(t.state("merchant-1", Optional.of(SELLER)), SELLER, t.amazon.authorizationCode(SELLER));
                }),
                bad("LWA timeout on every attempt", 503, t -> {
                    t.amazon.failNext(3, new SimulatedAmazon.Fault.Hang(Duration.ofSeconds(3)));
                    return callbackQuery(t.state("merchant-1", Optional.of(SELLER)), SELLER, t.amazon.authorizationCode(SELLER));
                }),
                bad("LWA answer trickling past the deadline on every attempt", 503, t -> {
                    t.amazon.failNext(3, new SimulatedAmazon.Fault.Trickle(Duration.ofMillis(200), 1));
                    return callbackQuery(t.state("merchant-1", Optional.of(SELLER)), SELLER, t.amazon.authorizationCode(SELLER));
                }),
                bad("LWA 200 with an HTML page on every attempt", 503, t -> {
                    t.amazon.failNext(3, new SimulatedAmazon.Fault.Answer(200, "text/html", "<html><body>Gateway</body></html>"));
                    return callbackQuery(t.state("merchant-1", Optional.of(SELLER)), SELLER, t.amazon.authorizationCode(SELLER));
                }),
                bad("LWA 200 without refresh_token", 502, t -> {
                    t.amazon.failNext(1, new SimulatedAmazon.Fault.Answer(200, JSON, "{\"access_token\":\"Atza|only\",\"expires_in\":3600}"));
                    return callbackQuery(t.state("merchant-1", Optional.of(SELLER)), SELLER, t.amazon.authorizationCode(SELLER));
                }),
                bad("LWA 400 with an unknown error code", 502, t -> {
                    t.amazon.failNext(1, new SimulatedAmazon.Fault.Answer(400, JSON, WEIRD_ERROR));
                    return callbackQuery(t.state("merchant-1", Optional.of(SELLER)), SELLER, t.amazon.authorizationCode(SELLER));
                })).map(Arguments::of);
    }

    static BadCallback bad(String name, int status, java.util.function.Function<CallbackFunctionTest, String> arrange) {
        return new BadCallback(name, status, arrange);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badCallbacks")
    void badCallbacksAreAnsweredWithAPageAndStoreNothing(BadCallback bad) {
        String query = bad.arrange().apply(this);
        calls.reset();
        ApiGatewayResponse response;
        try (var logs = CapturedLogs.capture()) {
            String[] cookies = signedIn("merchant-1");
            response = Lambda.get("/callback", query, cookies);
            var secrets = new ArrayList<String>(List.of(binding, cookies[0].substring(sessions.cookieName().length() + 1)));
            for (String pair : query.split("&")) {
                String[] kv = pair.split("=", 2);
                if (kv.length == 2 && (kv[0].equals("state") || kv[0].equals("spapi_oauth_code"))) {
                    secrets.add(kv[1]);
                }
            }
            secrets.add(amazon.settings().clientSecret());
            amazon.refreshTokenOf(SELLER).ifPresent(secrets::add);
            assertThat(logs.leaked(secrets)).isEmpty();
        }
        assertThat(response.statusCode()).isEqualTo(bad.status());
        assertThat(response.headers().get("Content-Type")).startsWith("text/html");
        assertThat(response.body()).contains("<h1>").doesNotContain("Exception").doesNotContain("at dev.authkeeper");
        assertThat(calls.count("DynamoDb.TransactWriteItems")).isZero();
        assertThat(calls.count("Kms.GenerateDataKey")).isZero();
        assertThat(table.withPrefix("CONNECTION#")).isEmpty();
    }
}
