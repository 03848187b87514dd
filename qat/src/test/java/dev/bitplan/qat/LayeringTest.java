package dev.bitplan.qat;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The training library is plain Java over the engine and the search: the cli and the evaluator adapt it. */
class LayeringTest {

    private static final JavaClasses QAT = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.bitplan.qat");

    @Test
    void qatImportsNoFrameworkAndNoMessaging() {
        noClasses().should().dependOnClassesThat().resideInAnyPackage("io.quarkus..", "jakarta..", "javax.persistence..",
                        "org.hibernate..", "org.eclipse.microprofile..", "org.apache.kafka..", "dev.bitplan.messaging..")
                .because("the same training runs in bitplan evaluate / search and in the evaluator, which brings Kafka")
                .check(QAT);
    }

    @Test
    void qatReachesOnnxRuntimeOnlyThroughTheEngine() {
        noClasses().should().dependOnClassesThat().resideInAPackage("ai.onnxruntime..").check(QAT);
    }
}
