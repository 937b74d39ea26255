package dev.vigil.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.contracts.BackupRequested;
import dev.vigil.contracts.CheckResult;
import dev.vigil.contracts.Connection;
import dev.vigil.contracts.DryRunChecked;
import dev.vigil.contracts.JobId;
import dev.vigil.contracts.Stage;
import dev.vigil.contracts.TargetConfigured;
import dev.vigil.contracts.TargetId;
import dev.vigil.contracts.Topics;
import dev.vigil.contracts.Trigger;
import dev.vigil.contracts.json.EventJson;
import dev.vigil.local.KafkaProbe;
import dev.vigil.local.LocalKafka;
import dev.vigil.local.LocalPostgres;
import dev.vigil.local.ServiceTestSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A dry run through the worker, end to end: a {@link BackupRequested} asking for one, over a real
 * broker, against a real PostgreSQL, answered with {@link DryRunChecked} and nothing a dump announces
 * or leaves behind.
 */
@DirtiesContext
@SpringBootTest(properties = "spring.config.name=dump-worker")
class DryRunWorkerTest {

    private static final String DATABASE = "worker_dryrun";
    private static final String ROLE = "vigil_dryrun_worker";
    private static final String TARGET = "worker-dryrun";

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        ServiceTestSettings.kafka(registry, WorkerApplication.NAME);
        registry.add("vigil.staging.dir", () -> staging().toString());
        registry.add("vigil.worker.unknown-target-wait", () -> "2s");
    }

    @BeforeAll
    static void source() {
        LocalPostgres postgres = LocalPostgres.shared();
        postgres.createDatabase(DATABASE);
        postgres.execute(DATABASE, """
                drop table if exists public.customers, public.payroll;
                create table public.customers(id int primary key, name text);
                insert into public.customers select g, 'customer ' || g from generate_series(1, 20) g;
                create table public.payroll(id int primary key, salary int);
                insert into public.payroll select g, g * 1000 from generate_series(1, 5) g;
                """);
        postgres.leastPrivilegeRole(ROLE);
        // The role reads every table but one.
        postgres.execute(DATABASE, "grant usage on schema public to " + ROLE + "; grant select on public.customers to " + ROLE
                + "; revoke select on public.payroll from " + ROLE);
        KafkaProbe.send(brokers(), Topics.TARGETS, TARGET, EventJson.writeString(TargetConfigured.now(new TargetId(TARGET),
                new Connection(postgres.host(), postgres.port(), DATABASE, ROLE, null, null))));
    }

    @Test
    void aDryRunNamesTheTableTheRoleCannotReadAndDumpsNothing() throws IOException {
        try (KafkaProbe probe = new KafkaProbe(brokers(), Topics.DRY_RUN_CHECKED, Topics.DUMP_STARTED, Topics.DUMP_PROGRESSED,
                Topics.ARTIFACT_CREATED, Topics.BACKUP_FAILED)) {
            JobId jobId = askForDryRun(TARGET);

            KafkaProbe.Seen seen = probe.await(r -> r.topic().equals(Topics.DRY_RUN_CHECKED) && r.value().contains(jobId.toString()),
                    Duration.ofSeconds(60));
            assertThat(seen.key()).isEqualTo(TARGET);
            DryRunChecked checked = EventJson.read(seen.value().getBytes(), DryRunChecked.class);
            assertThat(checked.stage()).isEqualTo(Stage.DUMP);
            assertThat(check(checked, "connect").passed()).as(check(checked, "connect").detail()).isTrue();
            CheckResult privileges = check(checked, "privileges");
            assertThat(privileges.passed()).isFalse();
            assertThat(privileges.detail()).contains("public.payroll").doesNotContain("public.customers")
                    .contains("GRANT SELECT ON TABLE public.payroll TO " + ROLE + ";");
            assertThat(checked.serverVersion()).isNotBlank();
            assertThat(checked.extensionList()).extracting(e -> e.name()).contains("plpgsql");

            // A dump would have announced DumpStarted first, then ArtifactCreated or BackupFailed, on the same partition as the answer.
            assertThat(probe.arrivals("dump events of job " + jobId, r -> r.value().contains(jobId.toString())
                    && !r.topic().equals(Topics.DRY_RUN_CHECKED)).noMoreArriveWithin(Duration.ofSeconds(3))).isEmpty();
        }
        try (Stream<Path> files = Files.walk(staging())) {
            assertThat(files.filter(Files::isRegularFile).toList()).as("files left in staging").isEmpty();
        }
    }

    @Test
    void aDryRunOfAnUnknownTargetAnswersWithOneFailedCheckInsteadOfBackupFailed() {
        try (KafkaProbe probe = new KafkaProbe(brokers(), Topics.DRY_RUN_CHECKED, Topics.DUMP_STARTED, Topics.BACKUP_FAILED)) {
            JobId jobId = askForDryRun("worker-dryrun-never-announced");

            KafkaProbe.Seen seen = probe.await(r -> r.value().contains(jobId.toString()), Duration.ofSeconds(60));
            assertThat(seen.topic()).as(seen.value()).isEqualTo(Topics.DRY_RUN_CHECKED);
            DryRunChecked checked = EventJson.read(seen.value().getBytes(), DryRunChecked.class);
            assertThat(checked.stage()).isEqualTo(Stage.DUMP);
            assertThat(checked.checks()).singleElement().satisfies(check -> {
                assertThat(check.name()).isEqualTo("target");
                assertThat(check.passed()).isFalse();
                assertThat(check.detail()).contains("'worker-dryrun-never-announced'").contains("targets file");
            });
            assertThat(checked.serverVersion()).isNull();
            assertThat(probe.arrivals("other events of job " + jobId, r -> r.value().contains(jobId.toString())
                    && !r.topic().equals(Topics.DRY_RUN_CHECKED)).noMoreArriveWithin(Duration.ofSeconds(1))).isEmpty();
        }
    }

    private static CheckResult check(DryRunChecked checked, String name) {
        return checked.checks().stream().filter(c -> c.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no check " + name + " in " + checked.checks()));
    }

    private static JobId askForDryRun(String target) {
        BackupRequested request = BackupRequested.dryRun(JobId.random(), new TargetId(target), Trigger.API, "test", null);
        KafkaProbe.send(brokers(), Topics.BACKUP_REQUESTED, target, EventJson.writeString(request));
        return request.jobId();
    }

    private static Path staging() {
        return Path.of(System.getProperty("java.io.tmpdir"), "dryrun-staging");
    }

    private static String brokers() {
        return LocalKafka.shared().bootstrapServers();
    }
}
