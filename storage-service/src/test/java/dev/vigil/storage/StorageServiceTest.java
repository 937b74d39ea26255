package dev.vigil.storage;

import dev.vigil.local.TestTokens;
import dev.vigil.contracts.BackupVerified;
import dev.vigil.contracts.Connection;
import dev.vigil.contracts.DumpOptions;
import dev.vigil.contracts.RetainedBackup;
import dev.vigil.contracts.RetentionApplied;
import dev.vigil.contracts.RetentionPolicy;
import dev.vigil.contracts.TargetConfigured;
import dev.vigil.contracts.StoredObject;
import dev.vigil.contracts.Verdict;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.boot.test.web.server.LocalServerPort;
import software.amazon.awssdk.services.s3.model.S3Object;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;
import dev.vigil.storage.retention.RetentionService;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import dev.vigil.contracts.Sha256;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.hasSize;

import dev.vigil.contracts.Artifact;
import dev.vigil.contracts.Catalog;
import dev.vigil.staging.Staging;
import dev.vigil.staging.StagingAutoConfiguration;
import dev.vigil.staging.StagingProperties;
import dev.vigil.contracts.ArtifactCreated;
import dev.vigil.contracts.ArtifactStored;
import dev.vigil.contracts.BackupFailed;
import dev.vigil.contracts.FailureClass;
import dev.vigil.contracts.JobId;
import dev.vigil.contracts.TableRowCount;
import dev.vigil.contracts.TargetId;
import dev.vigil.contracts.Topics;
import dev.vigil.contracts.json.EventJson;
import dev.vigil.local.KafkaProbe;
import dev.vigil.local.LocalKafka;
import dev.vigil.local.ServiceTestSettings;
import dev.vigil.local.LocalS3;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;

/** The storage service against a real broker, PostgreSQL and S3 endpoint. */
// Closed after the class, while the shared broker and database still run (they stop at JVM exit).
@DirtiesContext
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "spring.config.name=storage-service")
class StorageServiceTest {

    /** Granted before the service starts, so it has read them when the first request comes. */
    private static final String ADMIN = TestTokens.admin();
    private static final String OPERATOR = TestTokens.operator();
    private static final String VIEWER = TestTokens.viewer();

    @Autowired
    S3Client s3;

    @LocalServerPort
    int port;

    @Autowired
    DataSource dataSource;

