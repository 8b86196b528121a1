package dev.authkeeper.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import dev.authkeeper.testing.Docs;

/** The Markdown pages hold together: every relative link leads somewhere, and every page under docs/ can be reached from the README. */
class DocsLinksTest {

    private static final Pattern LINK = Pattern.compile("\\]\\(([^)\\s]+)\\)");
    private static final Pattern INLINE_CODE = Pattern.compile("`[^`]*`");
    private static final Pattern ANCHOR = Pattern.compile("<a (?:id|name)=\"([^\"]+)\"");

    @Test
    void everyRelativeLinkLeadsToAFileAndHeadingThatExist() {
        var broken = new ArrayList<String>();
        for (Path page : Docs.pages()) {
            for (String target : links(page)) {
                String problem = problem(page, target);
                if (problem != null) {
                    broken.add(page + ": " + target + " (" + problem + ")");
                }
            }
        }
        assertThat(broken).isEmpty();
    }

    @Test
    void everyPageUnderDocsIsReachableFromTheReadme() {
        var reached = new HashSet<Path>();
        var toVisit = new ArrayDeque<Path>(List.of(Path.of("README.md")));
        while (!toVisit.isEmpty()) {
            Path page = toVisit.pop();
            if (!reached.add(page)) {
                continue;
            }
            for (String target : links(page)) {
                Path file = file(page, target);
                if (file != null && file.toString().endsWith(".md") && Files.isRegularFile(file)) {
                    toVisit.push(file);
                }
            }
        }
        assertThat(Docs.pages().stream().filter(page -> page.startsWith("docs")).filter(page -> !reached.contains(page)))
                .as("pages no link from the README leads to").isEmpty();
    }

    /** The page's link targets outside code, relative ones only. */
    static List<String> links(Path page) {
        var targets = new ArrayList<String>();
        for (String line : Docs.prose(page)) {
            var matcher = LINK.matcher(INLINE_CODE.matcher(line).replaceAll(""));
            while (matcher.find()) {
                String target = matcher.group(1);
                if (!target.matches("^[a-z]+:.*")) {
                    targets.add(target);
                }
            }
        }
        return targets;
    }

    /** The file a link leads to, or null when it stays on its page. */
    static Path file(Path page, String target) {
        String path = target.contains("#") ? target.substring(0, target.indexOf('#')) : target;
        Path parent = page.getParent() == null ? Path.of("") : page.getParent();
        return path.isEmpty() ? null : parent.resolve(path).normalize();
    }

    static String problem(Path page, String target) {
        Path file = file(page, target);
        if (file != null && !Files.exists(file)) {
            return "no such file " + file;
        }
        if (!target.contains("#")) {
            return null;
        }
        Path anchored = file == null ? page : file;
        String anchor = target.substring(target.indexOf('#') + 1);
        if (!anchored.toString().endsWith(".md")) {
            return null; // a line or a heading of another kind of file
        }
        return anchors(anchored).contains(anchor) ? null : "no heading or anchor #" + anchor + " in " + anchored;
    }

    /** The anchors GitHub gives the page's headings, and its own {@code <a id>} anchors. */
    static Set<String> anchors(Path page) {
        var anchors = new HashSet<String>();
        Map<String, Integer> seen = new HashMap<>();
        for (String line : Docs.prose(page)) {
            ANCHOR.matcher(line).results().forEach(m -> anchors.add(m.group(1)));
            if (line.startsWith("#")) {
                String slug = line.replaceFirst("^#+\\s*", "").strip().toLowerCase(Locale.ROOT)
                        .replaceAll("[^\\p{L}\\p{N} _-]", "").replace(' ', '-');
                int n = seen.merge(slug, 1, Integer::sum);
                anchors.add(n == 1 ? slug : slug + "-" + (n - 1));
            }
        }
        return anchors;
    }
}
