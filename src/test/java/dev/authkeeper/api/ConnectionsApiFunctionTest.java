package dev.authkeeper.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.authkeeper.app.App;
import dev.authkeeper.authorization.SellerConflicts;
import dev.authkeeper.connection.Authorization;
import dev.authkeeper.connection.ConnectionStatus;
import dev.authkeeper.connection.Flow;
import dev.authkeeper.crypto.Secret;
import dev.authkeeper.http.ApiGatewayResponse;
import dev.authkeeper.session.ReauthorizeLinks;
import dev.authkeeper.sweep.SweepWorker;
import dev.authkeeper.table.ConnectionId;
import dev.authkeeper.table.TableLayout;
import dev.authkeeper.testing.LocalAwsResource;
import dev.authkeeper.testing.Seeds;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/** Status, connect links, disconnect and seller conflicts: every {@code /v1} route but the token's. */
@QuarkusTest
@TestProfile(ApiTestBase.ConnectionsApiFunction.class)
@WithTestResource(LocalAwsResource.class)
class ConnectionsApiFunctionTest extends ApiTestBase {

    @Inject
    ReauthorizeLinks links;
    @Inject
    AccessTokens accessTokens;
    @Inject
    SweepWorker sweep;
    @Inject
    SellerConflicts conflicts;

    static Map<String, String> merchant(String merchant) {
        return Map.of("merchantId", merchant);
    }

    ApiGatewayResponse connectLink(String merchant, String body) {
        return ApiEvents.Request.of(ApiRoute.CONNECT_LINK, merchant(merchant)).body(body).send();
    }

    ReauthorizeLinks.Link opened(JsonNode answer) {
        String url = answer.path("url").asText();
        assertThat(url).startsWith(aws.publicBaseUrl() + "/authorize?link=");
        return links.open(url.substring(url.indexOf("link=") + 5), now()).orElseThrow();
    }

    @Test
    void aConnectionWithItsLatestHistoryAndNeverAToken() {
        var id = connection("merchant-1", "A1STATUS0001");
        accessTokens.get(id);
        amazon.revoke("A1STATUS0001");
        sweep.checkNow(id);
        calls.reset();

        var response = ApiEvents.get(ApiRoute.CONNECTION, id(id));

        assertThat(response.statusCode()).isEqualTo(200);
        var body = ApiEvents.json(response);
        assertThat(body.path("connectionId").asText()).isEqualTo(id.value());
        assertThat(body.path("status").asText()).isEqualTo("NEEDS_REAUTHORIZATION");
        assertThat(body.path("reasonCode").asText()).isEqualTo("REVOKED_OR_CHANGED");
        assertThat(body.path("history")).hasSize(2);
        assertThat(body.path("history").get(0).path("kind").asText()).isEqualTo("STATUS_CHANGED");
        assertThat(response.body()).doesNotContain("token").doesNotContain("Atza|").doesNotContain("Atzr|");
        assertThat(calls.countService("Kms")).isZero();
        assertThat(calls.dynamoWrites()).isEmpty();

        assertThat(ApiEvents.get(ApiRoute.CONNECTION, id(new ConnectionId("amazon", "NA", "A1NOBODY0001"))).statusCode()).isEqualTo(404);
    }

    @Test
    void aMerchantsConnectionsComePageByPage() {
        var ids = java.util.stream.IntStream.range(0, 3).mapToObj(i -> connection("merchant-p", "A1PAGE00000" + i)).toList();
        connection("merchant-other", "A1OTHER00001");

        var first = ApiEvents.json(ApiEvents.Request.of(ApiRoute.MERCHANT_CONNECTIONS, merchant("merchant-p")).query("limit=2").send());
        assertThat(first.path("connections")).extracting(c -> c.path("connectionId").asText())
                .containsExactly(ids.get(0).value(), ids.get(1).value());
        String next = first.path("next").asText();
        assertThat(next).isNotEmpty();

        var second = ApiEvents.json(ApiEvents.Request.of(ApiRoute.MERCHANT_CONNECTIONS, merchant("merchant-p"))
                .query("limit=2&next=" + next).send());
        assertThat(second.path("connections")).extracting(c -> c.path("connectionId").asText()).containsExactly(ids.get(2).value());
        assertThat(second.has("next")).isFalse();

        var none = ApiEvents.json(ApiEvents.Request.of(ApiRoute.MERCHANT_CONNECTIONS, merchant("merchant-new")).send());
        assertThat(none.path("connections")).isEmpty();

        for (String bad : new String[] {"limit=0", "limit=101", "limit=ten", "next=not-a-cursor!", "next=" + Base64.getUrlEncoder()
                .encodeToString("nope".getBytes()), "page=2", "limit=1&limit=2", "limit=%zz"}) {
            var refused = ApiEvents.Request.of(ApiRoute.MERCHANT_CONNECTIONS, merchant("merchant-p")).query(bad).send();
            assertThat(refused.statusCode()).as(bad).isEqualTo(400);
            assertThat(ApiEvents.json(refused).path("error").asText()).isEqualTo("bad_request");
        }
        assertThat(ApiEvents.Request.of(ApiRoute.MERCHANT_CONNECTIONS, merchant("merchant/../x")).send().statusCode()).isEqualTo(400);
    }

