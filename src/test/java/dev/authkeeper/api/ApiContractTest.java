package dev.authkeeper.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.authkeeper.testing.ApiContract;

/**
 * The published contract holds together (every example it gives satisfies its own schema) and is
 * strict enough to catch an answer that drifted from it.
 */
class ApiContractTest {

    private static final Map<String, String> HEADERS = Map.of("Content-Type", "application/json", "Cache-Control", "no-store");
    private static final String CONNECTION = "GET /v1/connections/{id}";

    @Test
    void everyExampleInTheDocumentSatisfiesItsSchema() {
        var checked = new ArrayList<String>();
        var findings = new ArrayList<String>();
        examples(ApiContract.document(), "", (pointer, schema, value) -> {
            checked.add(pointer);
            ApiContract.schemaFindings(schema, value).forEach(f -> findings.add(pointer + ": " + f));
        });
        assertThat(findings).isEmpty();
        assertThat(checked).as("examples found").hasSizeGreaterThan(20);
    }

    @Test
    void anAnswerThatDriftedFromTheContractIsCaught() {
        ObjectNode connection = example("/paths/~1v1~1connections~1{id}/get/responses/200/content/application~1json/examples/needsReauthorization");
        assertThat(ApiContract.findings(CONNECTION, 200, HEADERS, connection.toString())).isEmpty();

        assertThat(ApiContract.findings(CONNECTION, 200, HEADERS, connection.deepCopy().without("marketplace").toString()))
                .as("a required field missing").isNotEmpty();
        assertThat(ApiContract.findings(CONNECTION, 200, HEADERS, connection.deepCopy().put("refreshToken", "Atzr|x").toString()))
                .as("a field the contract does not have").isNotEmpty();
        assertThat(ApiContract.findings(CONNECTION, 200, HEADERS, connection.deepCopy().put("status", "EXPIRED").toString()))
                .as("a status outside the enumeration").isNotEmpty();
        assertThat(ApiContract.findings(CONNECTION, 200, HEADERS, connection.deepCopy().without("sellingPartnerId").toString()))
                .as("an Amazon connection without its selling partner").isNotEmpty();
        assertThat(ApiContract.findings(CONNECTION, 200, HEADERS, connection.deepCopy().put("authorizedAt", "yesterday").toString()))
                .as("a timestamp that is not one").isNotEmpty();
        assertThat(ApiContract.findings(CONNECTION, 200, Map.of("Content-Type", "application/json"), connection.toString()))
                .as("Cache-Control missing").isNotEmpty();
        assertThat(ApiContract.findings(CONNECTION, 418, HEADERS, connection.toString())).as("an undocumented status").isNotEmpty();
        assertThat(ApiContract.findings("PUT /v1/connections/{id}", 200, HEADERS, connection.toString())).as("an undocumented route")
                .isNotEmpty();

        ObjectNode shopify = connection.deepCopy().put("marketplace", "shopify").put("connectionId", "shopify:acme-store.myshopify.com")
                .put("accountId", "acme-store.myshopify.com").without(List.of("region", "regionName", "sellingPartnerId"));
        assertThat(ApiContract.findings(CONNECTION, 200, HEADERS, shopify.toString())).as("a Shopify connection without its shop")
                .isNotEmpty();
        assertThat(ApiContract.findings(CONNECTION, 200, HEADERS, shopify.put("shopDomain", "acme-store.myshopify.com").toString()))
                .as("a Shopify connection").isEmpty();

        String busy = "{\"error\": \"try_again\", \"message\": \"Send the same DELETE again.\"}";
        assertThat(ApiContract.findings("DELETE /v1/connections/{id}", 503, HEADERS, busy)).as("Retry-After missing").isNotEmpty();
        assertThat(ApiContract.findings("DELETE /v1/connections/{id}", 503, Map.of("Content-Type", "application/json",
                "Cache-Control", "no-store", "Retry-After", "1"), busy)).isEmpty();
        assertThat(ApiContract.findings("DELETE /v1/connections/{id}", 204, HEADERS, busy)).as("a body on 204").isNotEmpty();
        assertThat(ApiContract.findings("DELETE /v1/connections/{id}", 404, HEADERS, "{\"error\": \"gone\", \"message\": \"m\"}"))
                .as("an error code the status does not have").isNotEmpty();
    }

    private static ObjectNode example(String pointer) {
        return (ObjectNode) ApiContract.document().at(pointer + "/value").deepCopy();
    }

    interface ExampleVisitor {
        void visit(String pointer, String schemaPointer, JsonNode value);
    }

    /** Every example under {@code node}: a media type's or parameter's {@code examples} and {@code example}, a schema's {@code examples}. */
    private static void examples(JsonNode node, String pointer, ExampleVisitor visitor) {
        if (!node.isContainerNode()) {
            return;
        }
        if (node.isObject()) {
            if (node.has("schema")) {
                node.path("examples").properties().forEach(e -> visitor.visit(pointer + "/examples/" + e.getKey(), pointer + "/schema",
                        e.getValue().path("value")));
                if (node.has("example")) {
                    visitor.visit(pointer + "/example", pointer + "/schema", node.get("example"));
                }
            } else if (node.path("examples").isArray()) {
                for (int i = 0; i < node.get("examples").size(); i++) {
                    visitor.visit(pointer + "/examples/" + i, pointer, node.get("examples").get(i));
                }
            }
            node.properties().forEach(e -> examples(e.getValue(), pointer + "/" + e.getKey().replace("~", "~0").replace("/", "~1"), visitor));
        } else {
            for (int i = 0; i < node.size(); i++) {
                examples(node.get(i), pointer + "/" + i, visitor);
            }
        }
    }
}
