package dev.vigil.worker.dump;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.contracts.Connection;
import dev.vigil.contracts.DumpOptions;
import dev.vigil.contracts.FailureClass;
import dev.vigil.local.LocalPostgres;
import dev.vigil.local.SilentServer;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The worker's own connection to a source, against a real PostgreSQL: it gives up instead of hanging. */
class SourceSnapshotTest {

    private static final String DATABASE = "snapshot_timeouts";

    @BeforeAll
    static void source() {
        LocalPostgres postgres = LocalPostgres.shared();
        postgres.createDatabase(DATABASE);
        postgres.execute(DATABASE, "drop table if exists public.busy; create table public.busy(id int); insert into public.busy values (1)");
    }

    @Test
    void aRowCountOnATableLockedByAnotherSessionFailsAfterTheCountTimeoutSayingWhy() throws Exception {
        LocalPostgres postgres = LocalPostgres.shared();
        Connection target = new Connection(postgres.host(), postgres.port(), DATABASE, LocalPostgres.SUPERUSER, null, null);
        try (java.sql.Connection locker = postgres.connect(DATABASE)) {
            locker.setAutoCommit(false);
            locker.createStatement().execute("lock table public.busy in access exclusive mode");

            try (SourceSnapshot snapshot = SourceSnapshot.open(target, Optional.empty(), Duration.ofSeconds(5), Duration.ofSeconds(1))) {
                long started = System.nanoTime();
                assertThatThrownBy(() -> snapshot.countRows(target, DumpOptions.defaults()))
                        .isInstanceOfSatisfying(DumpFailure.class, f -> assertThat(f.failureClass()).isEqualTo(FailureClass.DUMP_ERROR))
                        .hasMessageContaining("did not finish within vigil.worker.count-timeout (PT1S)")
                        .hasMessageContaining("locked by another session");
                assertThat(Duration.ofNanos(System.nanoTime() - started)).isBetween(Duration.ofMillis(900), Duration.ofSeconds(10));
            }
            locker.rollback();
        }
    }

    @Test
    void aPortThatAcceptsButNeverAnswersFailsAsUnreachableWithinTheConnectTimeout() throws Exception {
        try (SilentServer silent = new SilentServer()) {
            Connection target = new Connection("127.0.0.1", silent.port(), "db", "backup", null, null);
            long started = System.nanoTime();

            assertThatThrownBy(() -> SourceSnapshot.open(target, Optional.empty(), Duration.ofSeconds(2), Duration.ofMinutes(30)))
                    .isInstanceOfSatisfying(DumpFailure.class, f -> assertThat(f.failureClass()).isEqualTo(FailureClass.UNREACHABLE))
                    .hasMessageContaining("could not connect to backup@127.0.0.1:" + silent.port() + "/db");
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isBetween(Duration.ofMillis(1500), Duration.ofSeconds(10));
        }
    }
}