    @Test
    void connectLinksForANewConnectionInARegionOrForOneOfTheMerchantsConnections() {
        var id = connection("merchant-c", "A1LINKS00001");
        connection("merchant-other", "A1LINKS00002");

        var fresh = connectLink("merchant-c", null);
        assertThat(fresh.statusCode()).isEqualTo(201);
        var body = ApiEvents.json(fresh);
        assertThat(body.path("merchantId").asText()).isEqualTo("merchant-c");
        assertThat(body.path("region").asText()).isEqualTo("NA");
        assertThat(body.has("connectionId")).isFalse();
        assertThat(Instant.parse(body.path("expiresAt").asText())).isBetween(now().plus(Duration.ofMinutes(59)), now().plus(Duration.ofHours(1)));
        var link = opened(body);
        assertThat(link.merchant()).isEqualTo("merchant-c");
        assertThat(link.connection()).isNull();
        assertThat(URI.create(link.origin())).as("the local and test runs' simulated Seller Central stands for NA")
                .isEqualTo(amazon.baseUri());

        var europe = ApiEvents.json(connectLink("merchant-c", "{\"region\": \"EU\"}"));
        assertThat(opened(europe).origin()).isEqualTo("https://sellercentral-europe.amazon.com");
        var farEast = ApiEvents.json(connectLink("merchant-c", "{\"region\": \"FE\"}"));
        assertThat(opened(farEast).origin()).isEqualTo("https://sellercentral.amazon.co.jp");

        var repair = connectLink("merchant-c", "{\"connectionId\": \"" + id.value() + "\"}");
        assertThat(repair.statusCode()).isEqualTo(201);
        assertThat(ApiEvents.json(repair).path("connectionId").asText()).isEqualTo(id.value());
        assertThat(opened(ApiEvents.json(repair)).connection()).isEqualTo(id.value());
        assertThat(opened(ApiEvents.json(repair)).origin()).isEqualTo(Seeds.SELLER_CENTRAL.toString());

        assertThat(link.app()).as("no app named: the default app").isNull();
        var draft = connectLink("merchant-c", "{\"app\": \"" + LocalAwsResource.DRAFT_APP + "\"}");
        assertThat(draft.statusCode()).isEqualTo(201);
        assertThat(opened(ApiEvents.json(draft)).app()).isEqualTo(LocalAwsResource.DRAFT_APP);
        var moveToDraft = connectLink("merchant-c", "{\"connectionId\": \"" + id.value() + "\", \"app\": \"" + LocalAwsResource.DRAFT_APP + "\"}");
        assertThat(opened(ApiEvents.json(moveToDraft)).app()).isEqualTo(LocalAwsResource.DRAFT_APP);

        calls.reset();
        var unknownApp = connectLink("merchant-c", "{\"app\": \"retired-app\"}");
        assertThat(unknownApp.statusCode()).isEqualTo(400);
        assertThat(ApiEvents.json(unknownApp).path("message").asText()).contains("default", LocalAwsResource.DRAFT_APP);
        assertThat(connectLink("merchant-c", "{\"connectionId\": \"amazon:NA:A1LINKS00002\"}").statusCode())
                .as("another merchant's connection").isEqualTo(404);
        assertThat(connectLink("merchant-c", "{\"connectionId\": \"" + id.value() + "\", \"region\": \"EU\"}").statusCode()).isEqualTo(400);
        assertThat(connectLink("merchant-c", "{\"region\": \"SA\"}").statusCode()).isEqualTo(400);
        assertThat(connectLink("merchant-c", "{\"region\": 1}").statusCode()).isEqualTo(400);
        assertThat(connectLink("merchant-c", "{\"colour\": \"red\"}").statusCode()).isEqualTo(400);
        assertThat(connectLink("merchant-c", "{\"region\": \"EU\", \"region\": \"NA\"}").statusCode()).isEqualTo(400);
        assertThat(connectLink("merchant-c", "{\"region\": \"EU\"} trailing").statusCode()).isEqualTo(400);
        assertThat(connectLink("merchant-c", "[\"EU\"]").statusCode()).isEqualTo(400);
        assertThat(connectLink("merchant-c", "{").statusCode()).isEqualTo(400);
        var huge = connectLink("merchant-c", "{\"region\": \"" + "E".repeat(5000) + "\"}");
        assertThat(huge.statusCode()).isEqualTo(413);
        assertThat(ApiEvents.json(huge).path("error").asText()).isEqualTo("body_too_large");
        assertThat(calls.dynamoWrites()).as("nothing stored for bad input").isEmpty();
        assertThat(calls.countService("Kms")).isZero();
    }

