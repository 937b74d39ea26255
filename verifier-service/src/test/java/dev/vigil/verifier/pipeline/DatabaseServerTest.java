package dev.vigil.verifier.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.local.FreePorts;
import dev.vigil.local.LocalPostgres;
import dev.vigil.local.LocalTls;
import dev.vigil.local.SilentServer;
import dev.vigil.pgclients.TlsFailures;
import dev.vigil.verifier.VerifierProperties;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The verifier's connections to a server it restores into give up instead of hanging, and use the
 * server's TLS settings, against a real PostgreSQL with a certificate of a throwaway CA.
 */
class DatabaseServerTest {

    @TempDir
    static Path tmp;

    private static LocalTls tls;
    private static LocalTls otherAuthority;
    private static LocalPostgres tlsServer;

    @BeforeAll
    static void startTlsServer() throws Exception {
        tls = LocalTls.create(tmp.resolve("tls"), "restore");
        otherAuthority = LocalTls.create(tmp.resolve("tls"), "other");
        tlsServer = LocalPostgres.startWithTls(Files.createTempDirectory(tmp, "tls-pg-"), FreePorts.next(), tls);
    }

    @AfterAll
    static void stopTlsServer() {
        if (tlsServer != null) {
            tlsServer.close();
        }
    }

    private static VerifierProperties.Server tlsServer(String sslmode, LocalTls authority) {
        return new VerifierProperties.Server(tlsServer.host(), tlsServer.port(), LocalPostgres.SUPERUSER, "", "postgres", null, null, sslmode,
                authority.caCertificate().toAbsolutePath().toString());
    }

    @Test
    void withVerifyFullAndTheServersAuthorityTheConnectionIsTls() throws Exception {
        try (Connection connection = DatabaseServer.connect(tlsServer("verify-full", tls), "postgres");
                ResultSet rs = connection.createStatement().executeQuery("select ssl from pg_stat_ssl where pid = pg_backend_pid()")) {
            rs.next();
            assertThat(rs.getBoolean(1)).as("pg_stat_ssl of the verifier's own connection").isTrue();
        }
        // The server logged the connection: ApplicationName is set after connecting, so the role and database name it.
        assertThat(Files.readAllLines(tlsServer.serverLog())).filteredOn(line -> line.contains("connection authorized"))
                .isNotEmpty().allSatisfy(line -> assertThat(line).contains("SSL enabled"));
    }

    @Test
    void withAnotherAuthorityTheConnectionFailsAtOnceAsTls() {
        VerifierProperties.Server server = tlsServer("verify-full", otherAuthority);
        long started = System.nanoTime();

        assertThatThrownBy(() -> DatabaseServer.connect(server, "postgres")).isInstanceOfSatisfying(SQLException.class, e -> {
            assertThat(TlsFailures.isTls(e)).as(e.getMessage()).isTrue();
            assertThat(DatabaseServer.tlsProblem(server, "restore server reporting", "vigil.verifier.restore-servers.reporting", e.getMessage()))
                    .startsWith("TLS to restore server reporting at " + tlsServer.host() + ":" + tlsServer.port() + " failed (sslmode verify-full, "
                            + "sslrootcert " + otherAuthority.caCertificate().toAbsolutePath() + ")")
                    .contains("check vigil.verifier.restore-servers.reporting.sslmode and vigil.verifier.restore-servers.reporting.sslrootcert");
        });
        assertThat(Duration.ofNanos(System.nanoTime() - started)).as("refused, not waited out").isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void requireWithoutAServerThatOffersTlsFailsAsTls() {
        LocalPostgres plain = LocalPostgres.shared();
        var server = new VerifierProperties.Server(plain.host(), plain.port(), LocalPostgres.SUPERUSER, "", "postgres", null, null, "require", null);

        assertThatThrownBy(() -> DatabaseServer.connect(server, "postgres")).isInstanceOfSatisfying(SQLException.class,
                e -> assertThat(TlsFailures.isTls(e)).as(e.getMessage()).isTrue());
    }

    @Test
    void anUnknownSslmodeOrARelativeCaFileIsRefusedAsASetting() {
        assertThatThrownBy(() -> new VerifierProperties.Server("db", 5432, "vigil", "", "postgres", null, null, "verify_full", null))
                .hasMessageContaining("sslmode must be one of disable, prefer, require, verify-ca, verify-full, got: verify_full");
        assertThatThrownBy(() -> new VerifierProperties.Server("db", 5432, "vigil", "", "postgres", null, null, "verify-full", "ca.crt"))
                .hasMessageContaining("sslrootcert must be an absolute path");
        assertThat(new VerifierProperties.Server("db", 5432, "vigil", "", "postgres", null, null, null, null).describeTls())
                .isEqualTo("sslmode prefer, libpq's default CA file ~/.postgresql/root.crt");
    }

    @Test
    void aServerThatAcceptsTcpButNeverAnswersIsGivenUpWithinTheConnectTimeout() throws Exception {
        try (SilentServer silent = new SilentServer()) {
            var server = new VerifierProperties.Server("127.0.0.1", silent.port(), "vigil", "", "postgres", Duration.ofSeconds(2), null, null, null);
            long started = System.nanoTime();

            assertThatThrownBy(() -> DatabaseServer.connect(server, "postgres")).isInstanceOf(SQLException.class);
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isBetween(Duration.ofMillis(1500), Duration.ofSeconds(10));
        }
    }

    @Test
    void aStatementLeftUnansweredIsGivenUpAfterTheSocketTimeout() throws Exception {
        LocalPostgres postgres = LocalPostgres.shared();
        var server = new VerifierProperties.Server(postgres.host(), postgres.port(), LocalPostgres.SUPERUSER, "", "postgres", null,
                Duration.ofSeconds(1), null, null);
        try (Connection connection = DatabaseServer.connect(server, "postgres")) {
            long started = System.nanoTime();

            assertThatThrownBy(() -> connection.createStatement().execute("select pg_sleep(30)")).isInstanceOf(SQLException.class);
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
        }
    }
}
