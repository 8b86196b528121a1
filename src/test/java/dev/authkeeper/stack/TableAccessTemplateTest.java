package dev.authkeeper.stack;

import static dev.authkeeper.stack.StackTemplate.texts;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

/**
 * Which items of the table each role may write, read from {@code template.yaml} (MiniStack does
 * not enforce IAM, so only the template can prove it): every DynamoDB write is bound to key
 * prefixes by {@code dynamodb:LeadingKeys}, and the internet-facing functions write OAuth states
 * and nothing else.
 */
class TableAccessTemplateTest {

    /** Every DynamoDB action that changes an item, and the wildcards that would include one. */
    private static final Pattern WRITE = Pattern.compile(
            "(?i)dynamodb:(\\*|.*\\*.*|PutItem|UpdateItem|DeleteItem|BatchWriteItem|TransactWriteItems|PartiQLInsert|PartiQLUpdate"
                    + "|PartiQLDelete|ImportTable|RestoreTable.*|DeleteTable|UpdateTable)");
    private static JsonNode resources;

    @BeforeAll
    static void readTemplate() {
        resources = StackTemplate.resources();
    }

    @Test
    void everyTableWriteOfEveryPolicyIsBoundToKeyPrefixes() {
        var unbound = new TreeSet<String>();
        writes().forEach((where, statement) -> {
            List<String> prefixes = texts(statement.at("/Condition/ForAllValues:StringLike/dynamodb:LeadingKeys"));
            boolean present = statement.at("/Condition/Null/dynamodb:LeadingKeys").asText().equals("false");
            boolean bound = !prefixes.isEmpty() && present
                    && prefixes.stream().allMatch(p -> p.matches("[A-Z_]+#\\*"));
            if (!bound) {
                unbound.add(where);
            }
        });
        assertThat(writes()).as("the template's table writes were found at all").hasSizeGreaterThan(8);
        assertThat(unbound).as("table writes without a key-prefix condition").isEmpty();
    }

    @Test
    void theInternetFacingFunctionsWriteStatesOnlyAndOnlyTheTokenRolesWriteBranchKeys() {
        var writable = writablePrefixes();

        assertThat(writable.get("login")).containsExactly("STATE#");
        assertThat(writable.get("authorize")).containsExactly("STATE#");
        assertThat(writable).doesNotContainKey("connections-page");
        writable.forEach((role, prefixes) -> assertThat(prefixes.contains("BRANCH_KEY#")).as(role)
                .isEqualTo(Set.of("callback", "worker", "api-token").contains(role)));
        assertThat(writable.get("api")).containsExactlyInAnyOrder("CONNECTION#", "CONFLICT#");
        assertThat(writable.get("app-notifications")).containsExactlyInAnyOrder("APP#", "NOTICE#");
    }

    @Test
    void thisTestSeesAnUnboundWriteWhereverItIs() throws IOException {
        String unbound = """
                Resources:
                  R:
                    Type: AWS::IAM::Role
                    Properties:
                      RoleName: x-login
                      Policies:
                        - PolicyDocument:
                            Statement:
                              - {Effect: Allow, Action: ['dynamodb:GetItem', 'dynamodb:Update*'], Resource: '*'}
                """;
        var saved = resources;
        try {
            resources = new YAMLMapper().readTree(unbound).get("Resources");
            assertThat(writes()).containsOnlyKeys("R/0");
        } finally {
            resources = saved;
        }
    }

    /** Role name suffix (login, callback, ...) to the key prefixes it may write. */
    private static Map<String, Set<String>> writablePrefixes() {
        var writable = new TreeMap<String, Set<String>>();
        writes().forEach((where, statement) -> {
            JsonNode role = resources.get(where.substring(0, where.indexOf('/')));
            String name = role.at("/Properties/RoleName").asText();
            String suffix = name.substring(name.lastIndexOf('-') + 1);
            String key = name.endsWith("-api-token") ? "api-token"
                    : name.endsWith("-app-notifications") ? "app-notifications"
                    : name.endsWith("-connections-page") ? "connections-page"
                    : name.endsWith("-app-credentials-check") ? "app-credentials-check" : suffix;
            var prefixes = writable.computeIfAbsent(key, k -> new TreeSet<>());
            texts(statement.at("/Condition/ForAllValues:StringLike/dynamodb:LeadingKeys"))
                    .forEach(p -> prefixes.add(p.substring(0, p.length() - 1)));
        });
        return writable;
    }

    /** Every Allow statement granting a table write, by resource id and statement position. */
    private static Map<String, JsonNode> writes() {
        var found = new TreeMap<String, JsonNode>();
        resources.properties().forEach(e -> {
            String type = e.getValue().path("Type").asText();
            var documents = new ArrayList<JsonNode>();
            if (type.equals("AWS::IAM::Role")) {
                e.getValue().at("/Properties/Policies").forEach(p -> documents.add(p.path("PolicyDocument")));
            } else if (type.equals("AWS::IAM::ManagedPolicy") || type.equals("AWS::IAM::Policy")) {
                documents.add(e.getValue().at("/Properties/PolicyDocument"));
            } else if (type.equals("AWS::Serverless::Function")) {
                e.getValue().at("/Properties/Policies").forEach(p -> documents.add(p.path("PolicyDocument")));
            }
            int position = 0;
            for (JsonNode document : documents) {
                for (JsonNode statement : document.path("Statement")) {
                    boolean write = texts(statement.path("Action")).stream().anyMatch(a -> a.equals("*") || WRITE.matcher(a).matches());
                    if (write && statement.path("Effect").asText().equals("Allow")) {
                        found.put(e.getKey() + "/" + position, statement);
                    }
                    position++;
                }
            }
        });
        return found;
    }
}
