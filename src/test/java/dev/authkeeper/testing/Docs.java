package dev.authkeeper.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The repository's Markdown pages (README.md, the other top-level pages and everything under docs/)
 * and the {@code bash} samples in them.
 *
 * <p>A sample is a fenced {@code bash} block. It is run by {@code LocalApiWalkTest} against the local
 * run unless the line before its fence is an HTML comment that starts with {@value #NOT_RUN} (a
 * sample that needs an AWS account, say), which the page also says in words. A {@code text} block
 * that follows a sample with only blank lines between is what the sample prints; {@code …} in it
 * stands for any text.
 */
public final class Docs {

    public static final String NOT_RUN = "<!-- not run by the tests";

    /** One sample: where it starts, its script, and the output the page shows for it, if any. */
    public record Sample(Path page, int line, String script, Optional<String> output) {
    }

    private Docs() {
    }

    /** README.md, the other top-level pages, and docs/**&#47;*.md, in a stable order. */
    public static List<Path> pages() {
        var pages = new ArrayList<Path>();
        try (Stream<Path> top = Files.list(Path.of("."));
                Stream<Path> docs = Files.walk(Path.of("docs"))) {
            top.filter(Docs::isMarkdown).map(Path::normalize).sorted().forEach(pages::add);
            docs.filter(Docs::isMarkdown).map(Path::normalize).sorted().forEach(pages::add);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return pages;
    }

    private static boolean isMarkdown(Path path) {
        return Files.isRegularFile(path) && path.getFileName().toString().endsWith(".md");
    }

    public static List<String> lines(Path page) {
        try {
            return Files.readAllLines(page);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The page's lines outside fenced code blocks. */
    public static List<String> prose(Path page) {
        var prose = new ArrayList<String>();
        boolean inCode = false;
        for (String line : lines(page)) {
            if (line.strip().startsWith("```")) {
                inCode = !inCode;
            } else if (!inCode) {
                prose.add(line);
            }
        }
        return prose;
    }

    /** The page's samples that the tests run, in page order. */
    public static List<Sample> runnableSamples(Path page) {
        List<String> lines = lines(page);
        var samples = new ArrayList<Sample>();
        String previous = "";
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (!line.startsWith("```")) {
                if (!line.isEmpty()) {
                    previous = line;
                }
                continue;
            }
            String info = line.substring(3).strip();
            int end = closing(lines, i);
            if (info.equals("bash") && !previous.startsWith(NOT_RUN)) {
                samples.add(new Sample(page, i + 1, String.join("\n", lines.subList(i + 1, end)), outputAfter(lines, end)));
            }
            previous = "```";
            i = end;
        }
        return samples;
    }

    /** The line of the fence that closes the block opened at {@code open}. */
    private static int closing(List<String> lines, int open) {
        for (int i = open + 1; i < lines.size(); i++) {
            if (lines.get(i).strip().equals("```")) {
                return i;
            }
        }
        throw new IllegalStateException("a code block opened on line " + (open + 1) + " is never closed");
    }

    private static Optional<String> outputAfter(List<String> lines, int end) {
        int i = end + 1;
        while (i < lines.size() && lines.get(i).isBlank()) {
            i++;
        }
        if (i < lines.size() && lines.get(i).strip().equals("```text")) {
            return Optional.of(String.join("\n", lines.subList(i + 1, closing(lines, i))));
        }
        return Optional.empty();
    }

    /** Whether {@code actual} is what the page shows, line by line, {@code …} standing for any text. */
    public static boolean matches(String shown, String actual) {
        List<String> expected = shown.strip().lines().toList();
        List<String> got = actual.strip().lines().toList();
        if (expected.size() != got.size()) {
            return false;
        }
        for (int i = 0; i < expected.size(); i++) {
            var pattern = new StringBuilder();
            for (String part : expected.get(i).strip().split("…", -1)) {
                pattern.append(pattern.isEmpty() ? "" : ".*").append(java.util.regex.Pattern.quote(part));
            }
            if (!got.get(i).strip().matches(pattern.toString())) {
                return false;
            }
        }
        return true;
    }
}
