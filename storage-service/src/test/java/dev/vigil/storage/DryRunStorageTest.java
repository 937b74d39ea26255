package dev.vigil.storage;

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
import dev.vigil.local.LocalS3;
import dev.vigil.local.ServiceTestSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The storage service's part of a dry run against a real broker, PostgreSQL and S3 endpoint: the
 * worker's {@link DryRunChecked} is answered with one check per destination, and nothing is kept.
 */
@DirtiesContext
@SpringBootTest(properties = "spring.config.name=storage-service")
class DryRunStorageTest {

    private static final String PRIMARY_BUCKET = "dryrun-primary";
    private static final String MISSING_BUCKET = "dryrun-no-such-bucket";
    private static final Path REPLICA_DIR = Path.of(System.getProperty("java.io.tmpdir"), "dryrun-replica");

    @Autowired
    DataSource dataSource;

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        ServiceTestSettings.s3Credentials();
        ServiceTestSettings.kafkaAndDatabase(registry, StorageApplication.NAME, "storage_dryrun");
        registry.add("vigil.storage.endpoint", () -> LocalS3.shared().endpoint());
        registry.add("vigil.storage.bucket", () -> PRIMARY_BUCKET);
        registry.add("vigil.storage.prefix", () -> "prod");
        registry.add("vigil.storage.create-bucket", () -> "true");
        registry.add("vigil.staging.dir", () -> Path.of(System.getProperty("java.io.tmpdir"), "dryrun-staging").toString());
        // A directory replica of every target, and an S3 replica of one target whose bucket nobody made.
        registry.add("vigil.storage.replicas[0].name", () -> "local-copy");
        registry.add("vigil.storage.replicas[0].path", REPLICA_DIR::toString);
        registry.add("vigil.storage.replicas[1].name", () -> "offsite");
        registry.add("vigil.storage.replicas[1].endpoint", () -> LocalS3.shared().endpoint());
        registry.add("vigil.storage.replicas[1].bucket", () -> MISSING_BUCKET);
        registry.add("vigil.storage.replicas[1].targets[0]", () -> "dryrun-broken");
    }

    @Test
    void everyDestinationTakesAndGivesBackAProbeAndNothingIsCataloged() throws IOException {
        DryRunChecked dump = workersPart("dryrun-ok");

        DryRunChecked answer = awaitAnswer(dump);

        assertThat(answer.checks()).extracting(CheckResult::name).containsExactly("destination primary", "destination local-copy");
        assertThat(answer.checks()).allSatisfy(check -> assertThat(check.passed()).as(check.detail()).isTrue());
        assertThat(answer.checks().getFirst().detail()).contains("s3://" + PRIMARY_BUCKET + "/prod/.vigil-dry-run-dryrun-ok-" + dump.jobId())
                .contains(" bytes").contains(" ms");
        assertThat(answer.checks().getLast().detail()).contains(REPLICA_DIR.toString());
        assertThat(LocalS3.shared().client().listObjectsV2Paginator(b -> b.bucket(PRIMARY_BUCKET)).contents().stream().map(S3Object::key))
                .as("keys left in the primary").noneMatch(key -> key.contains(".vigil-dry-run"));
        try (Stream<Path> files = Files.walk(REPLICA_DIR)) {
            assertThat(files.filter(p -> !p.equals(REPLICA_DIR)).toList()).as("left in the directory replica").isEmpty();
        }
        assertThat(JdbcClient.create(dataSource).sql("select count(*) from storage.stored_artifacts where job_id = ?")
                .param(dump.jobId().value()).query(Long.class).single()).as("catalog rows of the dry run").isZero();
    }

    @Test
    void aReplicaWhoseBucketDoesNotExistFailsItsCheckSayingSoWhileTheOthersPass() {
        DryRunChecked answer = awaitAnswer(workersPart("dryrun-broken"));

        assertThat(answer.checks()).extracting(CheckResult::name)
                .containsExactly("destination primary", "destination local-copy", "destination offsite");
        assertThat(answer.checks().subList(0, 2)).allSatisfy(check -> assertThat(check.passed()).as(check.detail()).isTrue());
        CheckResult offsite = answer.checks().getLast();
        assertThat(offsite.passed()).isFalse();
        assertThat(offsite.detail()).contains("NoSuchBucket").contains("the bucket " + MISSING_BUCKET + " does not exist: create it");
    }

    @Test
    void theOtherServicesAnswersAreNotAnsweredAndNothingElseIsAnnounced() {
        DryRunChecked ignored = DryRunChecked.answer(DryRunChecked.dump(JobId.random(), new TargetId("dryrun-ok"), List.of(), null, null,
                List.of()), Stage.VERIFY, List.of(new CheckResult("scratch server", true, "answers")));
        try (KafkaProbe probe = new KafkaProbe(brokers(), Topics.DRY_RUN_CHECKED, Topics.RETENTION_APPLIED, Topics.ARTIFACT_STORED,
                Topics.BACKUP_FAILED)) {
            KafkaProbe.send(brokers(), Topics.DRY_RUN_CHECKED, "dryrun-ok", EventJson.writeString(ignored));
            // Same key, same partition: once this one is answered, the one before it has been handled.
            DryRunChecked next = workersPart("dryrun-ok");
            probe.await(r -> r.value().contains(next.jobId().toString()) && r.value().contains("\"STORE\""), Duration.ofSeconds(60));

            assertThat(probe.arrivals("records of job " + ignored.jobId(), r -> r.value().contains(ignored.jobId().toString()))
                    .noMoreArriveWithin(Duration.ofSeconds(1))).as("only the VERIFY answer the test sent").hasSize(1);
            assertThat(probe.arrivals("other events of target dryrun-ok", r -> "dryrun-ok".equals(r.key())
                    && !r.topic().equals(Topics.DRY_RUN_CHECKED))
                    .noMoreArriveWithin(Duration.ofSeconds(2))).as("no retention, no store, no failure").isEmpty();
        }
    }

    private static DryRunChecked workersPart(String target) {
        DryRunChecked dump = DryRunChecked.dump(JobId.random(), new TargetId(target), List.of(new CheckResult("connect", true, "connected")),
                "17.2", 1234L, List.of(new SourceExtension("plpgsql", "1.0")));
        KafkaProbe.send(brokers(), Topics.DRY_RUN_CHECKED, target, EventJson.writeString(dump));
        return dump;
    }

    private static DryRunChecked awaitAnswer(DryRunChecked dump) {
        try (KafkaProbe probe = new KafkaProbe(brokers(), Topics.DRY_RUN_CHECKED)) {
            KafkaProbe.Seen seen = probe.await(r -> r.value().contains(dump.jobId().toString()) && r.value().contains("\"STORE\""),
                    Duration.ofSeconds(60));
            assertThat(seen.key()).isEqualTo(dump.targetId().value());
            DryRunChecked answer = EventJson.read(seen.value().getBytes(), DryRunChecked.class);
            assertThat(answer.stage()).isEqualTo(Stage.STORE);
            return answer;
        }
    }

    private static String brokers() {
        return LocalKafka.shared().bootstrapServers();
    }
}
