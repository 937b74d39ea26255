package dev.vigil.verifier;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.contracts.Artifact;
import dev.vigil.contracts.BackupRechecked;
import dev.vigil.contracts.BrokerRights;
import dev.vigil.contracts.Catalog;
import dev.vigil.contracts.CatalogReference;
import dev.vigil.contracts.JobId;
import dev.vigil.contracts.RecheckRequested;
import dev.vigil.contracts.Sha256;
import dev.vigil.contracts.StoredObject;
import dev.vigil.contracts.TableRowCount;
import dev.vigil.contracts.TargetId;
import dev.vigil.contracts.Topics;
import dev.vigil.contracts.Verdict;
import dev.vigil.contracts.json.EventJson;
import dev.vigil.local.KafkaProbe;
import dev.vigil.local.LocalKafka;
import dev.vigil.local.LocalPostgres;
import dev.vigil.local.LocalS3;
import dev.vigil.local.ServiceTestSettings;
import dev.vigil.pgclients.CatalogFingerprint;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Kept backups restored again at the storage service's request ({@code RecheckRequested}), against a
 * real broker, S3 endpoint and PostgreSQL: the verification's pipeline, answered with
 * {@code BackupRechecked} and never with a verdict on the job.
 */
// Closed after the class, while the shared broker and database still run (they stop at JVM exit).
@DirtiesContext
@ExtendWith(OutputCaptureExtension.class)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE, properties = "spring.config.name=verifier-service")
class RecheckTest {

    private static final String BUCKET = "recheck-test";
    private static final TargetId TARGET = new TargetId("recheck-shop");
    private static final List<TableRowCount> SOURCE_COUNTS = List.of(
            new TableRowCount("public", "customers", 40), new TableRowCount("sales", "Order Lines", 700));
    private static byte[] dump;
    private static Catalog catalog;

    private final S3Client s3 = LocalS3.shared().client();

