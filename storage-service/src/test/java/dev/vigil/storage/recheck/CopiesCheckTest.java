package dev.vigil.storage.recheck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.vigil.contracts.Artifact;
import dev.vigil.contracts.ArtifactCreated;
import dev.vigil.contracts.ArtifactStored;
import dev.vigil.contracts.BackupRechecked;
import dev.vigil.contracts.BrokerRights;
import dev.vigil.contracts.CopiesChecked;
import dev.vigil.contracts.CopyFault;
import dev.vigil.contracts.CopyProblem;
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
import dev.vigil.local.LocalS3;
import dev.vigil.local.ServiceTestSettings;
import dev.vigil.storage.StorageApplication;
import dev.vigil.storage.backups.StoredBackup;
import dev.vigil.storage.backups.StoredBackups;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
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
 * Stored copies checked again at rest, against a real broker, PostgreSQL and S3 endpoint: copies
 * altered or deleted behind the service's back are named in {@code CopiesChecked} on the topic,
 * untouched ones are counted and pass; once a month each target's oldest kept verified backup with
 * whole copies is sent to the verifier to be restored again ({@code RecheckRequested}), and the
 * verifier's answer ({@code BackupRechecked}) is recorded only for a request this service made.
 */
// Closed after the class, while the shared broker and database still run (they stop at JVM exit).
@DirtiesContext
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE, properties = "spring.config.name=storage-service")
@ExtendWith(OutputCaptureExtension.class)
class CopiesCheckTest {

    private static final String BUCKET = "recheck-test";
    private static final String REPLICA_BUCKET = "recheck-replica";
    private static final Path REPLICA_DIR = Path.of(System.getProperty("java.io.tmpdir"), "replica-recheck");
    private static final Path STAGING = Path.of(System.getProperty("java.io.tmpdir"), "staging");

    @Autowired
    CopyCheck copyCheck;

    @Autowired
    StoredBackups catalog;

    @Autowired
    S3Client s3;

