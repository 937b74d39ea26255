package dev.vigil.verifier;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.contracts.Artifact;
import dev.vigil.contracts.BackupVerified;
import dev.vigil.contracts.JobId;
import dev.vigil.contracts.Sha256;
import dev.vigil.contracts.TableRowCount;
import dev.vigil.contracts.Verdict;
import dev.vigil.local.FreePorts;
import dev.vigil.local.LocalPostgres;
import dev.vigil.local.LocalS3;
import dev.vigil.local.LocalTls;
import dev.vigil.local.ServiceTestSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A verification server whose certificate does not verify against the CA the verifier is given is
 * the verifier's problem, not the backup's: the verdict is INCONCLUSIVE, naming TLS, the server and
 * the settings to fix. Against a real PostgreSQL with TLS, a real broker and S3 endpoint.
 */
@DirtiesContext
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "spring.config.name=verifier-service")
class ScratchServerTlsTest {

    private static LocalPostgres tlsPostgres;
    private static LocalTls otherAuthority;

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        ServiceTestSettings.s3Credentials();
        ServiceTestSettings.kafkaAndDatabase(registry, VerifierApplication.NAME, "verifier_tls_test");
        registry.add("vigil.verifier.endpoint", () -> LocalS3.shared().endpoint());
        try {
            Path dir = Files.createTempDirectory("scratch-tls-");
            LocalTls tls = LocalTls.create(dir.resolve("tls"), "scratch");
            otherAuthority = LocalTls.create(dir.resolve("tls"), "other");
            tlsPostgres = LocalPostgres.startWithTls(dir.resolve("pg"), FreePorts.next(), tls);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        LocalPostgres.Login login = tlsPostgres.verifierRole();
        registry.add("vigil.verifier.scratch.host", tlsPostgres::host);
        registry.add("vigil.verifier.scratch.port", tlsPostgres::port);
        registry.add("vigil.verifier.scratch.username", login::role);
        registry.add("vigil.verifier.scratch.password", login::password);
        registry.add("vigil.verifier.scratch.sslmode", () -> "verify-full");
        registry.add("vigil.verifier.scratch.sslrootcert", () -> otherAuthority.caCertificate().toAbsolutePath().toString());
        registry.add("vigil.verifier.instance-id", () -> "tls-1");
        registry.add("vigil.verifier.work-dir", () -> Path.of(System.getProperty("java.io.tmpdir"), "verify-tls").toString());
        registry.add("vigil.targets.read-wait", () -> "2s");
    }

    @AfterAll
    static void stopTlsServer() {
        if (tlsPostgres != null) {
            tlsPostgres.close();
        }
    }

    @Test
    void aVerificationServerWhoseCertificateDoesNotVerifyGivesAnEnvironmentVerdictNamingTlsAndTheSettings() throws Exception {
        LocalPostgres.shared().createDatabase("tls_source");
        LocalPostgres.shared().execute("tls_source", "drop table if exists public.t; create table public.t(id int); insert into public.t values (1)");
        byte[] dump = Verifications.pgDump("tls_source");

        BackupVerified verified = Verifications.verify(LocalS3.shared().client(), "tls-test", JobId.random(), "tls-shop", dump,
                new Artifact("custom", dump.length, Sha256.of(dump), Verifications.sourceVersion(), Verifications.sourceVersion(),
                        List.of(new TableRowCount("public", "t", 1))));

        assertThat(verified.verdict()).as(verified.toString()).isEqualTo(Verdict.INCONCLUSIVE);
        assertThat(verified.differences()).isEmpty();
        assertThat(verified.environmentProblems()).singleElement().asString()
                .startsWith("TLS to the verification server (vigil.verifier.scratch) at " + tlsPostgres.host() + ":" + tlsPostgres.port()
                        + " failed (sslmode verify-full, sslrootcert " + otherAuthority.caCertificate().toAbsolutePath() + "): ")
                .contains("check vigil.verifier.scratch.sslmode and vigil.verifier.scratch.sslrootcert");
    }
}
