package dev.authkeeper.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.authkeeper.alert.Incidents;
import dev.authkeeper.connection.ConnectionStatus;
import dev.authkeeper.crypto.Secret;
import dev.authkeeper.crypto.TokenAttributes;
import dev.authkeeper.crypto.TokenKind;
import dev.authkeeper.function.IntegratorApiFunctions;
import dev.authkeeper.http.ApiGatewayRequest;
import dev.authkeeper.http.ApiGatewayResponse;
import dev.authkeeper.session.ReauthorizeLinks;
import dev.authkeeper.table.ConnectionId;
import dev.authkeeper.table.TableLayout;
import dev.authkeeper.testing.CapturedLogs;
import dev.authkeeper.testing.LocalAwsResource;
import dev.authkeeper.testing.Seeds;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/** {@code GET /v1/connections/{id}/access-token}: the cache, the single flight, and every state a connection can be in. */
@QuarkusTest
@TestProfile(ApiTestBase.AccessTokenFunction.class)
@WithTestResource(LocalAwsResource.class)
class AccessTokenFunctionTest extends ApiTestBase {

    @Inject
    ReauthorizeLinks links;
    @Inject
    Disconnections disconnections;
    @Inject
    IntegratorApiFunctions functions;
    @Inject
    ObjectMapper json;

    ApiGatewayResponse token(ConnectionId id) {
        return ApiEvents.get(ApiRoute.ACCESS_TOKEN, id(id));
    }

    @Test
    void aMintedTokenIsCachedAndACachedAnswerCostsOneReadNoKmsCallAndNoWrite() {
        var id = connection("merchant-1", "A1TOKEN00001");
        calls.reset();

        var first = token(id);

        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(first.headers()).containsEntry("Cache-Control", "no-store").containsEntry("Content-Type", "application/json");
        var body = ApiEvents.json(first);
        assertThat(body.path("accessToken").asText()).startsWith("Atza|");
        assertThat(body.path("tokenType").asText()).isEqualTo("bearer");
        assertThat(body.path("connectionId").asText()).isEqualTo(id.value());
        assertThat(body.path("merchantId").asText()).isEqualTo("merchant-1");
        assertThat(body.path("sellingPartnerId").asText()).isEqualTo("A1TOKEN00001");
        assertThat(body.path("region").asText()).isEqualTo("NA");
        assertThat(body.path("endpoint").asText()).isEqualTo("https://sellingpartnerapi-na.amazon.com");
        Instant expiresAt = Instant.parse(body.path("expiresAt").asText());
        assertThat(expiresAt).isBetween(now().plus(Duration.ofMinutes(59)), now().plus(Duration.ofMinutes(61)));
        assertThat(amazon.tokenCalls("refresh_token")).isEqualTo(1);
        var cached = table.items().stream().filter(i -> i.get("sk").s().equals("ACCESS_TOKEN")).findFirst().orElseThrow();
        var sealed = TokenAttributes.sealedToken(cached);
        assertThat(new String(cached.get("token").b().asByteArray(), StandardCharsets.ISO_8859_1))
                .doesNotContain(body.path("accessToken").asText());
        assertThat(cipher.open(TokenKind.ACCESS, id.value(), sealed).value()).as("sealed as an access token of this connection")
                .isEqualTo(body.path("accessToken").asText());
        assertThat(cached.get("expiresAt").n()).isEqualTo(Long.toString(expiresAt.getEpochSecond()));
        assertThat(cached).containsKeys("connectionVersion", "ttl").doesNotContainKeys("leaseUntil", "leaseOwner");
        assertThat(calls.writtenPartitions()).as("a healthy mint writes only the cache entry").containsOnly(TableLayout.connectionKey(id));

        calls.reset();
        var second = token(id);

        assertThat(second.statusCode()).isEqualTo(200);
        assertThat(ApiEvents.json(second).path("accessToken").asText()).isEqualTo(body.path("accessToken").asText());
        assertThat(calls.all()).as("a cached answer: one read, no KMS call, no write").containsExactly("DynamoDb.BatchGetItem");
        assertThat(amazon.tokenCalls("refresh_token")).isEqualTo(1);
    }

