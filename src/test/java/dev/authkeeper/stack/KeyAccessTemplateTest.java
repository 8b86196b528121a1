package dev.authkeeper.stack;

import static dev.authkeeper.stack.StackTemplate.texts;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Who can open a token, read from {@code template.yaml} (MiniStack does not enforce IAM or key
 * policies, so the deployed stack cannot prove it locally): only the callback, the sweep worker
 * and the access-token function, by the key policy and by their roles alike.
 */
class KeyAccessTemplateTest {

    private static final Set<String> TOKEN_ROLES = Set.of("callback", "worker", "api-token");
    private static JsonNode resources;

    @BeforeAll
    static void readTemplate() {
        resources = StackTemplate.resources();
    }

    @Test
    void theKeyPolicyDeniesTokenContextsToEveryoneButTheThreeTokenRoles() {
        JsonNode deny = statements(resources.get("Key").at("/Properties/KeyPolicy")).stream()
                .filter(s -> s.path("Sid").asText().equals("OnlyAuthKeeperRolesUseTokenKeys")).findFirst().orElseThrow();

        assertThat(deny.path("Effect").asText()).isEqualTo("Deny");
        assertThat(deny.at("/Principal/AWS").asText()).isEqualTo("*");
        assertThat(texts(deny.path("Action"))).contains("kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey*", "kms:ReEncrypt*");
        assertThat(texts(deny.at("/Condition/ForAnyValue:StringEquals/kms:EncryptionContextKeys")))
                .containsExactlyInAnyOrder("authkeeper:connection", "authkeeper:branch-key");
        var exempt = new TreeSet<String>();
        for (String arn : texts(deny.at("/Condition/ArnNotEquals/aws:PrincipalArn"))) {
            assertThat(arn).startsWith("arn:${AWS::Partition}:iam::${AWS::AccountId}:role/${AWS::StackName}-${AWS::Region}-");
            exempt.add(arn.substring(arn.lastIndexOf("}-") + 2));
        }
        assertThat(exempt).isEqualTo(new TreeSet<>(TOKEN_ROLES));
    }

    @Test
    void onlyTheTokenRolesHoldTheTokenKeysPolicy() {
        var holders = new TreeMap<String, Boolean>();
        roles().forEach((id, role) -> {
            String name = role.at("/Properties/RoleName").asText();
            boolean holds = texts(role.at("/Properties/ManagedPolicyArns")).contains("TokenKeysPolicy");
            holders.put(name.substring(name.lastIndexOf("}-") + 2), holds);
        });

        assertThat(holders).containsKeys("login", "authorize", "callback", "sweep", "worker", "api-token", "api");
        holders.forEach((role, holds) -> assertThat(holds).as(role).isEqualTo(TOKEN_ROLES.contains(role)));
    }

    @Test
    void everyOtherKmsGrantOfARoleIsBoundToAServiceOrItsOwnContext() {
        var seen = new TreeSet<String>();
        roles().forEach((id, role) -> {
            for (JsonNode policy : role.at("/Properties/Policies")) {
                for (JsonNode statement : statements(policy.path("PolicyDocument"))) {
                    boolean kms = texts(statement.path("Action")).stream().anyMatch(a -> a.startsWith("kms:"));
                    if (kms && statement.path("Effect").asText().equals("Allow")) {
                        seen.add(id);
                        assertThat(statement.path("Condition").isMissingNode())
                                .as("%s, statement %s: a KMS grant without a condition", id, statement.path("Sid").asText())
                                .isFalse();
                        assertThat(statement.toString()).as("%s, statement %s", id, statement.path("Sid").asText())
                                .containsAnyOf("kms:ViaService", "kms:EncryptionContext:aws:lambda:FunctionArn");
                    }
                }
            }
        });
        assertThat(seen).as("roles with KMS grants of their own").contains("LoginRole", "CallbackRole", "SweepWorkerRole", "AccessTokenRole");
    }

    private static Map<String, JsonNode> roles() {
        var roles = new TreeMap<String, JsonNode>();
        resources.properties().forEach(e -> {
            if (e.getValue().path("Type").asText().equals("AWS::IAM::Role") && e.getValue().at("/Properties/RoleName").isTextual()) {
                roles.put(e.getKey(), e.getValue());
            }
        });
        return roles;
    }

    private static List<JsonNode> statements(JsonNode document) {
        var all = new ArrayList<JsonNode>();
        document.path("Statement").forEach(all::add);
        return all;
    }
}
