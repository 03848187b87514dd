package dev.bitplan.messaging;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The workers' Kafka machinery is plain kafka-clients, usable without Quarkus (the apps adapt it) and without the engine. */
class LayeringTest {

    private static final JavaClasses MESSAGING = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.bitplan.messaging");

    @Test
    void messagingImportsNoAppFramework() {
        noClasses().should().dependOnClassesThat().resideInAnyPackage("io.quarkus..", "jakarta..", "org.eclipse.microprofile..")
                .check(MESSAGING);
    }

    @Test
    void messagingKnowsNothingOfModelsOrSearch() {
        noClasses().should().dependOnClassesThat().resideInAnyPackage("dev.bitplan.engine..", "dev.bitplan.search..",
                "dev.bitplan.planner..", "ai.onnxruntime..").check(MESSAGING);
    }
}