    /**
     * Fifty Lambda instances asking at once: the mock event server hands events to one poll loop at a
     * time, so the callers invoke the function's handler directly, each on its own thread, with the
     * event read by Jackson as Funqy reads it.
     */
    @Test
    void fiftyConcurrentCallersOnOneConnectionCauseExactlyOneRefresh() throws Exception {
        // A warm instance: LWA's client and the branch key are ready, so the mint takes about LWA's 300 ms.
        token(connection("merchant-0", "A1WARMUP0001"));
        int refreshes = amazon.tokenCalls("refresh_token");
        var id = connection("merchant-1", "A1CONCURRENT1");
        amazon.latency(Duration.ofMillis(300));
        var start = new CountDownLatch(1);
        var answers = new ArrayList<Future<ApiGatewayResponse>>();
        try (var pool = Executors.newFixedThreadPool(50)) {
            for (int i = 0; i < 50; i++) {
                Callable<ApiGatewayResponse> call = () -> {
                    var event = ApiEvents.Request.of(ApiRoute.ACCESS_TOKEN, id(id));
                    var request = json.convertValue(ApiEvents.event(event), ApiGatewayRequest.class);
                    start.await();
                    return ApiEvents.conforming(event, functions.accessToken(request));
                };
                answers.add(pool.submit(call));
            }
            start.countDown();
            var tokens = new ArrayList<String>();
            for (var answer : answers) {
                var response = answer.get();
                assertThat(response.statusCode()).as("only bounded-wait 503s besides 200").isIn(200, 503);
                if (response.statusCode() == 503) {
                    assertThat(response.headers()).containsKey("Retry-After");
                    assertThat(ApiEvents.json(response).path("error").asText()).isEqualTo("try_again");
                } else {
                    tokens.add(ApiEvents.json(response).path("accessToken").asText());
                }
            }
            assertThat(amazon.tokenCalls("refresh_token") - refreshes).as("one LWA refresh for fifty callers").isEqualTo(1);
            assertThat(tokens).isNotEmpty().containsOnly(tokens.get(0));
        }
    }

    @Test
    void aTokenCloseToItsExpiryOrMintedBeforeAReauthorizationIsMintedAgain() {
        var id = connection("merchant-1", "A1EXPIRY0001");
        String first = ApiEvents.json(token(id)).path("accessToken").asText();

        clock.advance(Duration.ofMinutes(54));
        assertThat(ApiEvents.json(token(id)).path("accessToken").asText()).as("six minutes left: still served").isEqualTo(first);
        clock.advance(Duration.ofMinutes(2));
        String second = ApiEvents.json(token(id)).path("accessToken").asText();
        assertThat(second).as("four minutes left, inside the margin: minted again").isNotEqualTo(first);
        assertThat(amazon.tokenCalls("refresh_token")).isEqualTo(2);

        connection("merchant-1", "A1EXPIRY0001"); // authorized again: a new version
        String third = ApiEvents.json(token(id)).path("accessToken").asText();
        assertThat(third).isNotEqualTo(second);
        assertThat(amazon.tokenCalls("refresh_token")).isEqualTo(3);
    }

    @Test
    void aRefreshTokenLwaRotatedIsKeptAsTheSweepKeepsItAndTheTokenIsStillServedFromTheCache() {
        var id = connection("merchant-1", "A1ROTATED001");
        amazon.rotateRefreshTokens(true);

        var first = token(id);

        assertThat(first.statusCode()).isEqualTo(200);
        String kept = cipher.open(id.value(), table.token(id)).value();
        assertThat(amazon.refreshTokenOf("A1ROTATED001")).contains(kept);
        assertThat(table.history(id)).as("a healthy check adds no history").hasSize(1);
        calls.reset();
        assertThat(token(id).statusCode()).isEqualTo(200);
        assertThat(calls.all()).containsExactly("DynamoDb.BatchGetItem");
        assertThat(amazon.tokenCalls("refresh_token")).isEqualTo(1);
    }