    @Autowired
    DataSource dataSource;

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        ServiceTestSettings.s3Credentials();
        ServiceTestSettings.kafkaAndDatabase(registry, VerifierApplication.NAME, "verifier_recheck_test");
        registry.add("vigil.verifier.endpoint", () -> LocalS3.shared().endpoint());
        // As a role that may only create databases, as every verification restores.
        Verifications.scratchAsVerifierRole(registry);
        registry.add("vigil.verifier.instance-id", () -> "RC-1");
        registry.add("vigil.verifier.work-dir", () -> Path.of(System.getProperty("java.io.tmpdir"), "recheck-test").toString());
    }

    @BeforeAll
    static void aRealDumpAndItsCatalog() throws Exception {
        LocalPostgres postgres = LocalPostgres.shared();
        Verifications.loadSource("recheck_source");
        dump = Verifications.pgDump("recheck_source");
        try (var connection = postgres.connect("recheck_source")) {
            catalog = new Catalog(CatalogFingerprint.take(connection, schema -> true, true, true), true, true);
        }
    }

    @Test
    void aKeptBackupRestoredAgainPassesWithItsRestoreTimeAndNoVerdictOnTheJobIsAnnounced() throws Exception {
        RecheckRequested request = kept(dump, SOURCE_COUNTS);

        try (KafkaProbe probe = new KafkaProbe(LocalKafka.shared().bootstrapServers(), Topics.BACKUP_RECHECKED, Topics.BACKUP_VERIFIED,
                Topics.BACKUP_FAILED)) {
            ask(request);
            KafkaProbe.Seen seen = probe.await(r -> r.value().contains(request.jobId().toString()), Duration.ofSeconds(60));
            assertThat(seen.topic()).as(seen.value()).isEqualTo(Topics.BACKUP_RECHECKED);
            assertThat(seen.key()).isEqualTo(TARGET.value());
            BackupRechecked answer = EventJson.read(seen.value().getBytes(), BackupRechecked.class);

            assertThat(answer.differences()).isEmpty();
            assertThat(answer.verdict()).isEqualTo(Verdict.PASSED);
            assertThat(answer.checkId()).isEqualTo(request.checkId());
            assertThat(answer.copy()).isEqualTo(request.copy());
            assertThat(answer.environmentProblems()).isEmpty();
            assertThat(answer.restoreMillis()).isPositive();
            assertThat(probe.arrivals("announcements of the job", r -> r.value().contains(request.jobId().toString()))
                    .noMoreArriveWithin(Duration.ofSeconds(2))).as("the answer, and no BackupVerified or BackupFailed").hasSize(1);
        }
        JdbcClient jdbc = JdbcClient.create(dataSource);
        assertThat(jdbc.sql("select count(*) from verifications where job_id = ?").param(request.jobId().value()).query(Integer.class).single())
                .as("no verdict recorded for the job").isZero();
        assertThat(jdbc.sql("select verdict from rechecks where check_id = ?").param(request.checkId()).query(String.class).single())
                .isEqualTo("PASSED");
        assertThat(scratchDatabases("rc1")).isEmpty();
    }

    @Test
    void aKeptBackupWhoseObjectWasAlteredAtRestFailsOnItsChecksum() throws Exception {
        byte[] altered = dump.clone();
        altered[altered.length / 2] ^= 0x5a;
        RecheckRequested request = kept(altered, Sha256.of(dump), SOURCE_COUNTS);

        BackupRechecked answer = answerTo(request);

        assertThat(answer.verdict()).isEqualTo(Verdict.FAILED);
        assertThat(answer.differences()).singleElement().asString().startsWith("artifact checksum mismatch").contains("damaged");
    }

    @Test
    void aRequestMisstatingTheRowCountsFailsNamingTheTable() throws Exception {
        RecheckRequested request = kept(dump, List.of(new TableRowCount("public", "customers", 41), new TableRowCount("sales", "Order Lines", 700)));

        BackupRechecked answer = answerTo(request);

        assertThat(answer.verdict()).isEqualTo(Verdict.FAILED);
        assertThat(answer.differences()).containsExactly("table public.customers: expected 41 rows, found 40");
        assertThat(answer.restoreMillis()).isPositive();
    }

    @Test
    void aCopyGoneFromTheStoreFailsSayingItCouldNotBeRead() throws Exception {
        RecheckRequested request = kept(dump, SOURCE_COUNTS);
        s3.deleteObject(b -> b.bucket(BUCKET).key(request.copy().key()));

        BackupRechecked answer = answerTo(request);

        assertThat(answer.verdict()).isEqualTo(Verdict.FAILED);
        assertThat(answer.differences()).singleElement().asString().startsWith("could not read the stored backup " + BUCKET + "/"
                + request.copy().key());
    }

    @Test
    void aRequestDeliveredAgainIsAnsweredAgainWithoutRestoringTwice(CapturedOutput output) throws Exception {
        RecheckRequested request = kept(dump, SOURCE_COUNTS);

        try (KafkaProbe probe = new KafkaProbe(LocalKafka.shared().bootstrapServers(), Topics.BACKUP_RECHECKED)) {
            var answers = probe.arrivals("answers to " + request.checkId(), r -> r.value().contains(request.checkId().toString()));
            ask(request);
            answers.arriveWithin(Duration.ofSeconds(60), 1);
            ask(request);
            List<KafkaProbe.Seen> both = answers.arriveWithin(Duration.ofSeconds(60), 2);

            assertThat(both.get(1).value()).as("the same answer, same eventId").isEqualTo(both.get(0).value());
        }
        assertThat(output.getAll().split("re-restore " + request.checkId() + " started", -1)).as("restores started").hasSize(2);
        assertThat(output.getAll()).contains("re-restore " + request.checkId() + " of job " + request.jobId() + " target " + TARGET
                + " already answered; announcing it again");
    }

    /** A kept backup of {@link #TARGET} in the bucket, with its manifest beside it, and the storage service's request to restore it again. */
    private RecheckRequested kept(byte[] object, List<TableRowCount> counts) {
        return kept(object, Sha256.of(object), counts);
    }

    private RecheckRequested kept(byte[] object, String workerSha256, List<TableRowCount> counts) {
        JobId jobId = JobId.random();
        String key = TARGET + "/2026/11/01/20261101T030000Z-" + jobId + ".dump";
        try {
            s3.createBucket(b -> b.bucket(BUCKET));
        } catch (software.amazon.awssdk.services.s3.model.S3Exception alreadyThere) {
            // made by an earlier test
        }
        s3.putObject(b -> b.bucket(BUCKET).key(key), RequestBody.fromBytes(object));
        s3.putObject(b -> b.bucket(BUCKET).key(key + ".manifest.json"), RequestBody.fromBytes(CatalogReference.document(catalog)));
        Artifact artifact = new Artifact("custom", object.length, workerSha256, Verifications.sourceVersion(), Verifications.sourceVersion(),
                counts, null, null, null).withCatalogAt(CatalogReference.to("s3://" + BUCKET + "/" + key + ".manifest.json", catalog));
        return RecheckRequested.now(UUID.randomUUID(), jobId, TARGET, new StoredObject("primary", BUCKET, key), artifact,
                "monthly sample 2026-12: the oldest kept verified backup of " + TARGET);
    }

    /** Publishes the request as the storage service does, signed in as it. */
    private static void ask(RecheckRequested request) {
        KafkaProbe.send(LocalKafka.shared().clientProperties(BrokerRights.STORAGE), Topics.RECHECK_REQUESTED, request.targetId().value(),
                EventJson.writeString(request));
    }

    /** Asks, as the storage service does, and answers the verifier's answer as it is on the topic. */
    private static BackupRechecked answerTo(RecheckRequested request) {
        try (KafkaProbe probe = new KafkaProbe(LocalKafka.shared().bootstrapServers(), Topics.BACKUP_RECHECKED)) {
            ask(request);
            KafkaProbe.Seen seen = probe.await(r -> r.value().contains(request.checkId().toString()), Duration.ofSeconds(60));
            return EventJson.read(seen.value().getBytes(), BackupRechecked.class);
        }
    }

    private static List<String> scratchDatabases(String instance) throws Exception {
        try (var connection = LocalPostgres.shared().connect("postgres");
                ResultSet rs = connection.createStatement().executeQuery(
                        "select datname from pg_database where datname like 'vigil\\_verify\\_" + instance + "\\_%'")) {
            List<String> names = new ArrayList<>();
            while (rs.next()) {
                names.add(rs.getString(1));
            }
            return names;
        }
    }
}
