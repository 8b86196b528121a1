package dev.authkeeper.benchmark;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** BENCHMARKS.md, whose measured sections sit between {@code <!-- name:start -->} and {@code <!-- name:end -->}. */
public final class BenchmarksFile {

    private static final Path FILE = Path.of("BENCHMARKS.md");

    private BenchmarksFile() {
    }

    /** What stands between the section's markers now. */
    public static String section(String name) throws IOException {
        String text = Files.readString(FILE);
        int from = text.indexOf(start(name));
        int to = text.indexOf(end(name));
        if (from < 0 || to < 0) {
            throw new IllegalStateException("BENCHMARKS.md lacks the " + name + " markers");
        }
        return text.substring(from + start(name).length(), to);
    }

    /** Replaces what stands between the section's markers with {@code body}. */
    public static void replaceSection(String name, String body) throws IOException {
        String text = Files.readString(FILE);
        String current = section(name);
        int from = text.indexOf(start(name)) + start(name).length();
        Files.writeString(FILE, text.substring(0, from) + "\n" + body + text.substring(from + current.length()));
    }

    private static String start(String name) {
        return "<!-- " + name + ":start -->";
    }

    private static String end(String name) {
        return "<!-- " + name + ":end -->";
    }
}
