package dev.bitplan.engine;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The engine is a plain library, and one package of it speaks to ONNX Runtime. */
class LayeringTest {

    /** Web, persistence, messaging and training frameworks: the apps' and the qat module's business, never the engine's. */
    private static final String[] FRAMEWORKS = {"io.quarkus..", "jakarta..", "javax.persistence..", "org.hibernate..",
        "org.eclipse.microprofile..", "org.apache.kafka..", "ai.djl.."};

    private static final JavaClasses ENGINE = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.bitplan.engine");

    @Test
    void engineImportsNoFramework() {
        noClasses().should().dependOnClassesThat().resideInAnyPackage(FRAMEWORKS)
                .because("the engine runs in the CLI, the workers and tests alike; the apps adapt it").check(ENGINE);
    }

    @Test
    void onlyTheRuntimePackageImportsOnnxRuntime() {
        noClasses().that().resideOutsideOfPackage("dev.bitplan.engine.runtime..")
                .should().dependOnClassesThat().resideInAPackage("ai.onnxruntime..")
                .because("sessions, options and tensors of ONNX Runtime stay behind engine.runtime's small API").check(ENGINE);
    }

    @Test
    void engineKnowsNothingOfTheSearchOrTheSolver() {
        noClasses().should().dependOnClassesThat().resideInAnyPackage("dev.bitplan.search..", "dev.bitplan.planner..", "dev.bitplan.messaging..")
                .check(ENGINE);
    }
}
