package dev.authkeeper.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.authkeeper.http.ApiGatewayResponse;
import dev.authkeeper.local.shopify.SimulatedShopify;
import dev.authkeeper.table.ConnectionId;
import dev.authkeeper.testing.CapturedLogs;
import dev.authkeeper.testing.LocalAwsResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/** {@code POST /v1/imports}: each token proven once before it is stored, every outcome, and the same batch twice changing nothing. */
@QuarkusTest
@TestProfile(ApiTestBase.AccessTokenFunction.class)
@WithTestResource(LocalAwsResource.class)
class ImportsApiTest extends ApiTestBase {

    private static final String SHOPIFY = LocalAwsResource.SHOPIFY_APP;

    SimulatedShopify shopify;

    @Inject
    ObjectMapper json;

    @Test
    void aMixedBatchImportsWhatItProvesAndTheSameBatchAgainChangesNothing() {
        String valid = amazon.issueRefreshToken("A1IMPORTVALID");
        String revoked = amazon.issueRefreshToken("A1IMPORTREVOKED");
        amazon.revoke("A1IMPORTREVOKED");
        var pair = shopify.issueExpiringPair(SHOPIFY, "import-pair.myshopify.com");
        String legacy = shopify.issueLegacyToken(SHOPIFY, "import-legacy.myshopify.com");
        var held = connection("merchant-other", "A1IMPORTHELD");
        String heldToken = amazon.issueRefreshToken("A1IMPORTHELD");
        var items = json.createArrayNode();
        items.add(amazon("A1IMPORTVALID", "merchant-1", valid));
        items.add(amazon("A1IMPORTREVOKED", "merchant-1", revoked));
        items.add(shopify("IMPORT-PAIR.myshopify.com", "merchant-2", "refreshToken", pair.refreshToken()));
        items.add(shopify("import-legacy.myshopify.com", "merchant-2", "accessToken", legacy));
        items.add(amazon("A1IMPORTVALID", "merchant-1", valid).without("region"));
        items.add(amazon("A1IMPORTVALID", "merchant-1", valid));
        items.add(amazon("A1IMPORTHELD", "merchant-1", heldToken));
        items.add(json.createArrayNode());
        List<String> tokens = List.of(valid, revoked, pair.refreshToken(), pair.accessToken(), legacy, heldToken);
        int refreshesBefore = amazon.tokenCalls("refresh_token");

        JsonNode first;
        try (var logs = CapturedLogs.capture()) {
            var answer = send(items);
            assertThat(answer.statusCode()).isEqualTo(200);
            first = ApiEvents.json(answer).path("results");
            assertThat(tokens).noneMatch(answer.body()::contains);
            assertThat(logs.leaked(tokens)).isEmpty();
        }

        assertThat(outcomes(first)).containsExactly("imported", "rejected", "imported", "imported", "invalid", "already_present",
                "conflict", "invalid");
        assertThat(first.get(0).path("connectionId").asText()).isEqualTo("amazon:NA:A1IMPORTVALID");
        assertThat(first.get(1).path("reason").asText()).isEqualTo("invalid_grant");
        assertThat(first.get(2).path("connectionId").asText()).isEqualTo("shopify:import-pair.myshopify.com");
        assertThat(first.get(3).path("migrated").asBoolean()).isTrue();
        assertThat(first.get(4).path("message").asText()).contains("region");
        assertThat(first.get(6).path("connectionId").asText()).isEqualTo(held.value());
        // One refresh each for the valid and the revoked token; none for the duplicate or the held account.
        assertThat(amazon.tokenCalls("refresh_token") - refreshesBefore).isEqualTo(2);

        var amazonId = new ConnectionId("amazon", "NA", "A1IMPORTVALID");
        var pairId = ConnectionId.of("shopify", "import-pair.myshopify.com");
        var legacyId = ConnectionId.of("shopify", "import-legacy.myshopify.com");
        assertThat(cipher.open(amazonId.value(), table.token(amazonId)).value()).isEqualTo(valid);
        // Shopify rotates: what is kept is the refresh token of the answer, not the one imported.
        String rotated = shopify.currentPair(SHOPIFY, "import-pair.myshopify.com").orElseThrow().refreshToken();
        assertThat(rotated).isNotEqualTo(pair.refreshToken());
        assertThat(cipher.open(pairId.value(), table.token(pairId)).value()).isEqualTo(rotated);
        String migrated = shopify.currentPair(SHOPIFY, "import-legacy.myshopify.com").orElseThrow().refreshToken();
        assertThat(cipher.open(legacyId.value(), table.token(legacyId)).value()).isEqualTo(migrated);
        assertThat(table.connection("amazon:NA:A1IMPORTREVOKED")).isEmpty();
        assertThat(connections.find(held).orElseThrow().merchantId()).isEqualTo("merchant-other");
        for (var id : List.of(amazonId, pairId, legacyId)) {
            var item = table.connection(id.value()).orElseThrow();
            assertThat(item.get("status").s()).isEqualTo("ACTIVE");
            assertThat(item.get("lastFlow").s()).isEqualTo("IMPORT");
        }
        var authorized = events.await(3).stream().filter(e -> e.detailType().equals("Connection Authorized"))
                .map(e -> e.detail().path("connectionId").asText()).toList();
        assertThat(authorized).containsExactlyInAnyOrder(amazonId.value(), pairId.value(), legacyId.value());

        var before = table.items();
        int refreshesBeforeAgain = amazon.tokenCalls("refresh_token");
        var second = ApiEvents.json(send(items)).path("results");

        assertThat(outcomes(second)).containsExactly("already_present", "rejected", "already_present", "already_present", "invalid",
                "already_present", "conflict", "invalid");
        assertThat(table.items()).isEqualTo(before);
        assertThat(amazon.tokenCalls("refresh_token") - refreshesBeforeAgain).as("only the rejected token is tried again").isEqualTo(1);
        assertThat(events.settled().stream().filter(e -> e.detailType().equals("Connection Authorized"))).hasSize(authorized.size());
    }

