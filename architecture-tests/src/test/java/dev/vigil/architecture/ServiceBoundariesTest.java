package dev.vigil.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.methods;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The package boundaries of the five services, read from their compiled classes: no service uses
 * another's code, no service's packages form a cycle, and the storage service's packages depend on
 * each other in one direction only. A failure names the class, the dependency and the rule.
 */
class ServiceBoundariesTest {

    /** Each service's root package, {@code dev.vigil.<service>}. */
    private static final List<String> SERVICES = List.of("worker", "storage", "verifier", "notifier", "scheduler");

    private static final JavaClasses CLASSES = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages(SERVICES.stream().map(s -> "dev.vigil." + s).toList());

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"worker", "storage", "verifier", "notifier", "scheduler"})
    void everyServiceIsReadHereSoNoRulePassesForWantOfClasses(String service) {
        assertFalse(CLASSES.that(JavaClass.Predicates.resideInAPackage("dev.vigil." + service + "..")).isEmpty(),
                "no classes of dev.vigil." + service + " on this module's test classpath: is the service a dependency of architecture-tests?");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"worker", "storage", "verifier", "notifier", "scheduler"})
    void noServiceUsesAnotherServicesCode(String service) {
        String[] others = SERVICES.stream().filter(s -> !s.equals(service)).map(s -> "dev.vigil." + s + "..").toArray(String[]::new);
        noClasses().that().resideInAPackage("dev.vigil." + service + "..")
                .should().dependOnClassesThat().resideInAnyPackage(others)
                .because("services meet only through events on Kafka and the shared libraries (contracts, event-messaging, ...)")
                .check(CLASSES);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"worker", "storage", "verifier", "notifier", "scheduler"})
    void thePackagesInsideAServiceFormNoCycle(String service) {
        slices().matching("dev.vigil." + service + ".(*)..").namingSlices("dev.vigil." + service + ".$1")
                .should().beFreeOfCycles()
                .check(CLASSES);
    }

    /**
     * Storage: {@code store}, {@code retention} and {@code recheck} all reach the stored backups through
     * {@code catalog}, never each other; {@code intake} hands what it takes in to {@code store} (and its
     * target to {@code retention}), and nothing uses it but the wiring; a dry run ({@code dryrun}) reaches
     * only the stores, never the catalog; {@code destination} (the stores) knows none of them;
     * function beans and wiring sit on top, and the application's own package uses none of them.
     */
    @Test
    void storagePackagesDependOnEachOtherInOneDirection() {
        layeredArchitecture().consideringOnlyDependenciesInLayers()
                .layer("messaging").definedBy("dev.vigil.storage.messaging..")
                .layer("config").definedBy("dev.vigil.storage.config..")
                .layer("intake").definedBy("dev.vigil.storage.intake..")
                .layer("store").definedBy("dev.vigil.storage.store..")
                .layer("retention").definedBy("dev.vigil.storage.retention..")
                .layer("recheck").definedBy("dev.vigil.storage.recheck..")
                .layer("dryrun").definedBy("dev.vigil.storage.dryrun..")
                .layer("catalog").definedBy("dev.vigil.storage.backups..")
                .layer("destination").definedBy("dev.vigil.storage.destination..")
                .layer("application").definedBy("dev.vigil.storage")
                .whereLayer("messaging").mayNotBeAccessedByAnyLayer()
                .whereLayer("config").mayNotBeAccessedByAnyLayer()
                .whereLayer("intake").mayOnlyBeAccessedByLayers("config")
                .whereLayer("store").mayOnlyBeAccessedByLayers("messaging", "config", "intake")
                .whereLayer("retention").mayOnlyBeAccessedByLayers("messaging", "config", "intake")
                .whereLayer("recheck").mayOnlyBeAccessedByLayers("messaging", "config")
                .whereLayer("dryrun").mayOnlyBeAccessedByLayers("config")
                .whereLayer("catalog").mayOnlyBeAccessedByLayers("store", "retention", "recheck", "intake", "config")
                .whereLayer("destination").mayOnlyBeAccessedByLayers("catalog", "store", "retention", "recheck", "intake", "dryrun", "config")
                .because("storing, retention and the re-check share the catalog, not each other's code (see docs/storage-service.md, Code)")
                .check(CLASSES);
    }

    /**
     * Each storage table has one owner: {@code stored_artifacts} the catalog, {@code pending_uploads} the pending uploads,
     * {@code intakes} the intakes.
     */
    @Test
    void onlyTheOwnersOfStorageTablesUseJdbc() {
        noClasses().that().resideInAPackage("dev.vigil.storage..")
                .and().doNotHaveFullyQualifiedName("dev.vigil.storage.backups.StoredBackups")
                .and().doNotHaveFullyQualifiedName("dev.vigil.storage.store.PendingUploads")
                .and().doNotHaveFullyQualifiedName("dev.vigil.storage.intake.Intakes")
                .and().resideOutsideOfPackage("dev.vigil.storage.config..")
                .should().dependOnClassesThat().resideInAPackage("org.springframework.jdbc..")
                .because("the stored backups are read and changed through Catalog, the waiting artifacts through PendingUploads")
                .check(CLASSES);
    }

    /**
     * A {@code *Functions} class maps messages to application services; the services, clients,
     * health and jobs are wired in configuration classes.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"worker", "storage", "verifier", "notifier", "scheduler"})
    void functionsClassesHoldFunctionBeansOnly(String service) {
        Set<String> functionTypes = Set.of(Function.class.getName(), Consumer.class.getName(), Supplier.class.getName());
        methods().that().areDeclaredInClassesThat().resideInAPackage("dev.vigil." + service + "..")
                .and().areDeclaredInClassesThat().haveSimpleNameEndingWith("Functions")
                .and().areAnnotatedWith("org.springframework.context.annotation.Bean")
                .should().haveRawReturnType(DescribedPredicate.describe("a function type (Function, Consumer, Supplier)",
                        (JavaClass type) -> functionTypes.contains(type.getName())))
                .because("wiring lives in configuration classes")
                .check(CLASSES);
    }
}
