package dev.vigil.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.contracts.Artifact;
import dev.vigil.contracts.ArtifactCreated;
import dev.vigil.contracts.ArtifactStored;
import dev.vigil.contracts.BackupVerified;
import dev.vigil.contracts.Connection;
import dev.vigil.contracts.CopiesChecked;
import dev.vigil.contracts.CopyFault;
import dev.vigil.contracts.DumpOptions;
import dev.vigil.contracts.JobId;
import dev.vigil.contracts.RetainedBackup;
import dev.vigil.contracts.RetentionApplied;
import dev.vigil.contracts.RetentionPolicy;
import dev.vigil.contracts.Sha256;
import dev.vigil.contracts.TableRowCount;
import dev.vigil.contracts.TargetConfigured;
import dev.vigil.contracts.TargetId;
import dev.vigil.contracts.Topics;
import dev.vigil.contracts.Verdict;
import dev.vigil.contracts.json.EventJson;
import dev.vigil.local.KafkaProbe;
import dev.vigil.local.LocalKafka;
import dev.vigil.local.LocalS3;
import dev.vigil.local.ServiceTestSettings;
import dev.vigil.objectstore.S3Clients;
import dev.vigil.objectstore.S3Settings;
import dev.vigil.storage.destination.ArtifactStore;
import dev.vigil.storage.destination.Destinations;
import dev.vigil.storage.destination.S3MockProcess;
import dev.vigil.storage.recheck.CopyCheck;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ObjectLockRetention;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Object Lock against a real S3 API endpoint that keeps it (Adobe's S3Mock, run from its executable
 * jar): every copy of a kept backup gets a retain-until date from the tier that keeps it, extended
 * as the backup moves up the tiers and never shortened; a bucket without Object Lock is left as it is.
 */
@DirtiesContext
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "spring.config.name=storage-service")
class ObjectLockTest {

    private static final String LOCKED = "locked-backups";
    private static final RetentionPolicy POLICY = new RetentionPolicy(7, 4, 12, 3, 7, 1);
    private static S3MockProcess s3mock;

    @Autowired
    Destinations destinations;

