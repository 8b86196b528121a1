package dev.authkeeper.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import dev.authkeeper.testing.Docs;

/**
 * The table of rooms in docs/architecture.md says what the imports say: every package, and the
 * packages it calls; and it lists them in layers, each room calling only rooms above it.
 */
class ArchitectureRoomsTest {

    private static final Path SOURCES = Path.of("src", "main", "java", "dev", "authkeeper");
    private static final Pattern IMPORT = Pattern.compile("(?m)^import dev\\.authkeeper\\.([a-z]+)\\.");
    private static final Pattern ROOM_ROW = Pattern.compile("^\\| `([a-z]+)` \\|[^|]*\\| ([^|]*) \\|");
    private static final Pattern ROOM = Pattern.compile("`([a-z]+)`");
    private static final String ROOMS = "## The rooms, and which may call which";

    @Test
    void theTableOfRoomsListsEveryPackageAndWhatItImports() throws IOException {
        Map<String, Set<String>> documented = documented();
        Map<String, Set<String>> imported = new TreeMap<>();
        try (Stream<Path> rooms = Files.list(SOURCES)) {
            rooms.filter(Files::isDirectory).forEach(room -> imported.put(room.getFileName().toString(), imports(room)));
        }
        var differences = new TreeSet<String>();
        for (String room : union(documented.keySet(), imported.keySet())) {
            Set<String> said = documented.get(room);
            Set<String> done = imported.get(room);
            if (!Objects.equals(said, done)) {
                differences.add("`" + room + "` calls " + (done == null ? "nothing: no such package" : done)
                        + ", the table says " + (said == null ? "nothing: no row" : said));
            }
        }
        assertThat(differences).as("docs/architecture.md, " + ROOMS).isEmpty();
    }

    @Test
    void eachRoomCallsOnlyRoomsAboveItInTheTable() {
        var above = new TreeSet<String>();
        var upward = new TreeSet<String>();
        documented().forEach((room, calls) -> {
            calls.stream().filter(called -> !above.contains(called))
                    .forEach(called -> upward.add("`" + room + "` calls `" + called + "`, listed below it"));
            above.add(room);
        });
        assertThat(upward).as("docs/architecture.md, " + ROOMS).isEmpty();
    }

    /** The rows of the table of rooms, in their order: each room and the rooms it says it calls. */
    private static Map<String, Set<String>> documented() {
        Map<String, Set<String>> documented = new LinkedHashMap<>();
        String section = "";
        for (String line : Docs.prose(Path.of("docs", "architecture.md"))) {
            if (line.startsWith("## ")) {
                section = line;
            }
            var row = ROOM_ROW.matcher(line);
            if (section.equals(ROOMS) && row.find()) {
                documented.put(row.group(1), ROOM.matcher(row.group(2)).results().map(m -> m.group(1))
                        .collect(Collectors.toCollection(TreeSet::new)));
            }
        }
        return documented;
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        var all = new TreeSet<>(a);
        all.addAll(b);
        return all;
    }

    private static Set<String> imports(Path room) {
        String name = room.getFileName().toString();
        try (Stream<Path> files = Files.walk(room)) {
            return files.filter(file -> file.toString().endsWith(".java")).flatMap(file -> {
                try {
                    return IMPORT.matcher(Files.readString(file)).results().map(m -> m.group(1));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }).filter(imported -> !imported.equals(name)).collect(Collectors.toCollection(TreeSet::new));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
