package dev.vigil.verifier.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.local.LocalPostgres;
import dev.vigil.verifier.VerifierProperties;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Tables counted as their data is restored, and the comparison after the restore counting only the others. */
class EarlyCountsTest {

    private static final LocalPostgres postgres = LocalPostgres.shared();
    private static final String DATABASE = "early_counts";
    private static final VerifierProperties.Server SERVER = new VerifierProperties.Server(postgres.host(), postgres.port(),
            LocalPostgres.SUPERUSER, "", "postgres", null, null, null, null);

    @BeforeAll
    static void restored() {
        postgres.createDatabase(DATABASE);
        postgres.execute(DATABASE, """
                create schema "Sales";
                create table "Sales"."Orders" (id int);
                insert into "Sales"."Orders" select generate_series(1, 1234);
                create table public.events (id int);
                insert into public.events select generate_series(1, 56);
                """);
    }

    @Test
    void eachTableHandedInIsCountedBesideTheRestore() throws Exception {
        try (EarlyCounts early = new EarlyCounts(SERVER, DATABASE)) {
            early.loaded("Sales", "Orders");
            early.loaded("public", "events");

            assertThat(early.counted()).isEqualTo(Map.of(new TableName("Sales", "Orders"), 1234L, new TableName("public", "events"), 56L));
        }
    }

    @Test
    void aTableCountedEarlyIsNotCountedAgainAndTheOthersAre() throws Exception {
        RestoredDatabase database = new RestoredDatabase(SERVER, DATABASE);

        // A count taken early stands (here one that differs from the table, to see it was not taken again).
        Map<TableName, Long> counts = database.countRows((schema, table) -> true, 2, Map.of(new TableName("Sales", "Orders"), 999L));

        assertThat(counts).containsEntry(new TableName("Sales", "Orders"), 999L).containsEntry(new TableName("public", "events"), 56L);
    }

    @Test
    void aServerThatCannotBeReachedLeavesEveryTableToTheCountAfterTheRestore() throws Exception {
        VerifierProperties.Server nowhere = new VerifierProperties.Server("127.0.0.1", dev.vigil.local.FreePorts.next(), LocalPostgres.SUPERUSER,
                "", "postgres", null, null, null, null);
        try (EarlyCounts early = new EarlyCounts(nowhere, DATABASE)) {
            early.loaded("public", "events");

            assertThat(early.counted()).isEmpty();
        }
    }
}