    @Test
    void aRevokedAuthorizationIsRecordedAsTheSweepRecordsItAndAnswered409WithAFreshConnectLink() {
        var id = connection("merchant-r", "A1REVOKED001");
        amazon.revoke("A1REVOKED001");

        var response = token(id);

        assertThat(response.statusCode()).isEqualTo(409);
        var body = ApiEvents.json(response);
        assertThat(body.path("error").asText()).isEqualTo("needs_reauthorization");
        assertThat(body.path("status").asText()).isEqualTo("NEEDS_REAUTHORIZATION");
        assertThat(body.path("reasonCode").asText()).isEqualTo("REVOKED_OR_CHANGED");
        assertThat(body.path("reason").asText()).contains("password");
        assertThat(Instant.parse(body.path("since").asText())).isBetween(now().minusSeconds(60), now());
        String url = body.path("connectLink").path("url").asText();
        assertThat(url).startsWith(aws.publicBaseUrl() + "/authorize?link=");
        assertThat(Instant.parse(body.path("connectLink").path("expiresAt").asText()))
                .isBetween(now().plus(Duration.ofMinutes(59)), now().plus(Duration.ofMinutes(61)));
        var link = links.open(url.substring(url.indexOf("link=") + 5), now()).orElseThrow();
        assertThat(link.merchant()).isEqualTo("merchant-r");
        assertThat(link.connection()).isEqualTo(id.value());
        assertThat(link.origin()).isEqualTo(Seeds.SELLER_CENTRAL.toString());

        assertThat(connections.find(id).orElseThrow().status()).isEqualTo(ConnectionStatus.NEEDS_REAUTHORIZATION);
        assertThat(table.history(id)).anySatisfy(h -> {
            assertThat(h.get("kind").s()).isEqualTo("STATUS_CHANGED");
            assertThat(h.get("to").s()).isEqualTo("NEEDS_REAUTHORIZATION");
        });
        assertThat(table.withPrefix("GUARD#")).as("the mass-rejection guard is fed by the sweep only").isEmpty();
        assertThat(events.settled()).as("as for the sweep, the event waits for the next delivery pass").isEmpty();

        // The alert and the event go out exactly as the sweep's do.
        deliverAfterGroupWindow();
        var event = events.await(1);
        assertThat(event).singleElement().satisfies(e -> {
            assertThat(e.detailType()).isEqualTo("Connection Needs Reauthorization");
            assertThat(e.detail().path("connectionId").asText()).isEqualTo(id.value());
            assertThat(e.detail().path("reason").path("code").asText()).isEqualTo("REVOKED_OR_CHANGED");
        });
        var alert = inbox.await(1);
        assertThat(alert).singleElement().satisfies(a -> {
            assertThat(a.topic()).isEqualTo("merchant");
            assertThat(a.attributes()).containsEntry("merchant", "merchant-r").containsEntry("kind", "NEEDS_REAUTHORIZATION")
                    .containsEntry("connection", id.value());
            assertThat(a.body()).contains("A1REVOKED001").containsPattern("/authorize\\?link=");
        });

        int before = amazon.tokenCalls();
        assertThat(token(id).statusCode()).as("asked again: 409 without another LWA call").isEqualTo(409);
        assertThat(amazon.tokenCalls()).isEqualTo(before);
    }

    @Test
    void whileAMassRejectionHoldsTheConnectionsAlertTheAnswerIs503NotTheSellersFault() {
        var id = connection("merchant-m", "A1HELD000001");
        incidents.open(Incidents.Kind.MASS_REJECTION, "test", now());
        amazon.revoke("A1HELD000001");

        var response = token(id);

        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(response.headers()).containsKey("Retry-After");
        assertThat(ApiEvents.json(response).path("error").asText()).isEqualTo("held_mass_rejection");
        assertThat(ApiEvents.json(response).has("connectLink")).isFalse();
    }

    @Test
    void rejectedAppCredentialsAnswer503OpenTheOperatorIncidentAtOnceAndSpareLwaForAWhile() {
        var id = connection("merchant-a", "A1APPCREDS01");
        amazon.expireClientSecret(true);

        var response = token(id);

        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(response.headers()).containsKey("Retry-After");
        assertThat(ApiEvents.json(response).path("error").asText()).isEqualTo("app_credentials_rejected");
        assertThat(connections.find(id).orElseThrow().status()).isEqualTo(ConnectionStatus.ACTIVE);
        assertThat(inbox.await(1)).singleElement().satisfies(m -> {
            assertThat(m.topic()).isEqualTo("operator");
            assertThat(m.kind()).isEqualTo("APP_CREDENTIALS_REJECTED");
        });
        assertThat(events.await(1)).extracting(e -> e.detail().path("type").asText()).containsExactly("app.credentials_rejected");

        int before = amazon.tokenCalls();
        var again = token(id);
        assertThat(again.statusCode()).isEqualTo(503);
        assertThat(ApiEvents.json(again).path("error").asText()).isEqualTo("app_credentials_rejected");
        assertThat(amazon.tokenCalls()).as("no LWA call while the failure is fresh").isEqualTo(before);
    }

    @Test
    void anLwaOutageAnswers503WithRetryAfterAndNeverBlamesTheMerchant() {
        var id = connection("merchant-o", "A1OUTAGE0001");
        amazon.outage(true);

        var response = token(id);

        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(Integer.parseInt(response.headers().get("Retry-After"))).isPositive();
        assertThat(ApiEvents.json(response).path("error").asText()).isEqualTo("lwa_unavailable");
        assertThat(connections.find(id).orElseThrow().status()).isEqualTo(ConnectionStatus.ACTIVE);
        assertThat(table.connection(id.value()).orElseThrow()).containsKey("lastCheckError");
        assertThat(inbox.settled()).isEmpty();

        amazon.outage(false);
        clock.advance(Duration.ofSeconds(10));
        assertThat(token(id).statusCode()).as("after Retry-After, a fresh attempt").isEqualTo(200);
    }

