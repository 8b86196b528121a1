package dev.authkeeper.docs;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.library.dependencies.SlicesRuleDefinition;

/**
 * No package under {@code dev.authkeeper} depends on a package that depends on it back, however
 * indirectly: read from the compiled classes, so a class named by its full name counts as much as
 * an import does. docs/architecture.md lists the rooms in the order this makes possible.
 */
class RoomCyclesTest {

    private static final JavaClasses CLASSES = new ClassFileImporter().importPath(Path.of("target", "classes"));

    @Test
    void noPackageDependsOnOneThatDependsOnItBack() {
        SlicesRuleDefinition.slices().matching("dev.authkeeper.(*)..").should().beFreeOfCycles().check(CLASSES);
    }
}
