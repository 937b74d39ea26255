package dev.vigil.worker.dump;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.contracts.Connection;
import dev.vigil.contracts.DumpOptions;
import dev.vigil.contracts.FailureClass;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PgDumpProcessTest {

    private final Connection target = new Connection("db.internal", 5432, "orders", "backup", null, null);

    @Test
    void pgDumpErrorsAreClassifiedByWhatTheyMean() {
        assertThat(PgDumpProcess.classify(1, "pg_dump: error: aborting because of server version mismatch", target).failureClass())
                .isEqualTo(FailureClass.VERSION_MISMATCH);
        assertThat(PgDumpProcess.classify(1, "pg_dump: error: query failed: ERROR:  permission denied for table invoices", target))
                .satisfies(f -> {
                    assertThat(f.failureClass()).isEqualTo(FailureClass.PERMISSION_DENIED);
                    assertThat(f.getMessage()).contains("invoices").contains("backup@db.internal:5432/orders");
                });
        assertThat(PgDumpProcess.classify(1, "FATAL:  password authentication failed for user \"backup\"", target).failureClass())
                .isEqualTo(FailureClass.AUTHENTICATION);
        assertThat(PgDumpProcess.classify(1, "connection to server at \"db\" failed: Connection refused", target).failureClass())
                .isEqualTo(FailureClass.UNREACHABLE);
        assertThat(PgDumpProcess.classify(1, "pg_dump: error: out of memory", target).failureClass()).isEqualTo(FailureClass.DUMP_ERROR);
    }

    @Test
    void aTlsFailureIsAuthenticationNamingTlsAndATableNamedLikeOneIsNot() {
        assertThat(PgDumpProcess.classify(1, "pg_dump: error: connection to server at \"db.internal\", port 5432 failed: "
                + "SSL error: certificate verify failed", target)).satisfies(f -> {
                    assertThat(f.failureClass()).isEqualTo(FailureClass.AUTHENTICATION);
                    assertThat(f.getMessage()).contains("failed on TLS (sslmode prefer)");
                });
        assertThat(PgDumpProcess.classify(1, "pg_dump: reading policies for table \"public.ssl_certificates\"\n"
                + "pg_dump: error: out of memory", target).failureClass()).isEqualTo(FailureClass.DUMP_ERROR);
        assertThat(SourceSnapshot.classify(new java.sql.SQLException("ERROR: relation \"certificates\" is locked", "55P03"), target)
                .failureClass()).isEqualTo(FailureClass.DUMP_ERROR);
        assertThat(SourceSnapshot.classify(new java.sql.SQLException("SSL error: PKIX path building failed", "08006",
                new javax.net.ssl.SSLHandshakeException("PKIX path building failed")), target)).satisfies(f -> {
                    assertThat(f.failureClass()).isEqualTo(FailureClass.AUTHENTICATION);
                    assertThat(f.getMessage()).startsWith("TLS to backup@db.internal:5432/orders failed (sslmode prefer, libpq's default CA file)");
                });
    }

    @Test
    void optionsBecomePgDumpArgumentsWithNamesTakenLiterally() {
        DumpOptions options = new DumpOptions("plain", List.of("Sales Ops"), List.of("tmp"), List.of(), List.of("shop.\"odd\" name"), true);

        assertThat(PgDumpProcess.arguments(options)).containsExactly("--format=plain", "--compress=0", "--verbose", "--no-owner",
                "--no-privileges", "--schema=\"Sales Ops\"", "--exclude-schema=\"tmp\"", "--exclude-table=\"shop\".\"\"\"odd\"\" name\"",
                "--schema-only");
        assertThat(PgDumpProcess.arguments(DumpOptions.defaults())).containsExactly("--format=custom", "--compress=0", "--verbose");
    }

    @Test
    void aPasswordEchoedInAMessageIsRedacted() {
        assertThat(DumpService.redact("auth with s3cret failed", Optional.of("s3cret"))).isEqualTo("auth with **** failed");
        assertThat(DumpService.redact("unchanged", Optional.empty())).isEqualTo("unchanged");
    }
}
