package dev.authkeeper.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.authkeeper.local.shopify.SimulatedShopify;
import dev.authkeeper.testing.LocalAwsResource;
import dev.authkeeper.testing.Profiles;
import dev.authkeeper.testing.Table;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/**
 * {@code infra/import} (its Python module) end to end through the local gateway: a file of 1,000
 * lines of mixed outcomes imported in two runs (the second resumes where the first stopped), then
 * the whole file again, which changes nothing. No token reaches the terminal or the state file.
 */
@QuarkusTest
@TestProfile(Profiles.LocalRun.class)
@WithTestResource(LocalAwsResource.class)
class ImportCommandTest extends LocalRunTestBase {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SHOPIFY = LocalAwsResource.SHOPIFY_APP;

    SimulatedAmazon amazon;
    SimulatedShopify shopify;

    @TempDir
    Path dir;

    @BeforeEach
    void resetAmazon() {
        amazon.reset();
    }

    /** What a run printed: its JSON summary on stdout, everything it said on stderr. */
    record Run(JsonNode summary, String output) {
    }

    @Test
    void aThousandLinesImportedInTwoRunsThenAgainWithNothingChanged() throws Exception {
        var lines = new ArrayList<String>();
        var tokens = new ArrayList<String>();
        var amazonLines = new ArrayList<String>();
        for (int i = 0; i < 400; i++) {
            String seller = "A1IMPORT%04d".formatted(i);
            String token = amazon.issueRefreshToken(seller);
            tokens.add(token);
            amazonLines.add(item(Map.of("marketplace", "amazon", "region", "NA", "accountId", seller, "merchantId", "merchant-" + i % 7,
                    "refreshToken", token)));
        }
        lines.addAll(amazonLines);
        for (int i = 0; i < 100; i++) {
            String seller = "A1REVOKED%04d".formatted(i);
            String token = amazon.issueRefreshToken(seller);
            amazon.revoke(seller);
            tokens.add(token);
            lines.add(item(Map.of("marketplace", "amazon", "region", "NA", "accountId", seller, "merchantId", "merchant-1",
                    "refreshToken", token)));
        }
        for (int i = 0; i < 150; i++) {
            String shop = "import-%03d.myshopify.com".formatted(i);
            var pair = shopify.issueExpiringPair(SHOPIFY, shop);
            tokens.add(pair.refreshToken());
            lines.add(item(Map.of("marketplace", "shopify", "app", SHOPIFY, "accountId", shop, "merchantId", "merchant-2",
                    "refreshToken", pair.refreshToken())));
        }
        for (int i = 0; i < 100; i++) {
            String shop = "legacy-%03d.myshopify.com".formatted(i);
            String token = shopify.issueLegacyToken(SHOPIFY, shop);
            tokens.add(token);
            lines.add(item(Map.of("marketplace", "shopify", "app", SHOPIFY, "accountId", shop, "merchantId", "merchant-3",
                    "accessToken", token)));
        }
        for (int i = 0; i < 50; i++) {
            lines.add("{\"marketplace\": \"amazon\", \"refreshToken\": \"Atzr|cut-off-" + i);
            lines.add(item(Map.of("marketplace", "amazon", "region", "NA", "accountId", "not a seller " + i, "merchantId", "merchant-1",
                    "refreshToken", "Atzr|wrong-" + i)));
        }
        lines.addAll(amazonLines.subList(0, 150));
        assertThat(lines).hasSize(1000);
        Path file = dir.resolve("tokens.jsonl");
        Files.write(file, lines, StandardCharsets.UTF_8);

        var first = run(file, "--max-lines", "450");
        var second = run(file);

        assertThat(first.summary().path("file_lines_acknowledged").asInt()).isEqualTo(450);
        assertThat(second.summary().path("resumed_after_line").asInt()).isEqualTo(450);
        assertThat(second.summary().path("file_lines_acknowledged").asInt()).isEqualTo(1000);
        assertThat(counts(second.summary().path("total"))).containsExactlyInAnyOrderEntriesOf(Map.of("imported", 650,
                "already_present", 150, "rejected", 100, "invalid", 100, "conflict", 0, "failed", 0));
        assertThat(counts(first.summary().path("this_run")).get("imported")
                + counts(second.summary().path("this_run")).get("imported")).isEqualTo(650);

        var table = new Table(dynamo);
        var afterImport = table.items();
        var again = run(file, "--restart");

        assertThat(counts(again.summary().path("this_run"))).containsExactlyInAnyOrderEntriesOf(Map.of("imported", 0,
                "already_present", 800, "rejected", 100, "invalid", 100, "conflict", 0, "failed", 0));
        assertThat(table.items()).isEqualTo(afterImport);
        String state = Files.readString(dir.resolve("tokens.jsonl.import-state"));
        for (var run : List.of(first, second, again)) {
            assertThat(tokens).noneMatch(run.output()::contains);
        }
        assertThat(tokens).noneMatch(state::contains);
        System.out.printf("Import rate through the local gateway: %s items/s (%d items in %s s)%n",
                second.summary().path("items_per_second"), second.summary().path("items_sent").asInt(), second.summary().path("seconds"));
    }

    private Run run(Path file, String... extra) throws IOException, InterruptedException {
        var command = new ArrayList<>(List.of(Path.of(".venv", "bin", "python").toString(), "infra/importer.py", file.toString(),
                "--api", "http://127.0.0.1:" + aws.gatewayPort(), "--default-rate", "0", "--json"));
        command.addAll(List.of(extra));
        var process = new ProcessBuilder(command).redirectOutput(dir.resolve("out").toFile()).redirectError(dir.resolve("err").toFile())
                .start();
        assertThat(process.waitFor(5, TimeUnit.MINUTES)).isTrue();
        String out = Files.readString(dir.resolve("out"));
        String err = Files.readString(dir.resolve("err"));
        assertThat(process.exitValue()).as(err).isZero();
        return new Run(JSON.readTree(out), out + err);
    }

    private static Map<String, Integer> counts(JsonNode node) {
        var counts = new java.util.TreeMap<String, Integer>();
        node.fields().forEachRemaining(e -> counts.put(e.getKey(), e.getValue().asInt()));
        return counts;
    }

    private static String item(Map<String, String> fields) {
        try {
            return JSON.writeValueAsString(new java.util.TreeMap<>(fields));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
