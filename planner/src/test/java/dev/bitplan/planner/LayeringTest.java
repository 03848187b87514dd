package dev.bitplan.planner;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The planner is a pure solver library over {@link PlanProblem}: it knows nothing of ONNX, the engine or the search. */
class LayeringTest {

    private static final JavaClasses PLANNER = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.bitplan.planner");

    @Test
    void plannerUsesOnlyTheJdkAndOptaPlanner() {
        classes().should().onlyDependOnClassesThat().resideInAnyPackage("dev.bitplan.planner..", "java..", "org.optaplanner..")
                .because("the solver works on a PlanProblem, never on models; the search module joins the two")
                .check(PLANNER);
    }
}
