package dev.authkeeper.stack;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Who may read a client secret, from {@code template.yaml} (MiniStack does not enforce IAM): the
 * signing keys and the apps' LWA client secrets are separate secrets, and only the functions that
 * call LWA (or store a rotated secret) are granted a client secret; the internet-facing login,
 * authorize and status-page functions read the signing keys only.
 */
class SecretAccessTemplateTest {

    private static final Set<String> CLIENT_SECRETS = Set.of("DefaultAppSecret", "SecondAppSecret");
    private static final Set<String> CLIENT_SECRET_POLICIES = Set.of("ClientSecretReadPolicy", "SecondAppSecretReadPolicy");
    private static JsonNode template;
    private static JsonNode resources;

    @BeforeAll
    static void readTemplate() {
        template = StackTemplate.read();
        resources = template.get("Resources");
    }

    @Test
    void theSigningKeysSecretHoldsNoClientSecretAndTheDefaultAppsHasASecretOfItsOwn() {
        assertThat(resources.at("/Secrets/Properties/GenerateSecretString/SecretStringTemplate").asText())
                .contains("sessionSecret").doesNotContain("clientSecret");
        assertThat(resources.at("/DefaultAppSecret/Type").asText()).isEqualTo("AWS::SecretsManager::Secret");
        assertThat(template.at("/Globals/Function/Environment/Variables/AUTHKEEPER_AMAZON_CLIENT_SECRET_ID").asText())
                .isEqualTo("DefaultAppSecret");
    }

    @Test
    void onlyTheFunctionsThatCallLwaOrStoreARotatedSecretMayReadAClientSecret() {
        var readers = new TreeMap<String, Boolean>();
        resources.properties().forEach(e -> {
            JsonNode role = e.getValue();
            if (!role.path("Type").asText().equals("AWS::IAM::Role") || !role.at("/Properties/RoleName").isTextual()) {
                return;
            }
            String name = role.at("/Properties/RoleName").asText();
            String managed = role.at("/Properties/ManagedPolicyArns").toString();
            boolean reads = CLIENT_SECRET_POLICIES.stream().anyMatch(managed::contains);
            for (JsonNode policy : role.at("/Properties/Policies")) {
                for (JsonNode statement : policy.at("/PolicyDocument/Statement")) {
                    String granted = statement.path("Resource").toString() + statement.path("Condition").toString();
                    reads |= statement.path("Effect").asText().equals("Allow") && CLIENT_SECRETS.stream().anyMatch(granted::contains);
                }
            }
            readers.put(name.substring(name.indexOf("${AWS::Region}-") + "${AWS::Region}-".length()), reads);
        });

        var expected = new TreeSet<>(Set.of("callback", "worker", "api-token", "app-credentials-check", "app-notifications"));
        assertThat(readers).containsKeys("login", "authorize", "connections-page", "sweep", "api");
        readers.forEach((role, reads) -> assertThat(reads).as(role).isEqualTo(expected.contains(role)));
    }

    @Test
    void eBaysAndTikTokShopsSecretsReachOnlyTheFunctionsThatCallThemAndEtsysReachesNone() {
        var expected = Set.of("callback", "worker", "api-token", "notifications");
        assertThat(readersOf("EbaySecret")).isEqualTo(expected);
        assertThat(readersOf("TikTokSecret")).isEqualTo(expected);
        // Etsy's token endpoint takes no client secret: its shared secret is kept for the integrator's product only.
        assertThat(readersOf("EtsySecret")).isEmpty();
        assertThat(resources.has("EtsySecretReadPolicy")).isFalse();
        for (String secret : List.of("EtsySecret", "EbaySecret", "TikTokSecret")) {
            assertThat(resources.at("/" + secret + "/Properties/SecretString").asText()).as(secret).isEqualTo("{\"clientSecret\":\"REPLACE_ME\"}");
        }
    }

    /** The roles (by the name after the region) that a statement or the secret's read policy lets read {@code secret}. */
    private static Set<String> readersOf(String secret) {
        String policy = secret + "ReadPolicy";
        var readers = new TreeSet<String>();
        resources.properties().forEach(e -> {
            JsonNode role = e.getValue();
            if (!role.path("Type").asText().equals("AWS::IAM::Role") || !role.at("/Properties/RoleName").isTextual()) {
                return;
            }
            boolean reads = role.at("/Properties/ManagedPolicyArns").toString().contains("\"" + policy + "\"");
            for (JsonNode inline : role.at("/Properties/Policies")) {
                reads |= inline.at("/PolicyDocument").toString().contains("\"" + secret + "\"");
            }
            if (reads) {
                String name = role.at("/Properties/RoleName").asText();
                readers.add(name.substring(name.indexOf("${AWS::Region}-") + "${AWS::Region}-".length()));
            }
        });
        return readers;
    }
}
