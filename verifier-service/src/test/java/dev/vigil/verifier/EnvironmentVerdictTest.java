package dev.vigil.verifier;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.contracts.Artifact;
import dev.vigil.contracts.BackupVerified;
import dev.vigil.contracts.JobId;
import dev.vigil.contracts.Sha256;
import dev.vigil.contracts.TableRowCount;
import dev.vigil.contracts.Verdict;
import dev.vigil.local.LocalPostgres;
import dev.vigil.local.LocalS3;
import dev.vigil.local.ServiceTestSettings;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * A PostgreSQL 15 source that uses the extension adminpack (pgAdmin installs it), verified on a
 * PostgreSQL 18 server, which no longer ships it: the verdict says the verification server lacks
 * the extension and what to do, not that the backup is bad. The same backup's damaged copy still
 * fails as a bad backup.
 */
@DirtiesContext
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "spring.config.name=verifier-service")
class EnvironmentVerdictTest {

    private static final String BUCKET = "verifier-environment";
    private static final EmbeddedPostgres pg18 = start18();
    private static byte[] dump;

    @Autowired
    S3Client s3;

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        ServiceTestSettings.s3Credentials();
        ServiceTestSettings.kafkaAndDatabase(registry, VerifierApplication.NAME, "verifier_environment_test");
        registry.add("vigil.verifier.endpoint", () -> LocalS3.shared().endpoint());
        registry.add("vigil.verifier.scratch.host", () -> "127.0.0.1");
        registry.add("vigil.verifier.scratch.port", pg18::getPort);
        // As a role that may only create databases, as on a real verification server.
        try (var connection = pg18.getPostgresDatabase().getConnection(); var statement = connection.createStatement()) {
            statement.execute("do $$ begin if not exists (select from pg_roles where rolname = 'vigil_verifier') then "
                    + "create role vigil_verifier login createdb; end if; end $$");
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
        registry.add("vigil.verifier.scratch.username", () -> LocalPostgres.VERIFIER_ROLE);
        registry.add("vigil.verifier.instance-id", () -> "env-1");
        registry.add("vigil.verifier.work-dir", () -> Path.of(System.getProperty("java.io.tmpdir"), "verify-environment").toString());
    }

    @BeforeAll
    static void aSourceUsingAnExtensionTheVerificationServerLacks() throws Exception {
        LocalPostgres postgres = LocalPostgres.shared();
        postgres.createDatabase("verifier_adminpack");
        postgres.execute("verifier_adminpack", """
                create extension if not exists adminpack;
                drop table if exists public.accounts;
                create table public.accounts(id int primary key, owner text);
                insert into public.accounts select g, 'owner ' || g from generate_series(1, 25) g;
                """);
        dump = Verifications.pgDump("verifier_adminpack");
    }

    @AfterAll
    static void stop() throws Exception {
        pg18.close();
    }

    @Test
    void aMissingExtensionOnTheVerificationServerIsAnEnvironmentVerdictNamingIt() {
        BackupVerified verified = verify(dump, Sha256.of(dump));

        assertThat(verified.verdict()).isEqualTo(Verdict.INCONCLUSIVE);
        assertThat(verified.differences()).as("nothing is said against the backup").isEmpty();
        assertThat(verified.environmentProblems()).singleElement().asString()
                .contains("lacks the extension \"adminpack\"").contains("install it there").contains("PostgreSQL 18");
    }

    @Test
    void aDamagedCopyOfTheSameBackupIsStillABadBackup() {
        byte[] damaged = dump.clone();
        damaged[damaged.length / 2] ^= 0x5a;

        BackupVerified verified = verify(damaged, Sha256.of(dump));

        assertThat(verified.verdict()).isEqualTo(Verdict.FAILED);
        assertThat(verified.differences()).singleElement().asString().contains("checksum mismatch");
        assertThat(verified.environmentProblems()).isEmpty();
    }

    private BackupVerified verify(byte[] object, String workerSha256) {
        return Verifications.verify(s3, BUCKET, JobId.random(), "adminpack-db", object, new Artifact("custom", object.length, workerSha256,
                Verifications.sourceVersion(), Verifications.sourceVersion(), List.of(new TableRowCount("public", "accounts", 25))));
    }

    private static EmbeddedPostgres start18() {
        try {
            return EmbeddedPostgres.builder().start();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