    @Autowired
    CopyCheck copyCheck;

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) throws Exception {
        ServiceTestSettings.s3Credentials();
        ServiceTestSettings.kafkaAndDatabase(registry, StorageApplication.NAME, "object_lock_test");
        s3mock = S3MockProcess.start();
        // As an operator makes it: Object Lock can only be enabled when the bucket is created.
        try (S3Client client = client()) {
            client.createBucket(b -> b.bucket(LOCKED).objectLockEnabledForBucket(true));
        }
        registry.add("vigil.storage.endpoint", s3mock::endpoint);
        registry.add("vigil.storage.bucket", () -> LOCKED);
        registry.add("vigil.staging.dir", () -> Path.of(System.getProperty("java.io.tmpdir"), "staging").toString());
        registry.add("vigil.storage.prefix", () -> "lock");
        // A replica on a store without Object Lock: its copy is kept, unlocked, and nothing fails.
        registry.add("vigil.storage.replicas[0].name", () -> "unlocked");
        registry.add("vigil.storage.replicas[0].endpoint", () -> LocalS3.shared().endpoint());
        registry.add("vigil.storage.replicas[0].bucket", () -> "lock-test-replica");
        registry.add("vigil.storage.replicas[0].create-bucket", () -> "true");
        registry.add("vigil.storage.recheck.schedule", () -> "-");
        for (String target : List.of("locked-db", "shortened-db")) {
            KafkaProbe.send(brokers(), Topics.TARGETS, target, EventJson.writeString(TargetConfigured.now(new TargetId(target),
                    new Connection("db.internal", 5432, "locked", "backup", null, null), DumpOptions.defaults(), POLICY)));
        }
    }

    @AfterAll
    static void stopS3Mock() {
        if (s3mock != null) {
            s3mock.close();
        }
    }

    private static S3Client client() {
        return S3Clients.create(new S3Settings(URI.create(s3mock.endpoint()), "us-east-1", true));
    }

    @Test
    void aKeptBackupIsLockedForWhatItsTierKeepsItAndTheLockGrowsAsItMovesUpTheTiers() throws Exception {
        Instant takenAt = Instant.now().minus(Duration.ofHours(1)).truncatedTo(ChronoUnit.SECONDS);
        ArtifactStored stored;
        RetentionApplied pending;
        RetentionApplied verified;
        try (KafkaProbe probe = new KafkaProbe(brokers(), Topics.RETENTION_APPLIED)) {
            stored = store("locked-db", takenAt);
            pending = awaitApplied(probe, stored.jobId(), "verification pending");
            KafkaProbe.send(brokers(), Topics.BACKUP_VERIFIED, "locked-db", EventJson.writeString(
                    BackupVerified.now(stored.jobId(), stored.targetId(), Verdict.PASSED, List.of(), List.of(), 10)));
            verified = awaitApplied(probe, stored.jobId(), "yearly ");
        }
        Instant sevenDays = takenAt.plus(Duration.ofDays(7));
        Instant threeYears = takenAt.atZone(ZoneOffset.UTC).plusYears(3).toInstant();

        // Unverified, it is kept for the keep-within window only: locked for those 7 days.
        assertThat(pending.kept().getFirst().reasons()).contains("taken within 7 days");
        assertThat(pending.kept().getFirst().retainUntil()).isEqualTo(sevenDays);
        // Verified, it is also the yearly backup (3 years): the lock is extended to that.
        assertThat(verified.kept().getFirst().retainUntil()).isEqualTo(threeYears);
        try (S3Client client = client()) {
            ObjectLockRetention retention = client.getObjectRetention(b -> b.bucket(LOCKED).key(stored.location().key())).retention();
            assertThat(retention.modeAsString()).isEqualTo("GOVERNANCE");
            assertThat(retention.retainUntilDate()).isEqualTo(threeYears);
            // The manifest beside it is rewritten as the backup's state changes: never locked.
            assertThatThrownBy(() -> client.getObjectRetention(b -> b.bucket(LOCKED).key(stored.location().key() + ".manifest.json")))
                    .isInstanceOf(S3Exception.class);

            // A date already set further out is never shortened, whatever the tier asks.
            Instant tenYears = takenAt.atZone(ZoneOffset.UTC).plusYears(10).toInstant();
            ArtifactStore store = destinations.primary().store();
            assertThat(store.retainAtLeastUntil(LOCKED, stored.location().key(), tenYears)).contains(tenYears);
            assertThat(store.retainAtLeastUntil(LOCKED, stored.location().key(), sevenDays)).contains(tenYears);
            assertThat(client.getObjectRetention(b -> b.bucket(LOCKED).key(stored.location().key())).retention().retainUntilDate())
                    .isEqualTo(tenYears);
        }
        assertThat(stored.replicas()).singleElement().satisfies(copy -> assertThat(copy.destination()).isEqualTo("unlocked"));
        assertThat(LocalS3.shared().client().headObject(b -> b.bucket("lock-test-replica").key(stored.replicas().getFirst().key()))
                .objectLockRetainUntilDate()).as("the copy on a store without Object Lock").isNull();
    }

    @Test
    void whenALockIsShortenedBehindTheServicesBackTheRecheckNamesTheCopyAndLeavesTheUnlockedReplicaAlone() throws Exception {
        Instant takenAt = Instant.now().minus(Duration.ofHours(1)).truncatedTo(ChronoUnit.SECONDS);
        ArtifactStored stored;
        try (KafkaProbe probe = new KafkaProbe(brokers(), Topics.RETENTION_APPLIED)) {
            stored = store("shortened-db", takenAt);
            assertThat(awaitApplied(probe, stored.jobId(), "verification pending").kept().getFirst().retainUntil())
                    .isEqualTo(takenAt.plus(Duration.ofDays(7)));
        }
        // Someone with the GOVERNANCE bypass permission brings the date forward (S3Mock keeps it without enforcing anything).
        Instant tomorrow = takenAt.plus(Duration.ofDays(1));
        try (S3Client client = client()) {
            client.putObjectRetention(b -> b.bucket(LOCKED).key(stored.location().key()).bypassGovernanceRetention(true)
                    .retention(r -> r.mode("GOVERNANCE").retainUntilDate(tomorrow)));
        }

        CopiesChecked announced = copyCheck.runNow().stream().filter(event -> event.targetId().value().equals("shortened-db")).findFirst()
                .orElseThrow();

        CopiesChecked checked;
        try (KafkaProbe probe = new KafkaProbe(brokers(), Topics.COPIES_CHECKED)) {
            checked = EventJson.read(probe.await(r -> r.value().contains(announced.eventId().toString()), Duration.ofSeconds(30))
                    .value().getBytes(), CopiesChecked.class);
        }
        assertThat(checked.copiesChecked()).as("the locked primary and the unlocked replica").isEqualTo(2);
        assertThat(checked.problems()).singleElement().satisfies(problem -> {
            assertThat(problem.jobId()).isEqualTo(stored.jobId());
            assertThat(problem.copy()).isEqualTo(stored.location());
            assertThat(problem.fault()).isEqualTo(CopyFault.LOCK_SHORTENED);
            assertThat(problem.detail()).isEqualTo("retained until " + tomorrow + "; the storage service set " + takenAt.plus(Duration.ofDays(7)));
        });
    }

    private static RetentionApplied awaitApplied(KafkaProbe probe, JobId jobId, String reason) {
        KafkaProbe.Seen seen = probe.await(r -> r.value().contains(jobId.toString()) && r.value().contains(reason), Duration.ofSeconds(30));
        return EventJson.read(seen.value().getBytes(), RetentionApplied.class);
    }

    private static ArtifactStored store(String target, Instant takenAt) throws Exception {
        byte[] bytes = ("backup of " + target + " taken " + takenAt).getBytes();
        Path dir = Files.createDirectories(Path.of(System.getProperty("java.io.tmpdir"), "staging", target));
        JobId jobId = JobId.random();
        Path staged = Files.write(dir.resolve(jobId + ".dump"), bytes);
        ArtifactCreated created = new ArtifactCreated(UUID.randomUUID(), takenAt, ArtifactCreated.SCHEMA_VERSION, jobId,
                new TargetId(target), staged.toUri().toString(),
                new Artifact("custom", bytes.length, Sha256.of(bytes), "15.18", "15.18", List.of(new TableRowCount("public", "t", 1))));
        KafkaProbe.send(brokers(), Topics.ARTIFACT_CREATED, target, EventJson.writeString(created));
        try (KafkaProbe probe = new KafkaProbe(brokers(), Topics.ARTIFACT_STORED, Topics.BACKUP_FAILED)) {
            KafkaProbe.Seen seen = probe.await(r -> r.value().contains(created.jobId().toString()), Duration.ofSeconds(30));
            assertThat(seen.topic()).as(seen.value()).isEqualTo(Topics.ARTIFACT_STORED);
            return EventJson.read(seen.value().getBytes(), ArtifactStored.class);
        }
    }

    private static String brokers() {
        return LocalKafka.shared().bootstrapServers();
    }
}
