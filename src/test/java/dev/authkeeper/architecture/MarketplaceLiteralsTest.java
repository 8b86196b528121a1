package dev.authkeeper.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * Amazon's facts belong in its room ({@code amazon/}, its facts file, its alert templates, the
 * simulator): a string literal naming Amazon, LWA, Seller or Vendor Central or a selling partner
 * anywhere else is a fact that escaped the seam. What is still outside is part of the public
 * contract (published configuration keys, {@code /v1} error codes), listed here with its count and
 * why, and the list only shrinks: a new literal, or one more in a listed file, fails this test.
 */
class MarketplaceLiteralsTest {

    private static final Path MAIN = Path.of("src/main/java/dev/authkeeper");
    /** A string literal on one line, its escaped quotes included. */
    private static final Pattern LITERAL = Pattern.compile("\"(?:[^\"\\\\\\n]|\\\\.)*\"");
    private static final Pattern AMAZON = Pattern.compile(
            "(?i:amazon|\\blwa|seller central|vendor central|sellingpartner|selling partner|login with)");

    private static final Path TEMPLATES = Path.of("src/main/resources/templates");

    /** The public contract, which renaming would break for deployments and clients that rely on it. */
    private static final Map<String, Integer> STILL_OUTSIDE = Map.of(
            // The configuration keys authkeeper.amazon.* of a deployment from before several marketplaces: its
            // mapping, the AuthKeeper secret's clientId that sets authkeeper.amazon.client-id, the prefix of the
            // default app's keys with the id of the marketplace whose apps they configure, and a start-up message
            // naming the key to set.
            "config/AmazonConfig.java", 1,
            "config/SecretsConfigSourceFactory.java", 1,
            "app/Apps.java", 2,
            "app/ClientSecrets.java", 1,
            // Error codes of the published /v1 contract (lwa_unavailable, lwa_unexpected_answer): renaming them breaks clients.
            "api/AccessTokens.java", 2);

    @Test
    void noAmazonLiteralEscapesItsRoom() throws IOException {
        var found = new TreeMap<String, Integer>();
        try (Stream<Path> files = Files.walk(MAIN)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                String relative = MAIN.relativize(file).toString().replace('\\', '/');
                if (relative.startsWith("amazon/") || relative.startsWith("local/")) {
                    continue;
                }
                int count = (int) LITERAL.matcher(withoutComments(Files.readString(file))).results()
                        .filter(literal -> AMAZON.matcher(literal.group()).find()).count();
                if (count > 0) {
                    found.put(relative, count);
                }
            }
        }
        assertThat(found).as("Amazon literals outside amazon/ and local/ (move them behind the seam: amazon/, "
                + "marketplaces/amazon.json or templates/alerts/amazon/; a count that fell: lower it here)").isEqualTo(STILL_OUTSIDE);
    }

    /**
     * The Qute templates every marketplace's alerts and pages are rendered with say nothing of
     * Amazon: Amazon's own words are its facts file's or its templates' ({@code templates/alerts/amazon/}).
     */
    @Test
    void noNeutralTemplateSpeaksOfAmazon() throws IOException {
        var speaking = new TreeMap<String, Long>();
        try (Stream<Path> files = Files.walk(TEMPLATES)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                String relative = TEMPLATES.relativize(file).toString().replace('\\', '/');
                if (relative.startsWith("alerts/amazon/")) {
                    continue;
                }
                long count = AMAZON.matcher(Files.readString(file)).results().count();
                if (count > 0) {
                    speaking.put(relative, count);
                }
            }
        }
        assertThat(speaking).as("templates naming Amazon (word it with the marketplace's facts, or move it to templates/alerts/amazon/)")
                .isEmpty();
    }

    /** The code without its comments: a comment may name Amazon as an example. */
    private static String withoutComments(String source) {
        return source.replaceAll("(?s)/\\*.*?\\*/", "").replaceAll("(?m)^\\s*//.*$", "");
    }
}
