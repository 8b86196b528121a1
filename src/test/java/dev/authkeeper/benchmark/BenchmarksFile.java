package dev.authkeeper.benchmark;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** BENCHMARKS.md, whose measured sections sit between {@code <!-- name:start -->} and {@code <!-- name:end -->}. */
public final class BenchmarksFile {

    private BenchmarksFile() {
    }

    /** Replaces what stands between the section's markers with {@code body}. */
    public static void replaceSection(String name, String body) throws IOException {
        String start = "<!-- " + name + ":start -->";
        String end = "<!-- " + name + ":end -->";
        Path file = Path.of("BENCHMARKS.md");
        String text = Files.readString(file);
        int from = text.indexOf(start);
        int to = text.indexOf(end);
        if (from < 0 || to < 0) {
            throw new IllegalStateException("BENCHMARKS.md lacks the " + name + " markers");
        }
        Files.writeString(file, text.substring(0, from + start.length()) + "\n" + body + text.substring(to));
    }
}
