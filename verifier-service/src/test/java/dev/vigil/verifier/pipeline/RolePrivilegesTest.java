package dev.vigil.verifier.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.local.FreePorts;
import dev.vigil.local.LocalPostgres;
import dev.vigil.verifier.VerifierProperties;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Which roles the verifier refuses to restore untrusted backups as, against a real PostgreSQL. */
class RolePrivilegesTest {

    private static final LocalPostgres postgres = LocalPostgres.shared();

    /** Passwords by role: another test in this JVM may have made a role need its password. */
    private static final java.util.Map<String, String> passwords = new java.util.HashMap<>(java.util.Map.of(LocalPostgres.SUPERUSER, ""));

    @BeforeAll
    static void roles() {
        for (String role : java.util.List.of(LocalPostgres.VERIFIER_ROLE, "vigil_file_reader", "vigil_role_maker")) {
            passwords.put(role, postgres.leastPrivilegeRole(role).password());
        }
        postgres.execute("postgres", "grant pg_read_server_files, pg_execute_server_program to vigil_file_reader");
        postgres.execute("postgres", "alter role vigil_role_maker createrole");
    }

    private static VerifierProperties.Server as(String role) {
        return new VerifierProperties.Server(postgres.host(), postgres.port(), role, passwords.get(role), "postgres", null, null, null, null);
    }

    @Test
    void aRoleThatMayOnlyCreateDatabasesPasses() {
        assertThat(RolePrivileges.checkOnStart(as(LocalPostgres.VERIFIER_ROLE), "the verification server", false)).isEmpty();
    }

    @Test
    void theSuperuserIsRefusedWithTheSqlThatMakesTheRightRole() {
        assertThatThrownBy(() -> RolePrivileges.checkOnStart(as(LocalPostgres.SUPERUSER), "the verification server", false))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("the verifier refuses to start: the role postgres on the verification server is a superuser")
                .hasMessageContaining("create role vigil_verifier login createdb nosuperuser nocreaterole")
                .hasMessageContaining("vigil.verifier.allow-superuser=true");
    }

    @Test
    void membersOfTheServerFileAndProgramRolesAndRolesThatMayCreateRolesAreRefusedNamingWhy() {
        assertThatThrownBy(() -> RolePrivileges.checkOnStart(as("vigil_file_reader"), "restore server staging", false))
                .hasMessageContaining("the role vigil_file_reader on restore server staging is a member of pg_execute_server_program, "
                        + "is a member of pg_read_server_files:");
        assertThatThrownBy(() -> RolePrivileges.checkOnStart(as("vigil_role_maker"), "restore server staging", false))
                .hasMessageContaining("may create roles (CREATEROLE)");
    }

    @Test
    void allowedItStartsWithAWarningAndAnUnreachableServerIsOnlyWarnedAbout() {
        assertThat(RolePrivileges.checkOnStart(as(LocalPostgres.SUPERUSER), "the verification server", true)).get().asString()
                .startsWith("allowed by vigil.verifier.allow-superuser: the role postgres");
        VerifierProperties.Server nowhere = new VerifierProperties.Server("127.0.0.1", FreePorts.next(), "postgres", "", "postgres", null, null, null, null);
        assertThat(RolePrivileges.checkOnStart(nowhere, "restore server gone", false)).get().asString()
                .startsWith("could not check the privileges of the role postgres on restore server gone").contains("checked again before each restore");
    }
}
