package dev.authkeeper.docs;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;

import com.tngtech.archunit.core.domain.Dependency;
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

    /**
     * The one edge still pointing up: {@code app} proves a client secret Amazon notified with
     * {@code amazon.NewSecretProof}. Amazon's client-secret notification code is moving into
     * {@code amazon}; when the edge is gone, {@link #theEdgeLeftToRemoveStillExists} fails: delete it here.
     */
    static final String LEFT_FROM = "dev.authkeeper.app";
    static final String LEFT_TO = "dev.authkeeper.amazon";

    @Test
    void noPackageDependsOnOneThatDependsOnItBack() {
        SlicesRuleDefinition.slices().matching("dev.authkeeper.(*)..").should().beFreeOfCycles()
                .ignoreDependency(resideInAPackage(LEFT_FROM), resideInAPackage(LEFT_TO))
                .check(CLASSES);
    }

    @Test
    void theEdgeLeftToRemoveStillExists() {
        assertThat(CLASSES.stream().filter(c -> c.getPackageName().equals(LEFT_FROM))
                .flatMap(c -> c.getDirectDependenciesFromSelf().stream())
                .map(Dependency::getTargetClass)
                .anyMatch(target -> target.getPackageName().equals(LEFT_TO)))
                .as("%s no longer depends on %s: remove the exception from RoomCyclesTest and docs/architecture.md", LEFT_FROM, LEFT_TO)
                .isTrue();
    }
}