    @Test
    void disconnectDestroysTheTokensCancelsWhatWasNotSentAndTellsTheIntegratorsApp() {
        var id = connection("merchant-d", "A1DISCONN001");
        accessTokens.get(id);
        amazon.revoke("A1DISCONN001");
        sweep.checkNow(id); // NEEDS_REAUTHORIZATION: its alert and event wait for the next delivery pass
        assertThat(table.items()).anyMatch(i -> i.containsKey(TableLayout.PENDING_ALERT));
        calls.reset();

        var response = ApiEvents.Request.of(ApiRoute.DISCONNECT, id(id)).send();

        assertThat(response.statusCode()).isEqualTo(204);
        assertThat(response.body()).isEmpty();
        assertThat(calls.countService("Kms")).isZero();
        var item = table.connection(id.value()).orElseThrow();
        assertThat(item.get("status").s()).isEqualTo("DISCONNECTED");
        assertThat(Instant.parse(item.get("disconnectedAt").s())).isBetween(now().minusSeconds(60), now());
        assertThat(item).doesNotContainKeys("token", TableLayout.MERCHANT_KEY, TableLayout.CHECK_PARTITION, TableLayout.CHECK_ORDER,
                TableLayout.DUE_SHARD, TableLayout.NEXT_CHECK_AT, "incidentAlert", "incidentEvent");
        assertThat(table.items()).noneMatch(i -> i.get("sk").s().equals("ACCESS_TOKEN"));
        assertThat(table.items()).as("nothing left to send").noneMatch(i -> i.containsKey(TableLayout.PENDING_ALERT)
                && !i.get("kind").s().equals("EVENT_DISCONNECTED"));
        assertThat(table.history(id)).last().satisfies(h -> {
            assertThat(h.get("to").s()).isEqualTo("DISCONNECTED");
            assertThat(h.get("reason").s()).isEqualTo("DISCONNECTED_BY_INTEGRATOR");
            assertThat(h.get("requestedBy").s()).isEqualTo(ApiEvents.INTEGRATOR);
        });
        assertThat(events.await(1)).singleElement().satisfies(e -> {
            assertThat(e.detailType()).isEqualTo("Connection Disconnected");
            assertThat(e.detail().path("connectionId").asText()).isEqualTo(id.value());
            assertThat(e.detail().path("status").asText()).isEqualTo("DISCONNECTED");
        });
        deliverAfterGroupWindow();
        assertThat(inbox.settled()).as("the merchant is not told of a connection they removed").isEmpty();
        assertThat(events.settled()).hasSize(1);

        var listing = ApiEvents.json(ApiEvents.Request.of(ApiRoute.MERCHANT_CONNECTIONS, merchant("merchant-d")).send());
        assertThat(listing.path("connections")).isEmpty();
        var status = ApiEvents.json(ApiEvents.get(ApiRoute.CONNECTION, id(id)));
        assertThat(status.path("status").asText()).isEqualTo("DISCONNECTED");
        assertThat(status.path("since").asText()).isEqualTo(item.get("disconnectedAt").s());

        calls.reset();
        assertThat(ApiEvents.Request.of(ApiRoute.DISCONNECT, id(id)).send().statusCode()).as("idempotent").isEqualTo(204);
        assertThat(calls.dynamoWrites()).isEmpty();
        assertThat(ApiEvents.Request.of(ApiRoute.DISCONNECT, id(new ConnectionId("amazon", "NA", "A1NOBODY0001"))).send().statusCode())
                .isEqualTo(404);

        // The seller authorizes again later: the connection starts afresh.
        connection("merchant-d", "A1DISCONN001");
        assertThat(connections.find(id).orElseThrow().status()).isEqualTo(ConnectionStatus.ACTIVE);
        assertThat(table.connection(id.value()).orElseThrow()).containsKeys("token", TableLayout.MERCHANT_KEY, TableLayout.CHECK_ORDER)
                .doesNotContainKey("disconnectedAt");
    }

