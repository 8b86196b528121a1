package dev.authkeeper.stack;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.TreeMap;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Who the stack lets invoke its functions, from {@code template.yaml} (MiniStack does not enforce
 * Lambda resource policies): only this stack's HTTP API, each function for its own routes, and
 * no function URL. Nobody outside the account can invoke a function directly; inside it, only a
 * principal whose own IAM policy grants lambda:InvokeFunction can (SECURITY.md, residual risks).
 */
class InvokePermissionsTemplateTest {

    private static final String THIS_API = "arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:${HttpApi}/*/";

    @Test
    void onlyThisStacksApiMayInvokeAFunctionAndTheV1FunctionsOnlyForV1Routes() {
        JsonNode resources = StackTemplate.resources();
        var routes = new TreeMap<String, String>();
        resources.properties().forEach(e -> {
            String type = e.getValue().path("Type").asText();
            assertThat(type).as(e.getKey()).isNotEqualTo("AWS::Lambda::Url");
            assertThat(e.getValue().at("/Properties/FunctionUrlConfig").isMissingNode()).as(e.getKey()).isTrue();
            if (type.equals("AWS::Lambda::Permission")) {
                JsonNode permission = e.getValue().path("Properties");
                assertThat(permission.path("Action").asText()).as(e.getKey()).isEqualTo("lambda:InvokeFunction");
                assertThat(permission.path("Principal").asText()).as(e.getKey()).isEqualTo("apigateway.amazonaws.com");
                String source = permission.path("SourceArn").asText();
                assertThat(source).as(e.getKey()).startsWith(THIS_API);
                routes.merge(permission.path("FunctionName").asText(), source.substring(THIS_API.length()), (a, b) -> a + " " + b);
            }
        });

        // The token function opens and seals tokens: the access-token route and the import, which proves and seals imported tokens.
        assertThat(routes).containsEntry("AccessTokenFunction.Alias", "GET/v1/connections/*/access-token POST/v1/imports")
                .containsEntry("ConnectionsApiFunction.Alias", "*/v1/*");
        routes.forEach((function, allowed) -> {
            if (!function.startsWith("AccessTokenFunction") && !function.startsWith("ConnectionsApiFunction")) {
                assertThat(allowed).as(function + ": a public function is never invoked for a /v1 route").doesNotContain("/v1");
            }
        });
    }
}
