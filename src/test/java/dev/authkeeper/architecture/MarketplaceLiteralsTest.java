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
 * Amazon's facts belong in its room ({@code amazon/}, its facts file, the simulator): a string
 * literal naming Amazon, LWA, Seller or Vendor Central or a selling partner anywhere else is a fact
 * that escaped the seam. What is still outside is listed here with its count, each for a reason
 * written beside it, and the list only shrinks: a new literal, or one more in a listed file,
 * fails this test.
 */
class MarketplaceLiteralsTest {

    private static final Path MAIN = Path.of("src/main/java/dev/authkeeper");
    private static final Pattern AMAZON_LITERAL = Pattern.compile(
            "\"[^\"\\n]*(?i:amazon|\\blwa|seller central|vendor central|sellingpartner|selling partner|login with)[^\"\\n]*\"");

    /** Known, each with why it is still there. */
    private static final Map<String, Integer> STILL_OUTSIDE = Map.of(
            // The configuration keys of a deployment from before several marketplaces: they stay valid.
            "config/AmazonConfig.java", 1,
            "config/SecretsConfigSourceFactory.java", 2,
            "app/Apps.java", 4,
            "app/ClientSecrets.java", 1,
            // Amazon's client-secret notifications and its operator alerts: to move into amazon/ with the notifications consumer.
            "app/AppNotifications.java", 12,
            "alert/AlertTexts.java", 6,
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
                int count = (int) AMAZON_LITERAL.matcher(withoutComments(Files.readString(file))).results().count();
                if (count > 0) {
                    found.put(relative, count);
                }
            }
        }
        found.forEach((file, count) -> assertThat(count)
                .as("Amazon literals in %s (move them behind the seam: amazon/ or marketplaces/amazon.json)", file)
                .isLessThanOrEqualTo(STILL_OUTSIDE.getOrDefault(file, 0)));
    }

    /** The code without its comments: a comment may name Amazon as an example. */
    private static String withoutComments(String source) {
        return source.replaceAll("(?s)/\\*.*?\\*/", "").replaceAll("(?m)^\\s*//.*$", "");
    }
}
