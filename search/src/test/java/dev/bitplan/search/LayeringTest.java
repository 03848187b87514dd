package dev.bitplan.search;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The search pipeline is a plain library over the engine and the planner, shared by the CLI and both workers. */
class LayeringTest {

    private static final String[] FRAMEWORKS = {"io.quarkus..", "jakarta..", "javax.persistence..", "org.hibernate..",
        "org.eclipse.microprofile..", "org.apache.kafka.."};

    private static final JavaClasses SEARCH = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.bitplan.search");

    @Test
    void searchImportsNoFramework() {
        noClasses().should().dependOnClassesThat().resideInAnyPackage(FRAMEWORKS)
                .because("the same pipeline runs in `bitplan search` and in the workers; Kafka and REST are the apps' adapters")
                .check(SEARCH);
    }

    @Test
    void searchKnowsNothingOfTraining() {
        noClasses().should().dependOnClassesThat().resideInAnyPackage("ai.djl..", "dev.bitplan.qat..")
                .because("the api and the search workers run the search without libtorch; QAT plugs in as a CandidateTuner")
                .check(SEARCH);
    }

    @Test
    void searchReachesOnnxRuntimeOnlyThroughTheEngine() {
        noClasses().should().dependOnClassesThat().resideInAPackage("ai.onnxruntime..").check(SEARCH);
    }
}
