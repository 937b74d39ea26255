package dev.vigil.verifier;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.contracts.CheckResult;
import dev.vigil.contracts.DryRunChecked;
import dev.vigil.contracts.JobId;
import dev.vigil.contracts.SourceExtension;
import dev.vigil.contracts.Stage;
import dev.vigil.contracts.TargetId;
import dev.vigil.contracts.Topics;
import dev.vigil.contracts.json.EventJson;
import dev.vigil.local.KafkaProbe;
import dev.vigil.local.LocalKafka;
import dev.vigil.local.LocalPostgres;
import dev.vigil.local.LocalS3;
import dev.vigil.local.ServiceTestSettings;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The verifier's part of a dry run against a real broker and a real verification server (the local
 * PostgreSQL, as a role that may only create databases): the worker's {@link DryRunChecked} is
 * answered with what that server and the installed pg_restore say about the source.
 */
@DirtiesContext
@SpringBootTest(properties = "spring.config.name=verifier-service")
class DryRunVerifierTest {

    private static String scratchVersion;
    private static int scratchMajor;

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        ServiceTestSettings.s3Credentials();
        ServiceTestSettings.kafkaAndDatabase(registry, VerifierApplication.NAME, "verifier_dryrun_test");
        registry.add("vigil.verifier.endpoint", () -> LocalS3.shared().endpoint());
        Verifications.scratchAsVerifierRole(registry);
        registry.add("vigil.verifier.instance-id", () -> "dry-1");
        registry.add("vigil.verifier.work-dir", () -> Path.of(System.getProperty("java.io.tmpdir"), "verify-dryrun").toString());
    }

    @BeforeAll
    static void theVerificationServersVersion() throws Exception {
        try (var connection = LocalPostgres.shared().connect("postgres");
                ResultSet rs = connection.createStatement().executeQuery("select current_setting('server_version'), current_setting('server_version_num')::int / 10000")) {
            rs.next();
            scratchVersion = rs.getString(1);
            scratchMajor = rs.getInt(2);
        }
    }

    @Test
    void aSourceOfTheSameMajorWithExtensionsTheServerHasPassesEveryCheck() throws Exception {
        long databasesBefore = databases();

        DryRunChecked answer = answerTo(workersPart(scratchVersion, new SourceExtension("plpgsql", "1.0"), new SourceExtension("pg_trgm", "1.6")));

        assertThat(answer.checks()).extracting(CheckResult::name).containsExactly("verification server", "server version", "extensions", "pg_restore");
        assertThat(answer.checks()).allSatisfy(check -> assertThat(check.passed()).as(check.name() + ": " + check.detail()).isTrue());
        assertThat(check(answer, "verification server").detail()).contains(LocalPostgres.VERIFIER_ROLE).contains("may create databases");
        assertThat(check(answer, "extensions").detail()).contains("pg_trgm 1.6");
        assertThat(databases()).as("databases on the verification server").isEqualTo(databasesBefore);
    }

    @Test
    void anExtensionTheServerLacksIsNamedWithWhatToInstall() {
        DryRunChecked answer = answerTo(workersPart(scratchVersion, new SourceExtension("plpgsql", "1.0"),
                new SourceExtension("no_such_extension", "2.1"), new SourceExtension("hstore", "99.0")));

        CheckResult extensions = check(answer, "extensions");
        assertThat(extensions.passed()).isFalse();
        assertThat(extensions.detail()).contains("\"no_such_extension\" 2.1 is not available there")
                .contains("postgresql-" + scratchMajor + "-no-such-extension")
                .contains("\"hstore\" is there in version").contains("older than the source's 99.0")
                .doesNotContain("plpgsql");
        assertThat(check(answer, "server version").passed()).isTrue();
    }

    @Test
    void aSourceOfANewerMajorThanTheServerFailsTheVersionAndThePgRestoreChecks() {
        int newer = scratchMajor + 3;
        DryRunChecked answer = answerTo(workersPart(newer + ".1", new SourceExtension("plpgsql", "1.0")));

        CheckResult version = check(answer, "server version");
        assertThat(version.passed()).isFalse();
        assertThat(version.detail()).contains("PostgreSQL " + scratchVersion + ", older than the source's " + newer + ".1")
                .contains("PostgreSQL " + newer + " or newer");
        assertThat(check(answer, "pg_restore").passed()).isFalse();
    }

    @Test
    void aSourceTheWorkerDidNotReachCannotBeCompared() {
        DryRunChecked answer = answerTo(workersPart(null));

        assertThat(check(answer, "verification server").passed()).isTrue();
        assertThat(check(answer, "server version").detail()).startsWith("could not be compared: the worker did not reach the source");
    }

    private static DryRunChecked workersPart(String serverVersion, SourceExtension... extensions) {
        DryRunChecked dump = DryRunChecked.dump(JobId.random(), new TargetId("dryrun-verify"),
                List.of(new CheckResult("connect", serverVersion != null, "as the worker found it")), serverVersion, null, List.of(extensions));
        KafkaProbe.send(brokers(), Topics.DRY_RUN_CHECKED, dump.targetId().value(), EventJson.writeString(dump));
        return dump;
    }

    private static DryRunChecked answerTo(DryRunChecked dump) {
        try (KafkaProbe probe = new KafkaProbe(brokers(), Topics.DRY_RUN_CHECKED)) {
            KafkaProbe.Seen seen = probe.await(r -> r.value().contains(dump.jobId().toString()) && r.value().contains("\"VERIFY\""),
                    Duration.ofSeconds(60));
            DryRunChecked answer = EventJson.read(seen.value().getBytes(), DryRunChecked.class);
            assertThat(answer.stage()).isEqualTo(Stage.VERIFY);
            return answer;
        }
    }

    private static CheckResult check(DryRunChecked checked, String name) {
        return checked.checks().stream().filter(c -> c.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no check " + name + " in " + checked.checks()));
    }

    private static long databases() throws Exception {
        try (var connection = LocalPostgres.shared().connect("postgres");
                ResultSet rs = connection.createStatement().executeQuery("select count(*) from pg_database")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static String brokers() {
        return LocalKafka.shared().bootstrapServers();
    }
}
