package dev.bitplan.contracts;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** Contracts are records and their JSON mapping, shared by every module: nothing else may come along with them. */
class LayeringTest {

    private static final JavaClasses CONTRACTS = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.bitplan.contracts");

    @Test
    void contractsUseOnlyTheJdkAndJackson() {
        classes().should().onlyDependOnClassesThat().resideInAnyPackage("dev.bitplan.contracts..", "java..", "com.fasterxml.jackson..")
                .check(CONTRACTS);
    }
}
