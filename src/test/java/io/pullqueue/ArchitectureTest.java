package io.pullqueue;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.equivalentTo;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.ArchRule;
import io.pullqueue.store.StoreException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The "Allowed imports" line of each package's package-info, as a check that fails the build when broken. A rule
 * lists the packages a package may use besides its own and {@code java..}; change the rule and the package-info
 * together.
 */
class ArchitectureTest {
    /** The main classes as built (generated protobuf classes included), read from the build's output. */
    private static final JavaClasses MAIN = new ClassFileImporter().importPath(Path.of("target", "classes"));

    private static ArchRule onlyUses(String pkg, String... allowed) {
        String[] all = new String[allowed.length + 2];
        all[0] = "java..";
        all[1] = pkg;
        System.arraycopy(allowed, 0, all, 2, allowed.length);
        return classes()
                .that()
                .resideInAPackage(pkg)
                .should()
                .onlyDependOnClassesThat()
                .resideInAnyPackage(all)
                .because("of the Allowed imports in " + pkg.replace("..", "") + "'s package-info");
    }

    @Test
    void coreUsesPlainJavaOnly() {
        onlyUses("io.pullqueue.core..").check(MAIN);
    }

    @Test
    void configUsesTheCoreAndSnakeYaml() {
        onlyUses("io.pullqueue.config..", "io.pullqueue.core..", "org.yaml.snakeyaml..")
                .check(MAIN);
    }

    @Test
    void storesUseTheCoreAndJdbcAndNoDriverClassesButPostgresListen() {
        onlyUses("io.pullqueue.store..", "io.pullqueue.core..", "javax.sql..", "org.postgresql")
                .check(MAIN);
        noClasses()
                .that()
                .resideOutsideOfPackage("io.pullqueue.store.postgres..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("org.postgresql..")
                .because("only LISTEN needs the driver's own classes")
                .check(MAIN);
    }

    @Test
    void serviceUsesTheCoreConfigStoreAndThePlatform() {
        onlyUses(
                        "io.pullqueue.service..",
                        "io.pullqueue.core..",
                        "io.pullqueue.config..",
                        "io.pullqueue.store..",
                        "jakarta..",
                        "javax.sql..",
                        "org.eclipse.microprofile..")
                .check(MAIN);
    }

    @Test
    void serviceReachesAStoreOnlyToChooseAndBuildItAndToRecogniseItsFailure() {
        noClasses()
                .that()
                .resideInAPackage("io.pullqueue.service..")
                .and()
                .doNotHaveSimpleName("StoreProducer")
                .should()
                .dependOnClassesThat(
                        resideInAPackage("io.pullqueue.store..").and(not(equivalentTo(StoreException.class))))
                .because("the service layer talks to the store through the core's TaskStore port")
                .check(MAIN);
    }

    @Test
    void sharedHttpPlumbingUsesNoDoor() {
        onlyUses(
                        "io.pullqueue.api.http..",
                        "io.pullqueue.core..",
                        "io.pullqueue.service..",
                        "jakarta.ws.rs..",
                        "jakarta.servlet..",
                        "jakarta.inject..",
                        "jakarta.enterprise..",
                        "jakarta.json..",
                        "org.eclipse.microprofile.config..")
                .check(MAIN);
    }

    @Test
    void securityUsesTheServiceAndServlets() {
        onlyUses(
                        "io.pullqueue.api.security..",
                        "io.pullqueue.core..",
                        "io.pullqueue.service..",
                        "jakarta.servlet..",
                        "jakarta.annotation..",
                        "jakarta.inject..",
                        "jakarta.enterprise..",
                        "jakarta.json..",
                        "org.eclipse.microprofile.config..")
                .check(MAIN);
    }

    @Test
    void nativeDoor() {
        onlyUses(
                        "io.pullqueue.api.rest..",
                        "io.pullqueue.api.http..",
                        "io.pullqueue.core..",
                        "io.pullqueue.service..",
                        "jakarta.ws.rs..",
                        "jakarta.json..",
                        "jakarta.inject..",
                        "jakarta.enterprise..",
                        "jakarta.servlet..",
                        "jakarta.annotation", // @Priority orders the door's JAX-RS filters (LeaseRouting)
                        "org.eclipse.microprofile.openapi..")
                .check(MAIN);
    }

    @Test
    void v1beta2Door() {
        onlyUses(
                        "io.pullqueue.api.v1beta2..",
                        "io.pullqueue.api.http..",
                        "io.pullqueue.core..",
                        "io.pullqueue.service..",
                        "jakarta.ws.rs..",
                        "jakarta.json..",
                        "jakarta.inject..",
                        "jakarta.enterprise.context..",
                        "jakarta.servlet..",
                        "org.eclipse.microprofile.config..")
                .check(MAIN);
    }

    @Test
    void appEngineDoor() {
        onlyUses(
                        "io.pullqueue.api.appengine..",
                        "io.pullqueue.api.http..",
                        "io.pullqueue.core..",
                        "io.pullqueue.service..",
                        "com.google.protobuf..",
                        "jakarta.servlet..",
                        "jakarta.annotation..",
                        "jakarta.inject..",
                        "jakarta.enterprise.context..",
                        "org.eclipse.microprofile.config..")
                .check(MAIN);
    }

    @Test
    void packagesFormNoCycles() {
        slices().matching("io.pullqueue.(**)").should().beFreeOfCycles().check(MAIN);
    }
}
