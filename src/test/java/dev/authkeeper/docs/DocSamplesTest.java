package dev.authkeeper.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.authkeeper.testing.Docs;

/** How the pages' samples are found, and how what they print is compared with what the page shows. */
class DocSamplesTest {

    @Test
    void aBashBlockIsASampleUnlessMarkedAndATextBlockRightAfterItIsWhatItPrints(@TempDir Path dir) throws IOException {
        Path page = dir.resolve("page.md");
        Files.writeString(page, """
                # A page

                ```bash
                echo one
                ```

                ```text
                one
                ```

                <!-- not run by the tests: needs an AWS account -->
                ```bash
                aws sts get-caller-identity
                ```

                Some prose.

                ```bash
                echo two
                ```

                Prose between, so this is no output:

                ```text
                two
                ```

                ```json
                {"not": "a sample"}
                ```
                """);

        assertThat(Docs.runnableSamples(page)).containsExactly(
                new Docs.Sample(page, 3, "echo one", Optional.of("one")),
                new Docs.Sample(page, 18, "echo two", Optional.empty()));
    }

    @Test
    void anEllipsisStandsForAnyTextAndEveryLineMustMatch() {
        assertThat(Docs.matches("Atza|…\nACTIVE", "Atza|IwEBIA\nACTIVE\n")).isTrue();
        assertThat(Docs.matches("{\"error\":\"x\",…} 409", "{\"error\":\"x\",\"since\":\"now\"} 409")).isTrue();
        assertThat(Docs.matches("204\n410", "204\n404")).isFalse();
        assertThat(Docs.matches("204\n410", "204")).isFalse();
        assertThat(Docs.matches("a.c", "abc")).as("only … is a wildcard").isFalse();
    }
}
