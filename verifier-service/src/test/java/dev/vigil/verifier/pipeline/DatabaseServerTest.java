package dev.vigil.verifier.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.local.LocalPostgres;
import dev.vigil.verifier.VerifierProperties;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The verifier's connections to a server it restores into give up instead of hanging. */
class DatabaseServerTest {

    @Test
    void aServerThatAcceptsTcpButNeverAnswersIsGivenUpWithinTheConnectTimeout() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread.ofVirtual().start(() -> {
                try (Socket ignored = silent.accept()) {
                    Thread.sleep(60_000);
                } catch (Exception e) {
                    // closed with the test
                }
            });
            var server = new VerifierProperties.Server("127.0.0.1", silent.getLocalPort(), "vigil", "", "postgres", Duration.ofSeconds(2), null);
            long started = System.nanoTime();

            assertThatThrownBy(() -> DatabaseServer.connect(server, "postgres")).isInstanceOf(SQLException.class);
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isBetween(Duration.ofMillis(1500), Duration.ofSeconds(10));
        }
    }

    @Test
    void aStatementLeftUnansweredIsGivenUpAfterTheSocketTimeout() throws Exception {
        LocalPostgres postgres = LocalPostgres.shared();
        var server = new VerifierProperties.Server(postgres.host(), postgres.port(), LocalPostgres.SUPERUSER, "", "postgres", null,
                Duration.ofSeconds(1));
        try (Connection connection = DatabaseServer.connect(server, "postgres")) {
            long started = System.nanoTime();

            assertThatThrownBy(() -> connection.createStatement().execute("select pg_sleep(30)")).isInstanceOf(SQLException.class);
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
        }
    }
}