    @Autowired
    DataSource dataSource;

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        ServiceTestSettings.s3Credentials();
        ServiceTestSettings.kafkaAndDatabase(registry, StorageApplication.NAME, "copies_check_test");
        registry.add("vigil.storage.endpoint", () -> LocalS3.shared().endpoint());
        registry.add("vigil.storage.bucket", () -> BUCKET);
        registry.add("vigil.storage.prefix", () -> "prod");
        registry.add("vigil.storage.create-bucket", () -> "true");
        registry.add("vigil.staging.dir", STAGING::toString);
        // Run by hand only: each test calls the bean.
        registry.add("vigil.storage.recheck.schedule", () -> "-");
        // A directory replica of every target, and an S3 replica of one.
        registry.add("vigil.storage.replicas[0].name", () -> "local-copy");
        registry.add("vigil.storage.replicas[0].path", REPLICA_DIR::toString);
        registry.add("vigil.storage.replicas[1].name", () -> "offsite");
        registry.add("vigil.storage.replicas[1].endpoint", () -> LocalS3.shared().endpoint());
        registry.add("vigil.storage.replicas[1].bucket", () -> REPLICA_BUCKET);
        registry.add("vigil.storage.replicas[1].prefix", () -> "copies");
        registry.add("vigil.storage.replicas[1].create-bucket", () -> "true");
        registry.add("vigil.storage.replicas[1].targets[0]", () -> "recheck-offsite");
    }

    @Test
    void whenAStoredObjectIsAlteredInTheBucketThenCopiesCheckedNamesTheJobTheCopyAndAltered(CapturedOutput output) throws Exception {
        byte[] bytes = "the backup as it was stored".getBytes();
        ArtifactStored stored = store("recheck-altered", bytes);
        // Rot, or an overwrite out of band: the same size, one byte different, written straight into the bucket.
        byte[] rotten = bytes.clone();
        rotten[4] ^= 1;
        s3.putObject(b -> b.bucket(BUCKET).key(stored.location().key()), RequestBody.fromBytes(rotten));

        CopiesChecked checked = onTheTopic(runFor("recheck-altered"));

        assertThat(checked.backupsChecked()).isEqualTo(1);
        assertThat(checked.copiesChecked()).as("the primary and the directory replica").isEqualTo(2);
        assertThat(checked.problems()).hasSize(1);
        CopyProblem problem = checked.problems().getFirst();
        assertThat(problem.jobId()).isEqualTo(stored.jobId());
        assertThat(problem.copy()).isEqualTo(new StoredObject("primary", BUCKET, stored.location().key()));
        assertThat(problem.fault()).isEqualTo(CopyFault.ALTERED);
        assertThat(problem.detail()).contains("SHA-256 " + Sha256.of(rotten)).contains("recorded " + bytes.length + " bytes with SHA-256 "
                + Sha256.of(bytes));
        assertThat(lastChecks(stored.jobId())).containsEntry("primary", "ALTERED").containsEntry("local-copy", "OK");
        assertThat(output.getOut()).contains("re-check: copy of backup " + stored.jobId() + " of target recheck-altered at destination primary ("
                + stored.location().key() + ") is ALTERED");
    }

    @Test
    void whenAReplicaCopyIsDeletedThenCopiesCheckedNamesTheReplicaAsMissing() throws Exception {
        ArtifactStored stored = store("recheck-offsite", "a backup with an offsite copy".getBytes());
        StoredObject offsite = stored.replicas().get(1);
        assertThat(offsite.destination()).isEqualTo("offsite");
        s3.deleteObject(b -> b.bucket(REPLICA_BUCKET).key(offsite.key()));

        CopiesChecked checked = onTheTopic(runFor("recheck-offsite"));

        assertThat(checked.copiesChecked()).as("the primary and both replicas").isEqualTo(3);
        assertThat(checked.problems()).singleElement().satisfies(problem -> {
            assertThat(problem.jobId()).isEqualTo(stored.jobId());
            assertThat(problem.copy()).isEqualTo(new StoredObject("offsite", REPLICA_BUCKET, offsite.key()));
            assertThat(problem.fault()).isEqualTo(CopyFault.MISSING);
        });
        assertThat(lastChecks(stored.jobId())).containsExactlyInAnyOrderEntriesOf(Map.of("primary", "OK", "local-copy", "OK", "offsite", "MISSING"));
    }

    @Test
    void aCopyInADirectoryReplicaRewrittenOutOfBandIsAlteredToo() throws Exception {
        ArtifactStored stored = store("recheck-directory", "a backup whose directory copy is rewritten".getBytes());
        StoredObject local = stored.replicas().getFirst();
        Files.writeString(REPLICA_DIR.resolve(local.key()), "not the backup");

        CopiesChecked checked = onTheTopic(runFor("recheck-directory"));

        assertThat(checked.problems()).singleElement().satisfies(problem -> {
            assertThat(problem.copy()).isEqualTo(local);
            assertThat(problem.fault()).isEqualTo(CopyFault.ALTERED);
            assertThat(problem.detail()).startsWith("holds 14 bytes");
        });
    }

    @Test
    void untouchedBackupsAreCountedAndPassAndOneRetentionDeletedIsNotChecked() throws Exception {
        ArtifactStored first = store("recheck-intact", "the first untouched backup".getBytes());
        ArtifactStored second = store("recheck-intact", "the second untouched backup".getBytes());
        ArtifactStored deleted = store("recheck-intact", "a backup retention let go".getBytes());
        // As retention leaves it: its copies gone, its row kept as history.
        s3.deleteObject(b -> b.bucket(BUCKET).key(deleted.location().key()));
        Files.delete(REPLICA_DIR.resolve(deleted.replicas().getFirst().key()));
        catalog.markDeleted(deleted.jobId(), "no rule keeps it");

        CopiesChecked checked = onTheTopic(runFor("recheck-intact"));

        assertThat(checked.problems()).isEmpty();
        assertThat(checked.backupsChecked()).isEqualTo(2);
        assertThat(checked.copiesChecked()).isEqualTo(4);
        assertThat(lastChecks(first.jobId())).containsExactlyInAnyOrderEntriesOf(Map.of("primary", "OK", "local-copy", "OK"));
        assertThat(lastChecks(second.jobId())).containsExactlyInAnyOrderEntriesOf(Map.of("primary", "OK", "local-copy", "OK"));
        assertThat(lastChecks(deleted.jobId())).isEmpty();
    }

    @Test
    void whileAnotherInstanceChecksARunStartedHereChecksNothing() {
        boolean held = catalog.runAlone(CopyCheck.RUN_LOCK, () -> assertThat(copyCheck.runNow()).as("a run while the lock is held").isEmpty());

        assertThat(held).isTrue();
    }

    @Test
    void onceAMonthARunAsksTheVerifierToRestoreTheOldestKeptVerifiedBackupWithWholeCopiesOfEachTarget() throws Exception {
        ArtifactStored a1 = verified(store("sample-a", "the oldest backup of a".getBytes()));
        verified(store("sample-a", "a newer backup of a".getBytes()));
        verified(store("sample-a", "the newest backup of a".getBytes()));
        // b: the oldest deleted by retention, the next never verified, the next with a copy rewritten; the fourth is the sample.
        ArtifactStored b0 = verified(store("sample-b", "a backup retention let go".getBytes()));
        catalog.markDeleted(b0.jobId(), "no rule keeps it");
        store("sample-b", "a backup not verified yet".getBytes());
        ArtifactStored b2 = verified(store("sample-b", "a verified backup whose replica rots".getBytes()));
        Files.writeString(REPLICA_DIR.resolve(b2.replicas().getFirst().key()), "not the backup");
        ArtifactStored b3 = verified(store("sample-b", "the oldest whole verified backup of b".getBytes()));
        verified(store("sample-b", "the newest backup of b".getBytes()));
        YearMonth month = YearMonth.now(ZoneOffset.UTC);

        try (KafkaProbe probe = new KafkaProbe(brokers(), Topics.RECHECK_REQUESTED)) {
            copyCheck.runNow();
            RecheckRequested forA = request(probe, "sample-a");
            RecheckRequested forB = request(probe, "sample-b");

            assertThat(forA.jobId()).isEqualTo(a1.jobId());
            assertThat(forA.copy()).as("the primary, which the verifier reads").isEqualTo(a1.location());
            assertThat(forA.artifact()).as("the artifact as ArtifactStored carried it").isEqualTo(a1.artifact());
            assertThat(forA.reason()).startsWith("monthly sample " + month + ": the oldest kept verified backup of sample-a");
            assertThat(forB.jobId()).isEqualTo(b3.jobId());
            assertThat(samples("sample-a")).containsExactly(forA.checkId() + " " + a1.jobId() + " " + month.atDay(1) + " unanswered");

            // The second run of the month asks for nothing more; its own CopiesChecked comes after any request it made.
            onTheTopic(runFor("sample-a"));
            probe.arrivals("requests for sample-a and sample-b", r -> r.key().startsWith("sample-")).noMoreArriveWithin(Duration.ofSeconds(2));

            // A month later (its sample now recorded as last month's), the oldest is asked for again.
            JdbcClient.create(dataSource).sql("update sample_restores set month = month - interval '1 month' where target_id = 'sample-a'").update();
            copyCheck.runNow();
            RecheckRequested nextMonth = EventJson.read(probe.arrivals("requests for sample-a", r -> "sample-a".equals(r.key()))
                    .arriveWithin(Duration.ofSeconds(30), 2).get(1).value().getBytes(), RecheckRequested.class);
            assertThat(nextMonth.jobId()).isEqualTo(a1.jobId());
            assertThat(nextMonth.checkId()).isNotEqualTo(forA.checkId());
        }
    }

    @Test
    void aFailedReRestoreIsRecordedOnceAgainstTheRequestItAnswersAndChangesNoVerdict(CapturedOutput output) throws Exception {
        ArtifactStored stored = verified(store("sample-failed", "a backup that no longer restores".getBytes()));
        RecheckRequested request = requestAfterARun("sample-failed");
        BackupRechecked failed = BackupRechecked.of(request, Verdict.FAILED, List.of("table public.t: expected 1 rows, found 0"), List.of(), 1234);

        answer(failed);

        await().atMost(Duration.ofSeconds(30)).until(() -> samples("sample-failed"),
                rows -> rows.equals(List.of(request.checkId() + " " + stored.jobId() + " " + YearMonth.now(ZoneOffset.UTC).atDay(1) + " FAILED")));
        assertThat(JdbcClient.create(dataSource).sql("select restore_millis from sample_restores where check_id = ?").param(request.checkId())
                .query(Long.class).single()).isEqualTo(1234);
        // The log line follows the row's commit: wait for it too.
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(output.getOut()).contains("re-restore " + request.checkId()
                + " of backup " + stored.jobId() + " of target sample-failed from copy primary (" + stored.location().key()
                + "): FAILED in 1234 ms; the backup no longer restores as it did: [table public.t: expected 1 rows, found 0]"));
        assertThat(state(stored)).as("the backup keeps its verdict, and its place in retention").isEqualTo(StoredBackup.State.VERIFIED);

        // Delivered again, and a second, contrary answer: neither changes what was recorded.
        answer(failed);
        answer(BackupRechecked.of(request, Verdict.PASSED, List.of(), List.of(), 99));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(output.getOut())
                .contains("re-restore " + request.checkId() + " of backup " + stored.jobId() + " of target sample-failed already recorded (FAILED)")
                .contains("re-restore " + request.checkId() + " of backup " + stored.jobId() + " of target sample-failed was already answered "
                        + "FAILED; a second answer (PASSED"));
        assertThat(samples("sample-failed")).singleElement().asString().endsWith(" FAILED");
    }

    @Test
    void anAnswerToNoRequestThisServiceMadeIsLoggedAndIgnored(CapturedOutput output) throws Exception {
        ArtifactStored stored = verified(store("sample-forged", "a backup someone answers for".getBytes()));
        ArtifactStored other = verified(store("sample-forged", "another backup of the target".getBytes()));
        RecheckRequested request = requestAfterARun("sample-forged");
        RecheckRequested neverMade = RecheckRequested.now(UUID.randomUUID(), stored.jobId(), stored.targetId(), stored.location(),
                stored.artifact(), "not asked by the storage service");
        RecheckRequested otherBackup = new RecheckRequested(UUID.randomUUID(), Instant.now(), RecheckRequested.SCHEMA_VERSION,
                request.checkId(), other.jobId(), other.targetId(), other.location(), other.artifact(), "the right check, the wrong backup");

        answer(BackupRechecked.of(neverMade, Verdict.FAILED, List.of("made up"), List.of(), 1));
        answer(BackupRechecked.of(otherBackup, Verdict.FAILED, List.of("made up"), List.of(), 1));

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(output.getOut())
                .contains("answers no re-restore this service asked for (check " + neverMade.checkId() + "); ignored")
                .contains("for check " + request.checkId() + " names job " + other.jobId() + ", target sample-forged, copy primary "
                        + other.location().key() + ", but that check asked for job " + stored.jobId()));
        assertThat(samples("sample-forged")).singleElement().asString().endsWith(" unanswered");
        assertThat(state(stored)).isEqualTo(StoredBackup.State.VERIFIED);
        assertThat(state(other)).isEqualTo(StoredBackup.State.VERIFIED);
    }

    /** The backup with a passed verification, as the verifier's verdict leaves it. */
    private ArtifactStored verified(ArtifactStored stored) {
        assertThat(catalog.recordVerdict(stored.jobId(), true, Instant.now())).isEqualTo(StoredBackups.VerdictOutcome.RECORDED);
        return stored;
    }

    /** Runs the re-check and answers the target's sample it asked for, read from the topic. */
    private RecheckRequested requestAfterARun(String target) {
        try (KafkaProbe probe = new KafkaProbe(brokers(), Topics.RECHECK_REQUESTED)) {
            copyCheck.runNow();
            return request(probe, target);
        }
    }

    private static RecheckRequested request(KafkaProbe probe, String target) {
        KafkaProbe.Seen seen = probe.await(r -> target.equals(r.key()), Duration.ofSeconds(30));
        return EventJson.read(seen.value().getBytes(), RecheckRequested.class);
    }

    /** Publishes the answer as the verifier does, signed in as the verifier. */
    private static void answer(BackupRechecked answer) {
        KafkaProbe.send(LocalKafka.shared().clientProperties(BrokerRights.VERIFIER), Topics.BACKUP_RECHECKED, answer.targetId().value(),
                EventJson.writeString(answer));
    }

    /** The target's re-restores: check id, job, month and verdict (or unanswered), oldest first. */
    private List<String> samples(String target) {
        return JdbcClient.create(dataSource).sql("""
                select check_id || ' ' || job_id || ' ' || month || ' ' || coalesce(verdict, 'unanswered') from sample_restores
                where target_id = ? order by requested_at""").param(target).query(String.class).list();
    }

    private StoredBackup.State state(ArtifactStored stored) {
        return catalog.live(stored.targetId()).stream().filter(b -> b.jobId().equals(stored.jobId())).findFirst().orElseThrow().state();
    }

    /** Runs the whole re-check, as the schedule does, and answers what it announced for one target. */
    private CopiesChecked runFor(String target) {
        return copyCheck.runNow().stream().filter(event -> event.targetId().equals(new TargetId(target))).findFirst()
                .orElseThrow(() -> new AssertionError("the run announced nothing for target " + target));
    }

    /** The event as the notifier reads it from the broker. */
    private static CopiesChecked onTheTopic(CopiesChecked announced) {
        try (KafkaProbe probe = new KafkaProbe(brokers(), Topics.COPIES_CHECKED)) {
            KafkaProbe.Seen seen = probe.await(r -> r.value().contains(announced.eventId().toString()), Duration.ofSeconds(30));
            assertThat(seen.key()).isEqualTo(announced.targetId().value());
            CopiesChecked read = EventJson.read(seen.value().getBytes(), CopiesChecked.class);
            assertThat(read).isEqualTo(announced);
            return read;
        }
    }

    /** The outcome of the last check of each copy of a backup, by destination. */
    private Map<String, String> lastChecks(JobId jobId) {
        Map<String, String> outcomes = new java.util.TreeMap<>();
        JdbcClient.create(dataSource).sql("select destination, outcome from copy_checks where job_id = ?").param(jobId.value())
                .query(rs -> {
                    outcomes.put(rs.getString(1), rs.getString(2));
                });
        return outcomes;
    }

    private static ArtifactStored store(String target, byte[] bytes) throws Exception {
        JobId jobId = JobId.random();
        Path staged = Files.write(Files.createDirectories(STAGING.resolve(target)).resolve(jobId + ".dump"), bytes);
        ArtifactCreated created = new ArtifactCreated(UUID.randomUUID(), Instant.now(), ArtifactCreated.SCHEMA_VERSION, jobId,
                new TargetId(target), staged.toUri().toString(),
                new Artifact("custom", bytes.length, Sha256.of(bytes), "15.18", "15.18", List.of(new TableRowCount("public", "t", 1))));
        KafkaProbe.send(brokers(), Topics.ARTIFACT_CREATED, target, EventJson.writeString(created));
        try (KafkaProbe probe = new KafkaProbe(brokers(), Topics.ARTIFACT_STORED, Topics.BACKUP_FAILED)) {
            KafkaProbe.Seen seen = probe.await(r -> r.value().contains(jobId.toString()), Duration.ofSeconds(30));
            assertThat(seen.topic()).as(seen.value()).isEqualTo(Topics.ARTIFACT_STORED);
            return EventJson.read(seen.value().getBytes(), ArtifactStored.class);
        }
    }

    private static String brokers() {
        return LocalKafka.shared().bootstrapServers();
    }
}