    @Test
    void supportMovesAConnectionToTheClaimantOrDismissesTheClaims() {
        var id = connection("merchant-a", "A1CONFLICT01");
        var claim = new Authorization(id, "merchant-b", App.DEFAULT, Seeds.SELLER_CENTRAL, Flow.WEBSITE,
                cipher.seal(id.value(), new Secret(amazon.issueRefreshToken("A1CONFLICT01"))), now(), now().plus(Duration.ofDays(365)));
        conflicts.record(claim, now());
        calls.reset();

        var noClaim = ApiEvents.Request.of(ApiRoute.TRANSFER, id(id)).body("{\"toMerchant\": \"merchant-c\"}").send();
        assertThat(noClaim.statusCode()).isEqualTo(409);
        assertThat(ApiEvents.json(noClaim).path("error").asText()).isEqualTo("no_claim");
        assertThat(ApiEvents.Request.of(ApiRoute.TRANSFER, id(id)).body("{}").send().statusCode()).isEqualTo(400);
        assertThat(ApiEvents.Request.of(ApiRoute.TRANSFER, id(id)).body("{\"toMerchant\": \"a b\"}").send().statusCode()).isEqualTo(400);

        var moved = ApiEvents.Request.of(ApiRoute.TRANSFER, id(id)).body("{\"toMerchant\": \"merchant-b\"}").send();

        assertThat(moved.statusCode()).isEqualTo(200);
        assertThat(ApiEvents.json(moved).path("fromMerchant").asText()).isEqualTo("merchant-a");
        assertThat(ApiEvents.json(moved).path("toMerchant").asText()).isEqualTo("merchant-b");
        assertThat(connections.find(id).orElseThrow().merchantId()).isEqualTo("merchant-b");
        assertThat(calls.countService("Kms")).as("the claim's token moves sealed").isZero();
        assertThat(table.history(id)).last().satisfies(h -> {
            assertThat(h.get("kind").s()).isEqualTo("TRANSFERRED");
            assertThat(h.get("fromMerchantId").s()).isEqualTo("merchant-a");
            assertThat(h.get("requestedBy").s()).isEqualTo(ApiEvents.INTEGRATOR);
        });

        conflicts.record(new Authorization(id, "merchant-a", App.DEFAULT, Seeds.SELLER_CENTRAL, Flow.WEBSITE,
                cipher.seal(id.value(), new Secret("Atzr|claim")), now(), now().plus(Duration.ofDays(365))), now());
        var dismissed = ApiEvents.Request.of(ApiRoute.DISMISS_CLAIMS, id(id)).send();
        assertThat(dismissed.statusCode()).isEqualTo(200);
        assertThat(ApiEvents.json(dismissed).path("claimsRemoved").asInt()).isEqualTo(1);
        assertThat(conflicts.claims(id)).isEmpty();
        assertThat(connections.find(id).orElseThrow().merchantId()).isEqualTo("merchant-b");

        var unknown = new ConnectionId("amazon", "NA", "A1NOBODY0001");
        assertThat(ApiEvents.Request.of(ApiRoute.TRANSFER, id(unknown)).body("{\"toMerchant\": \"merchant-b\"}").send().statusCode())
                .isEqualTo(404);
        assertThat(ApiEvents.Request.of(ApiRoute.DISMISS_CLAIMS, id(unknown)).send().statusCode()).isEqualTo(404);
    }

    @Test
    void unsignedRequestsWrongMethodsAndTheTokenRouteAreRefusedAsJson() {
        var id = connection("merchant-x", "A1REFUSED001");
        calls.reset();

        var unsigned = ApiEvents.Request.of(ApiRoute.DISCONNECT, id(id)).unsigned().send();
        assertThat(unsigned.statusCode()).isEqualTo(403);
        assertThat(ApiEvents.json(unsigned).path("message").asText()).contains("Signature Version 4");
        var notAnArn = new ApiEvents.Request(ApiRoute.CONNECTION.routeKey(), id(id), "", null, false,
                java.util.Optional.of("someone"), Map.of());
        assertThat(notAnArn.send().statusCode()).isEqualTo(403);
        assertThat(calls.all()).isEmpty();

        var put = ApiEvents.Request.of(ApiRoute.CONNECTION, id(id)).routeKey("PUT /v1/connections/{id}").send();
        assertThat(put.statusCode()).isEqualTo(405);
        assertThat(ApiEvents.json(put).path("message").asText()).contains("GET").contains("DELETE");
        assertThat(ApiEvents.Request.of(ApiRoute.CONNECTION, id(id)).routeKey("GET /v2/anything").send().statusCode()).isEqualTo(404);
        assertThat(ApiEvents.get(ApiRoute.ACCESS_TOKEN, id(id)).statusCode()).as("the token route is another function's").isEqualTo(404);
        assertThat(connections.find(id).orElseThrow().status()).isEqualTo(ConnectionStatus.ACTIVE);

        var escaped = ApiEvents.get(ApiRoute.CONNECTION, Map.of("id", "amazon%3ANA%3AA1REFUSED001"));
        assertThat(escaped.statusCode()).as("an id escaped once more still names the connection").isEqualTo(200);
    }
}
