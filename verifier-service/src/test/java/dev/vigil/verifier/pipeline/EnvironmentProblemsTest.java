package dev.vigil.verifier.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** What pg_restore and psql print when the verification server lacks something, as PostgreSQL words it. */
class EnvironmentProblemsTest {

    @Test
    void eachKindOfMissingThingIsNamedOnceWithWhatToDo() {
        String output = """
                pg_restore: error: could not execute query: ERROR:  could not open extension control file "/usr/share/postgresql/18/extension/postgis.control": No such file or directory
                Command was: CREATE EXTENSION IF NOT EXISTS postgis WITH SCHEMA public;
                pg_restore: error: could not execute query: ERROR:  extension "postgis" is not available
                pg_restore: error: could not execute query: ERROR:  could not access file "$libdir/vector": No such file or directory
                pg_restore: error: could not execute query: ERROR:  role "reporting" does not exist
                psql:<stdin>:12: ERROR:  tablespace "fast_ssd" does not exist
                pg_restore: error: could not execute query: ERROR:  permission denied to create extension "hstore"
                """;

        assertThat(EnvironmentProblems.in(output, 18)).satisfiesExactly(
                p -> assertThat(p).contains("lacks the extension \"postgis\"").contains("PostgreSQL 18"),
                p -> assertThat(p).contains("lacks the library $libdir/vector"),
                p -> assertThat(p).contains("lacks the role \"reporting\"").contains("create role \"reporting\""),
                p -> assertThat(p).contains("lacks the tablespace \"fast_ssd\""),
                p -> assertThat(p).contains("may not create the extension \"hstore\""));
    }

    @Test
    void whatABadBackupCausesIsNotAnEnvironmentProblem() {
        assertThat(EnvironmentProblems.in("""
                pg_restore: error: could not read from input file: end of file
                pg_restore: error: could not execute query: ERROR:  duplicate key value violates unique constraint "orders_pkey"
                """, 15)).isEmpty();
    }

    @Test
    void aVerificationServerOlderThanTheSourceIsOne() {
        assertThat(EnvironmentProblems.serverVersion(14, 15)).singleElement().asString()
                .contains("runs PostgreSQL 14, older than the source's 15").contains("PostgreSQL 15 server or newer");
        assertThat(EnvironmentProblems.serverVersion(18, 15)).isEmpty();
    }
}