    @Autowired
    RetentionService retention;

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        ServiceTestSettings.s3Credentials();
        ServiceTestSettings.kafkaAndDatabase(registry, StorageApplication.NAME, "storage_test");
        registry.add("vigil.storage.endpoint", () -> LocalS3.shared().endpoint());
        registry.add("vigil.storage.bucket", () -> "storage-test");
        registry.add("vigil.storage.prefix", () -> "prod");
        registry.add("vigil.storage.create-bucket", () -> "true");
        registry.add("vigil.staging.dir", STAGING::toString);
        // A directory replica of every target, and an S3 replica (another bucket, its own prefix and storage class) of one target.
        registry.add("vigil.storage.replicas[0].name", () -> "local-copy");
        registry.add("vigil.storage.replicas[0].path", () -> REPLICA_DIR.toString());
        registry.add("vigil.storage.replicas[1].name", () -> "offsite");
        registry.add("vigil.storage.replicas[1].endpoint", () -> LocalS3.shared().endpoint());
        registry.add("vigil.storage.replicas[1].bucket", () -> "storage-replica");
        registry.add("vigil.storage.replicas[1].prefix", () -> "copies");
        registry.add("vigil.storage.replicas[1].create-bucket", () -> "true");
        registry.add("vigil.storage.replicas[1].storage-class", () -> "STANDARD_IA");
        registry.add("vigil.storage.replicas[1].targets[0]", () -> "replicated");
    }

    private static final Path REPLICA_DIR = Path.of(System.getProperty("java.io.tmpdir"), "replica-local-copy");
    private static final Path STAGING = Path.of(System.getProperty("java.io.tmpdir"), "staging");

    @Test
    void aStagedArtifactIsUploadedWithItsChecksumCatalogedAnnouncedAndStagingCleaned() throws Exception {
        byte[] bytes = new byte[300_000];
        new Random(7).nextBytes(bytes);
        ArtifactCreated created = staged("shop", bytes, Sha256.of(bytes));
        Path staged = Path.of(URI.create(created.stagingUri()));

        KafkaProbe.send(brokers(), Topics.ARTIFACT_CREATED, "shop", EventJson.writeString(created));

        ArtifactStored stored = awaitStored(created.jobId());
        assertThat(stored.location().key()).startsWith("prod/shop/").endsWith("-" + created.jobId() + ".dump");
        assertThat(stored.artifact()).isEqualTo(created.artifact());
        ResponseBytes<GetObjectResponse> object = s3.getObjectAsBytes(b -> b.bucket("storage-test").key(stored.location().key()));
        assertThat(object.asByteArray()).isEqualTo(bytes);
        assertThat(object.response().metadata()).containsEntry("sha256", Sha256.of(bytes));
        assertThat(staged).doesNotExist();
    }

    @Test
    void aRedeliveredArtifactCreatedReannouncesTheSameStoredEventAndStoresNothingTwice() throws Exception {
        byte[] bytes = "a small artifact".getBytes();
        ArtifactCreated created = staged("shop", bytes, Sha256.of(bytes));
        KafkaProbe.send(brokers(), Topics.ARTIFACT_CREATED, "shop", EventJson.writeString(created));
        ArtifactStored first = awaitStored(created.jobId());

        // The worker dumped the redelivered request again into the same staging path.
        Path restaged = Files.write(Path.of(URI.create(created.stagingUri())), bytes);
        KafkaProbe.send(brokers(), Topics.ARTIFACT_CREATED, "shop", EventJson.writeString(created));

        try (KafkaProbe probe = new KafkaProbe(brokers(), Topics.ARTIFACT_STORED)) {
            // The probe is not thread-safe: polled in this thread.
            List<ArtifactStored> announcements = await("both announcements of the job").atMost(Duration.ofSeconds(30)).pollInSameThread()
                    .until(() -> probe.seen(Duration.ofMillis(500)).stream()
                            .filter(s -> s.value().contains(created.jobId().toString()))
                            .map(s -> EventJson.read(s.value().getBytes(), ArtifactStored.class)).toList(), hasSize(greaterThanOrEqualTo(2)));
            assertThat(announcements).hasSize(2).allSatisfy(a -> assertThat(a).isEqualTo(first));
        }
        assertThat(s3.listObjectsV2(b -> b.bucket("storage-test").prefix("prod/shop/")).contents())
                .filteredOn(o -> o.key().contains(created.jobId().toString())).extracting(S3Object::key)
                .containsExactly(first.location().key(), first.location().key() + ".manifest.json");
        assertThat(restaged).as("the second, unneeded copy in staging").doesNotExist();
    }

    @Test
    void aStagedFileThatNoLongerMatchesTheWorkersChecksumIsNotStored() throws Exception {
        ArtifactCreated created = staged("shop", "damaged".getBytes(), Sha256.of("original".getBytes()));

        KafkaProbe.send(brokers(), Topics.ARTIFACT_CREATED, "shop", EventJson.writeString(created));

        try (KafkaProbe probe = new KafkaProbe(brokers(), Topics.BACKUP_FAILED)) {
            BackupFailed failed = EventJson.read(probe.await(r -> r.value().contains(created.jobId().toString()), Duration.ofSeconds(30))
                    .value().getBytes(), BackupFailed.class);
            assertThat(failed.failureClass()).isEqualTo(FailureClass.STORAGE);
            assertThat(failed.reason()).contains("SHA-256").contains("must be taken again");
        }
    }

    @Test
    void aLargeArtifactIsCopiedOnlyIfItsChecksumHoldsAndLeavesNoIncompleteUpload() throws Exception {
        byte[] bytes = new byte[6 * 1024 * 1024 + 7];
        new Random(11).nextBytes(bytes);
        ArtifactCreated goodCreated = staged("shop", bytes, Sha256.of(bytes));
        ArtifactCreated damagedCreated = staged("shop", bytes, Sha256.of(new byte[1]));

        KafkaProbe.send(brokers(), Topics.ARTIFACT_CREATED, "shop", EventJson.writeString(goodCreated));
        KafkaProbe.send(brokers(), Topics.ARTIFACT_CREATED, "shop", EventJson.writeString(damagedCreated));

        ArtifactStored stored = awaitStored(goodCreated.jobId());
        assertThat(s3.getObjectAsBytes(b -> b.bucket("storage-test").key(stored.location().key())).asByteArray()).isEqualTo(bytes);
        try (KafkaProbe probe = new KafkaProbe(brokers(), Topics.BACKUP_FAILED)) {
            BackupFailed failed = EventJson.read(probe.await(r -> r.value().contains(damagedCreated.jobId().toString()), Duration.ofSeconds(30))
                    .value().getBytes(), BackupFailed.class);
            assertThat(failed.reason()).contains("SHA-256").contains("must be taken again");
        }
        assertThat(s3.listObjectsV2(b -> b.bucket("storage-test").prefix("prod/shop/")).contents())
                .noneMatch(o -> o.key().contains(damagedCreated.jobId().toString()));
        assertThat(s3.listMultipartUploads(b -> b.bucket("storage-test")).uploads()).as("incomplete multipart uploads").isEmpty();
        assertThat(Path.of(URI.create(goodCreated.stagingUri()))).as("the stored job's staged artifact").doesNotExist();
    }

    @Test
    void theSourcesCatalogIsKeptInTheManifestsAndTheEventOnlyRefersToIt() throws Exception {
        Map<String, String> objects = new java.util.TreeMap<>();
        for (int i = 0; i < 500; i++) {
            objects.put("table tenant_" + i + ".orders", "amount numeric(12,2), id bigint not null");
        }
        Catalog taken = new Catalog(objects, true, true);
        byte[] bytes = "an artifact with a big catalog".getBytes();
        // Staged as the dump worker stages: the catalog beside the artifact, the event referring to it.
        ArtifactCreated created;
        try (Staging.Write write = StagingAutoConfiguration.of(new StagingProperties(STAGING, "", "staging", null, "us-east-1", 16, null))
                .open(new TargetId("shop"), JobId.random(), "dump")) {
            write.stream().write(bytes);
            created = write.commit(new Artifact("custom", bytes.length, Sha256.of(bytes), "15.18", "15.18",
                    List.of(new TableRowCount("public", "t", 1)), null, null, taken));
        }
        assertThat(created.artifact().catalogRef().uri()).startsWith("file:");

        KafkaProbe.send(brokers(), Topics.ARTIFACT_CREATED, "shop", EventJson.writeString(created));

        ArtifactStored stored = awaitStored(created.jobId());
        assertThat(stored.artifact().catalog()).isNull();
        assertThat(stored.artifact().catalogRef().uri()).isEqualTo("s3://storage-test/" + stored.location().key() + ".manifest.json");
        assertThat(EventJson.write(stored).length).as("the stored event's size").isLessThan(3_000);
        byte[] manifest = s3.getObjectAsBytes(b -> b.bucket("storage-test").key(stored.location().key() + ".manifest.json")).asByteArray();
        assertThat(stored.artifact().catalogRef().readFrom(manifest)).isEqualTo(taken);
        assertThat(Path.of(URI.create(created.artifact().catalogRef().uri()))).as("the staged catalog, once stored").doesNotExist();

        // A verdict rewrites the manifest from the catalog's row: the source's catalog stays in it.
        KafkaProbe.send(brokers(), Topics.BACKUP_VERIFIED, "shop", EventJson.writeString(
                BackupVerified.now(stored.jobId(), stored.targetId(), Verdict.PASSED, List.of(), List.of(), 10)));
        awaitManifest(stored, "\"state\":\"VERIFIED\"");
        byte[] rewritten = s3.getObjectAsBytes(b -> b.bucket("storage-test").key(stored.location().key() + ".manifest.json")).asByteArray();
        assertThat(stored.artifact().catalogRef().readFrom(rewritten)).isEqualTo(taken);
    }

    @Test
    void anEventNamingAStoredBackupAsItsStagedArtifactNeitherCopiesNorDeletesIt() throws Exception {
        ArtifactStored victim = store("shop", Instant.now());
        String victimKey = victim.location().key();
        Path outside = Files.write(REPLICA_DIR.resolveSibling("not-staging-" + JobId.random() + ".dump"), "someone's file".getBytes());
        for (String forgedUri : List.of("s3://storage-test/" + victimKey, outside.toUri().toString())) {
            JobId job = JobId.random();
            ArtifactCreated forged = ArtifactCreated.now(job, new TargetId("shop"), forgedUri, victim.artifact());

            KafkaProbe.send(brokers(), Topics.ARTIFACT_CREATED, "shop", EventJson.writeString(forged));

            try (KafkaProbe probe = new KafkaProbe(brokers(), Topics.BACKUP_FAILED)) {
                BackupFailed failed = EventJson.read(probe.await(r -> r.value().contains(job.toString()), Duration.ofSeconds(30))
                        .value().getBytes(), BackupFailed.class);
                assertThat(failed.failureClass()).isEqualTo(FailureClass.STAGING);
                assertThat(failed.reason()).contains(forgedUri).contains("is not where").contains("vigil.staging");
            }
        }
        assertThat(s3.getObjectAsBytes(b -> b.bucket("storage-test").key(victimKey)).asByteArray()).hasSize((int) victim.artifact().sizeBytes());
        assertThat(s3.getObjectAsBytes(b -> b.bucket("storage-test").key(victimKey + ".manifest.json")).asUtf8String()).contains(victimKey);
        assertThat(outside).exists();
    }

    @Test
    void retentionDeletesWhatTheTargetsPolicyLetsGoAndNothingOfAnotherTargetSharingItsPrefix() throws Exception {
        // Two daily backups are kept; nothing else: no window, no tiers above daily, a floor of one.
        RetentionPolicy twoDays = new RetentionPolicy(2, 0, 0, 0, 0, 1);
        KafkaProbe.send(brokers(), Topics.TARGETS, "ret-db", EventJson.writeString(TargetConfigured.now(new TargetId("ret-db"),
                new Connection("db.internal", 5432, "ret", "backup", null, null), DumpOptions.defaults(), twoDays)));
        KafkaProbe.send(brokers(), Topics.TARGETS, "ret-db-2", EventJson.writeString(TargetConfigured.now(new TargetId("ret-db-2"),
                new Connection("db.internal", 5432, "ret2", "backup", null, null), DumpOptions.defaults(), twoDays)));
        Instant now = Instant.now();
        List<ArtifactStored> stored = new ArrayList<>();
        for (int daysAgo = 5; daysAgo >= 1; daysAgo--) {
            stored.add(store("ret-db", now.minus(Duration.ofDays(daysAgo))));
        }
        List<ArtifactStored> neighbours = List.of(store("ret-db-2", now.minus(Duration.ofDays(30))));
        ArtifactStored d5 = stored.get(0), d4 = stored.get(1), d3 = stored.get(2), d2 = stored.get(3), d1 = stored.get(4);
        assertThat(http("PUT", "/api/v1/backups/" + d5.jobId() + "/legal-hold").statusCode()).isEqualTo(204);

        try (KafkaProbe probe = new KafkaProbe(brokers(), Topics.RETENTION_APPLIED)) {
            for (ArtifactStored backup : List.of(d5, d4, d3, d2)) {
                verdict(backup, Verdict.PASSED);
            }
            verdict(d1, Verdict.FAILED);
            // The last verdict's application: d1 failed verification but is kept, since no newer backup is verified.
            probe.await(r -> r.key().equals("ret-db") && r.value().contains("verification failed, but no newer backup is verified"),
                    Duration.ofSeconds(30));
            List<RetentionApplied> applied = probe.seen(Duration.ofMillis(300)).stream().filter(r -> r.key().equals("ret-db"))
                    .map(r -> EventJson.read(r.value().getBytes(), RetentionApplied.class)).toList();
            assertThat(applied.stream().flatMap(a -> a.deleted().stream()).map(RetainedBackup::jobId)).containsExactly(d4.jobId());
            RetentionApplied last = applied.getLast();
            // Raised to the service's floor: everything of the last day, at least two verified.
            assertThat(last.policy()).isEqualTo(new RetentionPolicy(2, 0, 0, 0, 1, 2));
            assertThat(last.kept()).extracting(RetainedBackup::jobId).containsExactly(d1.jobId(), d2.jobId(), d3.jobId(), d5.jobId());
            assertThat(last.kept().getFirst().reasons()).containsExactly("verification failed, but no newer backup is verified");
            assertThat(last.kept().get(3).reasons()).containsExactly("legal hold");
        }

        assertThat(keys("prod/ret-db/")).as("artifacts and their manifests").containsExactlyInAnyOrder(
                d1.location().key(), d1.location().key() + ".manifest.json",
                d2.location().key(), d2.location().key() + ".manifest.json", d3.location().key(), d3.location().key() + ".manifest.json",
                d5.location().key(), d5.location().key() + ".manifest.json");
        assertThat(REPLICA_DIR.resolve(d4.replicas().getFirst().key())).as("the deleted backup's replica").doesNotExist();
        assertThat(REPLICA_DIR.resolve(d4.replicas().getFirst().key() + ".manifest.json")).doesNotExist();
        assertThat(REPLICA_DIR.resolve(d2.replicas().getFirst().key())).as("a kept backup's replica").exists();
        assertThat(keys("prod/ret-db-2/")).as("another target whose id shares the prefix")
                .containsExactly(neighbours.getFirst().location().key(), neighbours.getFirst().location().key() + ".manifest.json");

        HttpResponse<String> preview = http("GET", "/api/v1/targets/ret-db/retention");
        assertThat(preview.statusCode()).isEqualTo(200);
        JsonNode dryRun = EventJson.mapper().readTree(preview.body());
        assertThat(dryRun.get("policySource").asString()).isEqualTo("target");
        assertThat(dryRun.get("wouldDelete")).isEmpty();
        assertThat(dryRun.get("kept").get(0).get("reasons").toString()).contains("no newer backup is verified");
        assertThat(dryRun.get("kept").get(1).get("reasons").toString()).contains("newest verified backup").contains("daily ");
        // Lifting the hold: the dry run now shows d5 would go, and still nothing was deleted.
        assertThat(http("DELETE", "/api/v1/backups/" + d5.jobId() + "/legal-hold").statusCode()).isEqualTo(204);
        JsonNode afterRelease = EventJson.mapper().readTree(http("GET", "/api/v1/targets/ret-db/retention").body());
        assertThat(afterRelease.get("wouldDelete").get(0).get("jobId").asString()).isEqualTo(d5.jobId().toString());
        assertThat(keys("prod/ret-db/")).contains(d5.location().key());
    }

    @Test
    @ExtendWith(OutputCaptureExtension.class)
    void aTargetConfiguredAskingToKeepNothingLeavesTheBackupsTheFloorKeepsInTheBucketAndTheReplica(CapturedOutput output) throws Exception {
        TargetId target = new TargetId("floor-db");
        Connection connection = new Connection("db.internal", 5432, "floor", "backup", null, null);
        // A forged event: every rule off. The contract refuses it, so the target stays unconfigured and retention leaves it alone.
        ObjectNode allZeros = (ObjectNode) EventJson.mapper().readTree(EventJson.writeString(TargetConfigured.now(target, connection)));
        allZeros.set("retention", EventJson.mapper().readTree(
                "{\"daily\":0,\"weekly\":0,\"monthly\":0,\"yearly\":0,\"keepWithinDays\":0,\"minVerified\":0}"));
        KafkaProbe.send(brokers(), Topics.TARGETS, target.value(), allZeros.toString());
        Instant now = Instant.now();
        List<ArtifactStored> stored = new ArrayList<>();
        for (int daysAgo = 4; daysAgo >= 1; daysAgo--) {
            stored.add(store(target.value(), now.minus(Duration.ofDays(daysAgo))));
        }
        for (ArtifactStored backup : stored) {
            verdict(backup, Verdict.PASSED);
        }
        stored.forEach(backup -> awaitManifest(backup, "\"state\":\"VERIFIED\""));
        await("the forged settings read and refused").atMost(Duration.ofSeconds(30))
                .until(() -> output.getOut().contains("ignoring an unreadable TargetConfigured for floor-db on vigil.targets"));

        assertThat(retention.apply(target)).as("retention for a target whose only settings were refused").isEmpty();
        assertThat(keys("prod/floor-db/")).hasSize(8);

        // The least the contract lets through: one verified backup and nothing else.
        KafkaProbe.send(brokers(), Topics.TARGETS, target.value(), EventJson.writeString(
                TargetConfigured.now(target, connection, DumpOptions.defaults(), new RetentionPolicy(0, 0, 0, 0, 0, 1))));
        RetentionApplied applied = await("retention with the new settings").atMost(Duration.ofSeconds(30))
                .until(() -> retention.apply(target), java.util.Optional::isPresent).orElseThrow();

        ArtifactStored d4 = stored.get(0), d3 = stored.get(1), d2 = stored.get(2), d1 = stored.get(3);
        assertThat(applied.policy()).as("the policy planned with").isEqualTo(new RetentionPolicy(1, 0, 0, 0, 1, 2));
        assertThat(applied.kept()).extracting(RetainedBackup::jobId).containsExactly(d1.jobId(), d2.jobId());
        assertThat(applied.kept().get(1).reasons()).containsExactly("floor of 2 verified backups");
        assertThat(applied.deleted()).extracting(RetainedBackup::jobId).containsExactly(d3.jobId(), d4.jobId());
        assertThat(keys("prod/floor-db/")).containsExactlyInAnyOrder(d1.location().key(), d1.location().key() + ".manifest.json",
                d2.location().key(), d2.location().key() + ".manifest.json");
        for (ArtifactStored kept : List.of(d1, d2)) {
            assertThat(REPLICA_DIR.resolve(kept.replicas().getFirst().key())).as("a kept backup's replica").exists();
        }
        assertThat(REPLICA_DIR.resolve(d3.replicas().getFirst().key())).as("a deleted backup's replica").doesNotExist();
        assertThat(output.getOut()).contains("retention policy of target floor-db")
                .contains("raised for planning: daily 0 -> 1, keepWithinDays 0 -> 1, minVerified 1 -> 2");
    }

    @Test
    void aVerdictWithMoreDifferencesThanTheCapIsRefusedToTheDeadLetterTopic() throws Exception {
        ArtifactStored stored = store("capped", Instant.now());
        ObjectNode verdict = (ObjectNode) EventJson.mapper().readTree(EventJson.writeString(
                BackupVerified.now(stored.jobId(), stored.targetId(), Verdict.FAILED, List.of(), List.of(), 10)));
        var differences = verdict.putArray("differences");
        for (int i = 0; i <= dev.vigil.contracts.EventLimits.DIFFERENCES; i++) {
            differences.add("table t" + i + ": expected 1 row, found 0");
        }

        KafkaProbe.send(brokers(), Topics.BACKUP_VERIFIED, "capped", verdict.toString());

        try (KafkaProbe dlt = new KafkaProbe(brokers(), Topics.deadLetter(Topics.BACKUP_VERIFIED, "storage-service"))) {
            dlt.await(r -> r.value().contains(stored.jobId().toString()), Duration.ofSeconds(30));
        }
        assertThat(s3.getObjectAsBytes(b -> b.bucket("storage-test").key(stored.location().key() + ".manifest.json")).asUtf8String())
                .as("the refused verdict changed nothing").contains("\"state\":\"PENDING_VERIFICATION\"");
    }

    @Test
    void aVerdictOnlySettlesAPendingBackupSoAForgedFailureLeavesAVerifiedOneVerified() throws Exception {
        ArtifactStored verified = store("verdicts", Instant.now().minus(Duration.ofDays(1)));
        ArtifactStored later = store("verdicts", Instant.now());
        verdict(verified, Verdict.PASSED);
        awaitManifest(verified, "\"state\":\"VERIFIED\"");

        verdict(verified, Verdict.FAILED);
        // Same target, same partition: once the later backup's verdict shows, the forged one has been read.
        verdict(later, Verdict.PASSED);
        awaitManifest(later, "\"state\":\"VERIFIED\"");

        String manifest = s3.getObjectAsBytes(b -> b.bucket("storage-test").key(verified.location().key() + ".manifest.json")).asUtf8String();
        assertThat(manifest).contains("\"state\":\"VERIFIED\"").doesNotContain("VERIFICATION_FAILED");
        assertThat(keys("prod/verdicts/")).contains(verified.location().key(), later.location().key());
    }

    @Test
    void retentionByHandExplainsWhatItCannotDo() throws Exception {
        HttpResponse<String> unconfigured = http("GET", "/api/v1/targets/never-configured/retention");
        assertThat(unconfigured.statusCode()).isEqualTo(404);
        assertThat(unconfigured.body()).contains("'never-configured' is not configured").contains("kept");
        HttpResponse<String> noSuchJob = http("PUT", "/api/v1/backups/" + JobId.random() + "/legal-hold");
        assertThat(noSuchJob.statusCode()).isEqualTo(404);
        assertThat(noSuchJob.body()).contains("no stored backup has job id");
        HttpResponse<String> notAJob = http("PUT", "/api/v1/backups/yesterday/legal-hold");
        assertThat(notAJob.statusCode()).isEqualTo(400);
        assertThat(notAJob.body()).contains("'yesterday' is not a job id");
    }

    @Test
    void anArtifactIsCopiedToEveryReplicaOfItsTargetAndEachCopyIsReported() throws Exception {
        ArtifactStored replicated = store("replicated", Instant.now());
        ArtifactStored onlyLocal = store("shop", Instant.now());

        assertThat(replicated.replicas()).extracting(StoredObject::destination).containsExactly("local-copy", "offsite");
        StoredObject local = replicated.replicas().get(0);
        StoredObject offsite = replicated.replicas().get(1);
        assertThat(local.bucket()).isEqualTo(REPLICA_DIR.toAbsolutePath().toString());
        assertThat(local.key()).as("the replica's own (empty) prefix").isEqualTo(replicated.location().key().substring("prod/".length()));
        assertThat(Sha256.of(REPLICA_DIR.resolve(local.key()))).isEqualTo(replicated.artifact().sha256());
        assertThat(REPLICA_DIR.resolve(local.key() + ".manifest.json")).exists();
        assertThat(offsite.bucket()).isEqualTo("storage-replica");
        assertThat(offsite.key()).startsWith("copies/replicated/").endsWith(replicated.jobId() + ".dump");
        var copy = s3.getObjectAsBytes(b -> b.bucket("storage-replica").key(offsite.key()));
        assertThat(Sha256.of(copy.asByteArray())).isEqualTo(replicated.artifact().sha256());
        assertThat(copy.response().metadata()).containsEntry("sha256", replicated.artifact().sha256());
        assertThat(s3.headObject(b -> b.bucket("storage-replica").key(offsite.key() + ".manifest.json")).contentLength()).isPositive();
        assertThat(onlyLocal.replicas()).as("a target the offsite replica does not name").extracting(StoredObject::destination)
                .containsExactly("local-copy");
    }

    @Test
    void theCatalogRebuiltFromTheBucketAloneMatchesTheCatalogBefore() throws Exception {
        Instant now = Instant.now();
        ArtifactStored passed = store("rebuild-db", now.minus(Duration.ofDays(3)));
        ArtifactStored failed = store("rebuild-db", now.minus(Duration.ofDays(2)));
        ArtifactStored held = store("rebuild-db", now.minus(Duration.ofDays(1)));
        verdict(passed, Verdict.PASSED);
        verdict(failed, Verdict.FAILED);
        assertThat(http("PUT", "/api/v1/backups/" + held.jobId() + "/legal-hold").statusCode()).isEqualTo(204);
        awaitManifest(passed, "\"state\":\"VERIFIED\"");
        awaitManifest(failed, "\"state\":\"VERIFICATION_FAILED\"");
        awaitManifest(held, "\"legalHold\":true");
        JdbcClient jdbc = JdbcClient.create(dataSource);
        String live = """
                select job_id, target_id, destination, bucket, object_key, size_bytes, sha256, stored_at, taken_at, event::text, state,
                       verified_at, legal_hold
                from stored_artifacts where state <> 'DELETED' order by job_id""";
        List<Map<String, Object>> before = jdbc.sql(live).query().listOfRows();

        jdbc.sql("delete from stored_artifacts").update(); // the service's database is lost
        HttpResponse<String> rebuilt = http("POST", "/api/v1/catalog/rebuild");

        assertThat(rebuilt.statusCode()).as(rebuilt.body()).isEqualTo(200);
        assertThat(EventJson.mapper().readTree(rebuilt.body()).get("restored").asInt()).isEqualTo(before.size());
        assertThat(jdbc.sql(live).query().listOfRows()).isEqualTo(before).extracting(r -> r.get("job_id").toString())
                .contains(passed.jobId().toString(), failed.jobId().toString(), held.jobId().toString());
        JsonNode again = EventJson.mapper().readTree(http("POST", "/api/v1/catalog/rebuild").body());
        assertThat(again.get("restored").asInt()).as("a second rebuild").isZero();
        assertThat(again.get("alreadyPresent").asInt()).isEqualTo(before.size());
    }

    private void awaitManifest(ArtifactStored stored, String expected) {
        await("the manifest of " + stored.jobId()).atMost(Duration.ofSeconds(30))
                .until(() -> s3.getObjectAsBytes(b -> b.bucket("storage-test").key(stored.location().key() + ".manifest.json")).asUtf8String(),
                        containsString(expected));
    }

    private ArtifactStored store(String target, Instant takenAt) throws Exception {
        byte[] bytes = ("backup of " + target + " taken " + takenAt).getBytes();
        JobId jobId = JobId.random();
        Path staged = stage(target, jobId, bytes);
        ArtifactCreated created = new ArtifactCreated(UUID.randomUUID(), takenAt, ArtifactCreated.SCHEMA_VERSION, jobId,
                new TargetId(target), staged.toUri().toString(),
                new Artifact("custom", bytes.length, Sha256.of(bytes), "15.18", "15.18", List.of(new TableRowCount("public", "t", 1))));
        KafkaProbe.send(brokers(), Topics.ARTIFACT_CREATED, target, EventJson.writeString(created));
        return awaitStored(created.jobId());
    }

    private static void verdict(ArtifactStored stored, Verdict verdict) {
        KafkaProbe.send(brokers(), Topics.BACKUP_VERIFIED, stored.targetId().value(), EventJson.writeString(
                BackupVerified.now(stored.jobId(), stored.targetId(), verdict, List.of(), List.of(), 10)));
    }

    private List<String> keys(String prefix) {
        return s3.listObjectsV2(b -> b.bucket("storage-test").prefix(prefix)).contents().stream().map(S3Object::key).toList();
    }

    private HttpResponse<String> http(String method, String path) throws Exception {
        return http(method, path, ADMIN);
    }

    private HttpResponse<String> http(String method, String path, String token) throws Exception {
        try (HttpClient client = HttpClient.newHttpClient()) {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                    .method(method, HttpRequest.BodyPublishers.noBody());
            return client.send((token == null ? request : TestTokens.bearer(request, token)).build(), HttpResponse.BodyHandlers.ofString());
        }
    }

    @Test
    void legalHoldsAndCatalogRebuildsNeedAnAdminAndReadingRetentionAViewer() throws Exception {
        String someJob = UUID.randomUUID().toString();
        for (String[] call : new String[][] {{"PUT", "/api/v1/backups/" + someJob + "/legal-hold"},
                {"DELETE", "/api/v1/backups/" + someJob + "/legal-hold"}, {"POST", "/api/v1/catalog/rebuild"}}) {
            assertThat(http(call[0], call[1], null).statusCode()).as("%s %s without a token", call[0], call[1]).isEqualTo(401);
            assertThat(http(call[0], call[1], VIEWER).statusCode()).as("%s %s as a viewer", call[0], call[1]).isEqualTo(403);
            assertThat(http(call[0], call[1], OPERATOR).statusCode()).as("%s %s as an operator", call[0], call[1]).isEqualTo(403);
        }
        assertThat(http("PUT", "/api/v1/backups/" + someJob + "/legal-hold").statusCode()).as("an admin reaches it: no such backup").isEqualTo(404);
        assertThat(http("GET", "/api/v1/targets/nobody/retention", null).statusCode()).isEqualTo(401);
        assertThat(http("GET", "/api/v1/targets/nobody/retention", VIEWER).statusCode()).isNotIn(401, 403);
    }

    private static ArtifactStored awaitStored(JobId jobId) {
        try (KafkaProbe probe = new KafkaProbe(brokers(), Topics.ARTIFACT_STORED, Topics.BACKUP_FAILED)) {
            KafkaProbe.Seen seen = probe.await(r -> r.value().contains(jobId.toString()), Duration.ofSeconds(30));
            assertThat(seen.topic()).as(seen.value()).isEqualTo(Topics.ARTIFACT_STORED);
            return EventJson.read(seen.value().getBytes(), ArtifactStored.class);
        }
    }

    /** Stages bytes as the dump worker does, in the staging directory the service is given, and answers the announcement. */
    private static ArtifactCreated staged(String target, byte[] bytes, String sha256) throws Exception {
        JobId jobId = JobId.random();
        Path staged = stage(target, jobId, bytes);
        return ArtifactCreated.now(jobId, new TargetId(target), staged.toUri().toString(),
                new Artifact("custom", bytes.length, sha256, "15.18", "15.18", List.of(new TableRowCount("public", "t", 1))));
    }

    private static Path stage(String target, JobId jobId, byte[] bytes) throws Exception {
        Path dir = Files.createDirectories(STAGING.resolve(target));
        return Files.write(dir.resolve(jobId + ".dump"), bytes);
    }

    private static String brokers() {
        return LocalKafka.shared().bootstrapServers();
    }
}
