package dev.vigil.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.vigil.dev.EmbeddedStack;
import dev.vigil.local.FreePorts;
import dev.vigil.local.LocalKafka;
import dev.vigil.local.LocalPostgres;
import dev.vigil.local.LocalS3;
import dev.vigil.local.ServiceTestSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The verifier as a process of its own, from the executable jar the images run, killed with
 * SIGKILL in the middle of a restore: its scratch database is left behind; started again, it drops
 * it before consuming, and the backup, delivered again, ends VERIFIED.
 */
class VerifierKillEndToEndTest {

    private static final String INSTANCE = "vkill";
    private static JobsApi api;
    private static EmbeddedStack stack;
    private static final List<Process> verifiers = new ArrayList<>();
    private static Path tmp;

    @BeforeAll
    static void startStackWithoutVerifier() throws Exception {
        LocalPostgres postgres = LocalPostgres.shared();
        ServiceTestSettings.s3Credentials();
        postgres.createDatabase("vigil_vkill");
        postgres.createDatabase("big_vkill");
        postgres.execute("big_vkill", """
                drop table if exists public.readings;
                create table public.readings(id bigint primary key, station text, taken_at timestamptz, reading text);
                insert into public.readings select g, 'station-' || (g % 1999), now() - g * interval '1 second',
                       md5(g::text) || md5((g * 31)::text) || md5((g * 7)::text)
                from generate_series(1, 1500000) g;
                """);
        tmp = Path.of(System.getProperty("java.io.tmpdir"));
        Path targets = Files.writeString(tmp.resolve("vkill-targets.yml"), """
                targets:
                  - {id: big, host: 127.0.0.1, port: %d, database: big_vkill, username: postgres}
                """.formatted(postgres.port()));
        stack = EmbeddedStack.start(new EmbeddedStack.Settings(LocalKafka.shared().bootstrapServers(), LocalKafka.shared()::password, postgres.jdbcUrl("vigil_vkill"),
                LocalPostgres.SUPERUSER, LocalS3.shared().endpoint(), "vkill-backups", tmp.resolve("vkill-staging"), tmp.resolve("vkill-verify"),
                postgres.host(), postgres.port(), postgres.verifierRole().role(), targets, FreePorts.next(), Map.of()), true, false);
        api = new JobsApi(stack);
    }

    @AfterAll
    static void stopEverything() {
        verifiers.forEach(Process::destroyForcibly);
        if (stack != null) {
            stack.close();
        }
        if (api != null) {
            api.close();
        }
    }

    @Test
    void aVerifierKilledMidRestoreLeavesNoScratchDatabaseAfterItsRestartAndTheBackupIsVerified() throws Exception {
        Process first = startVerifier(tmp.resolve("vkill-1.log"), "vkill-1");
        ServiceProcesses.awaitGroupMember(first, tmp.resolve("vkill-1.log"), "verifier-service", "vkill-1", Duration.ofSeconds(120));
        String jobId = api.requestBackup("big");

        String scratch = await("a scratch database while the backup is restored").atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(50))
                .until(VerifierKillEndToEndTest::scratchDatabases, names -> !names.isEmpty()).getFirst();
        await("the restore connected to " + scratch).atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50))
                .until(() -> sessionsIn(scratch) > 0);
        first.destroyForcibly().waitFor();
        assertThat(scratchDatabases()).as("what the killed verifier left behind").hasSize(1);
        assertThat(api.job(jobId).get("status").asString()).isEqualTo("STORED");

        startVerifier(tmp.resolve("vkill-2.log"), "vkill-2");
        JsonNode job = api.awaitFinal(jobId, Duration.ofSeconds(240));

        assertThat(job.get("status").asString()).as(job.toString()).isEqualTo("VERIFIED");
        assertThat(Files.readString(tmp.resolve("vkill-2.log"))).contains("dropped 1 scratch database(s) an earlier run of this verifier left behind");
        assertThat(scratchDatabases()).as("scratch databases after the verdict").isEmpty();
    }

    private static Process startVerifier(Path log, String clientId) throws IOException {
        LocalPostgres postgres = LocalPostgres.shared();
        String consumer = "--spring.cloud.stream.kafka.bindings.verify-in-0.consumer.configuration.";
        ProcessBuilder builder = ServiceProcesses.java("verifier-service", log, List.of(
                "--spring.datasource.url=" + postgres.jdbcUrl("vigil_vkill"), "--spring.datasource.username=" + LocalPostgres.SUPERUSER,
                "--vigil.verifier.endpoint=" + LocalS3.shared().endpoint(),
                "--vigil.verifier.scratch.host=" + postgres.host(), "--vigil.verifier.scratch.port=" + postgres.port(),
                "--vigil.verifier.scratch.username=" + postgres.verifierRole().role(), "--vigil.verifier.instance-id=" + INSTANCE,
                "--vigil.verifier.work-dir=" + tmp.resolve("vkill-verify-process"),
                // Notice a dead verifier within seconds, not the default 45.
                consumer + "session.timeout.ms=8000", consumer + "heartbeat.interval.ms=2000",
                // Its consumers' client ids, so the test sees when it has joined the group.
                consumer + "client.id=" + clientId));
        builder.environment().put("AWS_ACCESS_KEY_ID", LocalS3.ACCESS_KEY);
        builder.environment().put("AWS_SECRET_ACCESS_KEY", LocalS3.SECRET_KEY);
        Process process = builder.start();
        verifiers.add(process);
        return process;
    }

    /** Sessions connected to {@code database}, as the server lists them. */
    private static long sessionsIn(String database) throws Exception {
        try (var connection = LocalPostgres.shared().connect("postgres");
                var statement = connection.prepareStatement("select count(*) from pg_stat_activity where datname = ?")) {
            statement.setString(1, database);
            try (ResultSet rs = statement.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static List<String> scratchDatabases() throws Exception {
        try (var connection = LocalPostgres.shared().connect("postgres");
                ResultSet rs = connection.createStatement().executeQuery(
                        "select datname from pg_database where datname like 'vigil\\_verify\\_" + INSTANCE + "\\_%'")) {
            List<String> names = new ArrayList<>();
            while (rs.next()) {
                names.add(rs.getString(1));
            }
            return names;
        }
    }
}