    @Test
    void unknownDisconnectedMalformedAndUnsignedRequestsGetTheirOwnAnswers() {
        var id = connection("merchant-d", "A1DISCONN001");
        assertThat(token(new ConnectionId("amazon", "NA", "A1NOBODY0001")).statusCode()).isEqualTo(404);

        disconnections.disconnect(id, new Caller(ApiEvents.INTEGRATOR));
        var gone = token(id);
        assertThat(gone.statusCode()).isEqualTo(410);
        assertThat(ApiEvents.json(gone).path("error").asText()).isEqualTo("disconnected");

        var malformed = ApiEvents.get(ApiRoute.ACCESS_TOKEN, java.util.Map.of("id", "amazon:NA"));
        assertThat(malformed.statusCode()).isEqualTo(400);
        assertThat(ApiEvents.json(malformed).path("message").asText()).contains("not a connection id");

        calls.reset();
        var unsigned = ApiEvents.Request.of(ApiRoute.ACCESS_TOKEN, id(id)).unsigned().send();
        assertThat(unsigned.statusCode()).isEqualTo(403);
        assertThat(ApiEvents.json(unsigned).path("error").asText()).isEqualTo("no_identity");
        assertThat(calls.all()).as("nothing read for an unsigned request").isEmpty();

        var otherRoute = ApiEvents.Request.of(ApiRoute.CONNECTION, id(id)).send();
        assertThat(otherRoute.statusCode()).as("the token function serves the token route only").isEqualTo(404);
    }

    @Test
    void aCallerScopedToOneMerchantGetsThatMerchantsTokensAndNoOtherMerchantsOrAnythingMinted() {
        var own = connection("merchant-eu", "A1SCOPED0001");
        var other = connection("merchant-other", "A1SCOPED0002");
        String session = "arn:aws:sts::123456789012:assumed-role/eu-product/order-sync-eu";
        String unnamed = "arn:aws:sts::123456789012:assumed-role/reporting/nightly";
        calls.reset();

        var refused = ApiEvents.Request.of(ApiRoute.ACCESS_TOKEN, id(other)).signedBy(session).send();

        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(ApiEvents.json(refused).path("error").asText()).isEqualTo("outside_scope");
        assertThat(ApiEvents.json(refused).toString()).doesNotContain("merchant-other").doesNotContain("Atza|");
        assertThat(amazon.tokenCalls("refresh_token")).as("nothing minted for it").isZero();
        assertThat(calls.dynamoWrites()).as("nothing written").isEmpty();
        assertThat(ApiEvents.Request.of(ApiRoute.ACCESS_TOKEN, id(own)).signedBy(unnamed).send().statusCode())
                .as("a role the setting does not name gets no merchant").isEqualTo(403);
        assertThat(amazon.tokenCalls("refresh_token")).isZero();

        var granted = ApiEvents.Request.of(ApiRoute.ACCESS_TOKEN, id(own)).signedBy(session).send();
        assertThat(granted.statusCode()).isEqualTo(200);
        assertThat(ApiEvents.json(granted).path("merchantId").asText()).isEqualTo("merchant-eu");
        assertThat(token(other).statusCode()).as("the integrator's role, scoped to every merchant").isEqualTo(200);
        assertThat(ApiEvents.Request.of(ApiRoute.ACCESS_TOKEN, id(new ConnectionId("amazon", "NA", "A1NOBODY0002"))).signedBy(session)
                .send().statusCode()).as("no such connection").isEqualTo(404);
    }

    @Test
    void theCallerIsLoggedAndNoTokenEver() {
        var id = connection("merchant-l", "A1LOGGED0001");
        String refresh = amazon.refreshTokenOf("A1LOGGED0001").orElseThrow();
        amazon.rotateRefreshTokens(true);
        try (var logs = CapturedLogs.capture()) {
            String access = ApiEvents.json(token(id)).path("accessToken").asText();
            token(id);
            String rotated = amazon.refreshTokenOf("A1LOGGED0001").orElseThrow();

            assertThat(logs.text()).contains(ApiEvents.INTEGRATOR).contains("minted").contains("served from the cache");
            assertThat(logs.leaked(List.of(access, refresh, rotated))).isEmpty();
            assertThat(new Secret(access).toString()).doesNotContain(access);
        }
    }
}
