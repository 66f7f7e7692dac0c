package dev.dockercheckpoint;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.library.GeneralCodingRules;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Layering of the code base: core is the stable centre, engine and the front ends sit on top. */
class ArchitectureTest {
    private static final String ROOT = "dev.dockercheckpoint";
    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages(ROOT);
    }

    @Test
    void importFoundTheProductionClassesButNoTests() {
        assertTrue(classes.contain("dev.dockercheckpoint.core.CheckpointStore"));
        assertTrue(classes.contain("dev.dockercheckpoint.engine.Engine"));
        assertTrue(classes.contain("dev.dockercheckpoint.cli.Main"));
        assertFalse(classes.contain(ArchitectureTest.class), "tests must not be imported");
    }

    @Test
    void coreDependsOnNoOuterLayerNorDockerNorPicocli() {
        ArchRule rule = noClasses().that().resideInAPackage(ROOT + ".core..")
                .should().dependOnClassesThat().resideInAnyPackage(
                        ROOT + ".engine..", ROOT + ".cli..", ROOT + ".helper..", ROOT + ".client..",
                        ROOT + ".protocol..", ROOT + ".ui..", "com.github.dockerjava..", "picocli..")
                .because("core holds the data model and safety rules shared by every front end");
        rule.check(classes);
    }

    @Test
    void engineDoesNotDependOnFrontEnds() {
        ArchRule rule = noClasses().that().resideInAPackage(ROOT + ".engine..")
                .should().dependOnClassesThat().resideInAnyPackage(
                        ROOT + ".cli..", ROOT + ".ui..", ROOT + ".helper..", ROOT + ".client..")
                .because("the engine is driven by the front ends, never the other way round");
        rule.check(classes);
    }

    @Test
    void uiDoesNotDependOnEngineOrHelper() {
        ArchRule rule = noClasses().that().resideInAPackage(ROOT + ".ui..")
                .should().dependOnClassesThat().resideInAnyPackage(ROOT + ".engine..", ROOT + ".helper..")
                .because("the UI talks to the privileged side only through the protocol")
                .allowEmptyShould(true);
        rule.check(classes);
    }

    @Test
    void uiMovesArchivesOnlyThroughTheService() {
        ArchRule rule = noClasses().that().resideInAPackage(ROOT + ".ui..")
                .should().dependOnClassesThat().resideInAnyPackage(ROOT + ".core.archive..")
                .because("export and import run in the helper; the UI only hands it a file's bytes");
        rule.check(classes);
        assertTrue(classes.contain("dev.dockercheckpoint.ui.archive.ExportDialogViewModel"), "the rule sees the UI");
    }

    @Test
    void protocolDependsOnlyOnCore() {
        ArchRule rule = noClasses().that().resideInAPackage(ROOT + ".protocol..")
                .should().dependOnClassesThat().resideInAnyPackage(ROOT + ".engine..", ROOT + ".helper..",
                        ROOT + ".client..", ROOT + ".cli..", ROOT + ".ui..", "com.github.dockerjava..");
        rule.check(classes);
    }

    @Test
    void clientTalksToTheHelperOnlyThroughTheProtocol() {
        ArchRule rule = noClasses().that().resideInAPackage(ROOT + ".client..")
                .should().dependOnClassesThat().resideInAnyPackage(ROOT + ".engine..", ROOT + ".helper..",
                        ROOT + ".cli..", ROOT + ".ui..", "com.github.dockerjava..");
        rule.check(classes);
    }

    @Test
    void helperDoesNotDependOnFrontEnds() {
        ArchRule rule = noClasses().that().resideInAPackage(ROOT + ".helper..")
                .should().dependOnClassesThat().resideInAnyPackage(ROOT + ".cli..", ROOT + ".ui..", ROOT + ".client..");
        rule.check(classes);
    }

    @Test
    void onlyTheCommandLineUsesStandardStreams() {
        ArchRule rule = noClasses().that().resideOutsideOfPackage(ROOT + ".cli..")
                .should(GeneralCodingRules.ACCESS_STANDARD_STREAMS)
                .because("output goes through the PrintWriters and listeners the front end passes in");
        rule.check(classes);
    }

    @Test
    void standardStreamRuleSeesTheEntryPoint() {
        // guards against a vacuous rule: Main.main wraps System.out and System.err, so the same
        // condition without the cli exception must fail
        ArchRule unrestricted = noClasses().should(GeneralCodingRules.ACCESS_STANDARD_STREAMS);
        assertThrows(AssertionError.class, () -> unrestricted.check(classes));
    }

    @Test
    void noJavaUtilLogging() {
        GeneralCodingRules.NO_CLASSES_SHOULD_USE_JAVA_UTIL_LOGGING.check(classes);
    }
}