    @Test
    void aBatchThatIsNotOneIsRefusedWholeAndNothingIsAsked() {
        var tooMany = json.createArrayNode();
        for (int i = 0; i < ImportsRoute.MAX_ITEMS + 1; i++) {
            tooMany.add(amazon("A1IMPORT" + i, "merchant-1", "Atzr|x"));
        }
        int calls = amazon.tokenCalls();
        var before = table.items();

        assertThat(send(tooMany).statusCode()).isEqualTo(400);
        assertThat(send(json.createArrayNode()).statusCode()).isEqualTo(400);
        assertThat(ApiEvents.Request.of(ApiRoute.IMPORTS, Map.of()).body("{\"items\": [").send().statusCode()).isEqualTo(400);
        assertThat(ApiEvents.Request.of(ApiRoute.IMPORTS, Map.of()).body("{\"items\": [], \"more\": 1}").send().statusCode()).isEqualTo(400);
        assertThat(amazon.tokenCalls()).isEqualTo(calls);
        assertThat(table.items()).isEqualTo(before);
    }

    private ApiGatewayResponse send(ArrayNode items) {
        ObjectNode body = json.createObjectNode();
        body.set("items", items);
        return ApiEvents.Request.of(ApiRoute.IMPORTS, Map.of()).body(body.toString()).send();
    }

    private ObjectNode amazon(String seller, String merchant, String token) {
        return json.createObjectNode().put("marketplace", "amazon").put("region", "NA").put("accountId", seller).put("merchantId", merchant)
                .put("refreshToken", token);
    }

    private ObjectNode shopify(String shop, String merchant, String field, String token) {
        return json.createObjectNode().put("marketplace", "shopify").put("app", SHOPIFY).put("accountId", shop).put("merchantId", merchant)
                .put(field, token);
    }

    private static List<String> outcomes(JsonNode results) {
        var outcomes = new ArrayList<String>();
        results.forEach(result -> outcomes.add(result.path("outcome").asText()));
        return outcomes;
    }
}
