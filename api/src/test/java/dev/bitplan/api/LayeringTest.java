package dev.bitplan.api;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * REST is the outermost layer of the api: services and persistence throw domain exceptions that {@code rest.ProblemMapper}
 * turns into problem+json, and never see a resource, a status code or a problem type.
 */
class LayeringTest {

    private static final JavaClasses API = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.bitplan.api");

    @Test
    void servicesDoNotImportRest() {
        noClasses().that().resideInAPackage("dev.bitplan.api.service..")
                .should().dependOnClassesThat().resideInAPackage("dev.bitplan.api.rest..").check(API);
    }

    @Test
    void persistenceDoesNotImportRest() {
        noClasses().that().resideInAPackage("dev.bitplan.api.persistence..")
                .should().dependOnClassesThat().resideInAPackage("dev.bitplan.api.rest..").check(API);
    }
}
