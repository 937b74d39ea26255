package dev.vigil.verifier;

import dev.vigil.contracts.Sha256;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.vigil.codec.AgeIdentity;
import dev.vigil.codec.AgeRecipient;
import dev.vigil.codec.ArtifactCodec;
import dev.vigil.codec.Compression;
import dev.vigil.codec.Keyring;
import dev.vigil.contracts.Artifact;
import dev.vigil.contracts.Catalog;
import dev.vigil.pgclients.CatalogFingerprint;
import java.util.Map;
import dev.vigil.contracts.BackupVerified;
import dev.vigil.contracts.JobId;
import dev.vigil.contracts.TableRowCount;
import dev.vigil.contracts.TargetId;
import dev.vigil.contracts.BackupFailed;
import dev.vigil.contracts.Topics;
import dev.vigil.contracts.Verdict;
import dev.vigil.contracts.json.EventJson;
import dev.vigil.local.KafkaProbe;
import dev.vigil.local.LocalKafka;
import dev.vigil.local.LocalPostgres;
import dev.vigil.local.LocalS3;
import dev.vigil.local.MetricsScrape;
import dev.vigil.local.TestTokens;
import dev.vigil.local.ServiceTestSettings;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import software.amazon.awssdk.services.s3.S3Client;
import dev.vigil.local.FaultyProxy;
import dev.vigil.contracts.CheckResult;
import dev.vigil.contracts.Connection;
import dev.vigil.contracts.DumpOptions;
import dev.vigil.contracts.SqlCheck;
import dev.vigil.contracts.TargetConfigured;
import static org.assertj.core.api.Assertions.tuple;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/** The verifier against a real broker, S3 endpoint and PostgreSQL, restoring real pg_dump artifacts. */
// Closed after the class, while the shared broker and database still run (they stop at JVM exit).
@DirtiesContext
@ExtendWith(OutputCaptureExtension.class)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "spring.config.name=verifier-service")
class VerifierServiceTest {

    /** Granted before the service starts, so it has read it when the first scrape comes. */
    private static final String VIEWER = TestTokens.viewer();

    private static final String BUCKET = "verifier-test";
    private static final List<TableRowCount> SOURCE_COUNTS = List.of(
            new TableRowCount("public", "customers", 40), new TableRowCount("sales", "Order Lines", 700));
    private static final String KEYS = "vk-1:" + java.util.Base64.getEncoder().encodeToString("0123456789abcdef0123456789abcdef".getBytes());
    private static byte[] dump;
    /** A throwaway identity made with age-keygen, kept with the tests. */
    private static final Path AGE_IDENTITY = testResource("age-test-identity.txt");
    /** {@link #dump} encrypted under vk-1, as a worker with that key stores it. */
    private static byte[] sealed;
    private static byte[] bigDump;
    private static final int POLL_INTERVAL_MILLIS = 1500;
    private static final FaultyProxy SLOW_STORE = FaultyProxy.start("127.0.0.1", LocalS3.shared().port());

    /** Straight to the S3 endpoint, not through the proxy the verifier uses. */
    private final S3Client direct = LocalS3.shared().client();

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        ServiceTestSettings.s3Credentials();
        ServiceTestSettings.kafkaAndDatabase(registry, VerifierApplication.NAME, "verifier_test");
        LocalPostgres postgres = LocalPostgres.shared();
        // Through a proxy that one test slows down, as a store far away would be.
        registry.add("vigil.verifier.endpoint", SLOW_STORE::endpoint);
        // Far shorter than that test's verification: a verification must not depend on the poll interval.
        registry.add("spring.cloud.stream.kafka.bindings.verify-in-0.consumer.configuration.max.poll.interval.ms", () -> POLL_INTERVAL_MILLIS);
        registry.add("spring.cloud.stream.kafka.bindings.verify-in-0.consumer.configuration.heartbeat.interval.ms", () -> 300);
        registry.add("spring.cloud.stream.kafka.bindings.verify-in-0.consumer.pollTimeout", () -> 300);
        // As a role that may only create databases, not as the superuser: backups are untrusted data.
        Verifications.scratchAsVerifierRole(registry);
        // A keyring: every artifact must come encrypted (the tests store them so); one in the clear is refused.
        registry.add("vigil.verifier.encryption-keys", () -> KEYS);
        registry.add("vigil.verifier.age-identity-file", () -> AGE_IDENTITY.toString());
        registry.add("vigil.verifier.instance-id", () -> "VT-1");
        // What a verifier killed mid-restore leaves behind: its own, and another instance's (still restoring).
        for (String leftover : List.of("vigil_verify_vt1_0123456789abcdef0123456789abcdef", "vigil_verify_othervm_0123456789abcdef0123456789abcdef")) {
            postgres.createDatabase(leftover);
            postgres.execute("postgres", "alter database " + leftover + " owner to " + LocalPostgres.VERIFIER_ROLE);
        }
        registry.add("vigil.verifier.work-dir", () -> Path.of(System.getProperty("java.io.tmpdir"), "verify").toString());
    }

    @BeforeAll
    static void aRealDump() throws Exception {
        LocalPostgres postgres = LocalPostgres.shared();
        Verifications.loadSource("verifier_source");
        dump = Verifications.pgDump("verifier_source");
        sealed = encode(dump, Compression.NONE, "vk-1", Keyring.parse(KEYS));
        postgres.createDatabase("verifier_big_source");
        postgres.execute("verifier_big_source", """
                drop table if exists public.events;
                create table public.events(id int primary key, payload text);
                insert into public.events select g, md5(g::text) || md5((g * 3)::text) from generate_series(1, 30000) g;
                """);
        bigDump = encode(Verifications.pgDump("verifier_big_source", "-Z0"), Compression.NONE, "vk-1", Keyring.parse(KEYS));
        // Announced before the verifier starts, as the scheduler does: its target directory reads it on start-up.
        KafkaProbe.send(LocalKafka.shared().bootstrapServers(), Topics.TARGETS, "checked-shop", EventJson.writeString(TargetConfigured.now(
                new TargetId("checked-shop"), new Connection("db.internal", 5432, "shop", "backup", null, null), DumpOptions.defaults(), null,
                List.of(new SqlCheck("customers are all there", "select count(*) = 40 from public.customers"),
                        new SqlCheck("no order line past 500", "select count(*) = 0 from sales.\"Order Lines\" where id > 500"),
                        new SqlCheck("invoices exist", "select count(*) > 0 from public.invoices"),
                        new SqlCheck("a number is not a verdict", "select count(*) from public.customers"),
                        new SqlCheck("ten million rows are not read", "select true from generate_series(1, 10000000);")))));
    }

    @Test
    void aTargetsOwnChecksRunOnTheRestoredBackupAndFailuresAreListedByName() throws Exception {
        BackupVerified verified = verify(JobId.random(), "checked-shop", sealed, Sha256.of(sealed), SOURCE_COUNTS, null, "vk-1", null);

        assertThat(verified.verdict()).isEqualTo(Verdict.FAILED);
        assertThat(verified.checks()).extracting(CheckResult::name, CheckResult::passed).containsExactly(
                tuple("customers are all there", true), tuple("no order line past 500", false), tuple("invoices exist", false),
                tuple("a number is not a verdict", false), tuple("ten million rows are not read", false));
        assertThat(verified.differences()).containsExactly(
                "check 'no order line past 500' failed: answered false",
                "check 'invoices exist' failed: raised: ERROR: relation \"public.invoices\" does not exist",
                "check 'a number is not a verdict' failed: answered 40, not one boolean; write e.g. select count(*) > 0 from …",
                "check 'ten million rows are not read' failed: answered more than one row; a check must answer one row with one boolean");
    }

    @Test
    void aDumpMadeOutsideVigilIsRestoredAndCountedWithNothingToCompareAndIsRestoredNotPassed() throws Exception {
        // In the clear, as the storage service takes such a dump in: the keyring does not refuse it.
        BackupVerified verified = verifyRegistered(JobId.random(), "outside-shop", dump);

        assertThat(verified.verdict()).as(verified.differences().toString()).isEqualTo(Verdict.RESTORED);
        assertThat(verified.differences()).isEmpty();
        assertThat(verified.environmentProblemList()).isEmpty();
        assertThat(verified.tables()).extracting(t -> t.schema() + "." + t.table(), t -> t.expectedRows(), t -> t.foundRows())
                .containsExactlyInAnyOrder(tuple("public.customers", null, 40L), tuple("sales.Order Lines", null, 700L));
    }

    @Test
    void aDumpMadeOutsideVigilThatDoesNotRestoreOrFailsTheTargetsOwnChecksFails() throws Exception {
        BackupVerified cut = verifyRegistered(JobId.random(), "outside-shop", java.util.Arrays.copyOf(dump, dump.length / 2));
        BackupVerified checked = verifyRegistered(JobId.random(), "checked-shop", dump);

        assertThat(cut.verdict()).isEqualTo(Verdict.FAILED);
        assertThat(cut.differences()).as("what the restore reported").isNotEmpty();
        assertThat(checked.verdict()).isEqualTo(Verdict.FAILED);
        assertThat(checked.differences()).as("the target's own checks only; no counts compared")
                .allSatisfy(d -> assertThat(d).startsWith("check '")).contains("check 'no order line past 500' failed: answered false");
        assertThat(checked.tables()).allSatisfy(t -> assertThat(t.expectedRows()).isNull());
    }

    /** Stores {@code bytes} as the storage service stores a registered dump (custom, no wrapping, no counts) and answers the verdict. */
    private BackupVerified verifyRegistered(JobId jobId, String target, byte[] bytes) {
        String key = target + "/" + jobId + ".dump";
        try {
            direct.createBucket(b -> b.bucket(BUCKET));
        } catch (software.amazon.awssdk.services.s3.model.S3Exception alreadyThere) {
            // made by an earlier test
        }
        direct.putObject(b -> b.bucket(BUCKET).key(key), software.amazon.awssdk.core.sync.RequestBody.fromBytes(bytes));
        Artifact artifact = new Artifact("custom", bytes.length, Sha256.of(bytes), Verifications.sourceVersion(), Verifications.sourceVersion(),
                List.of(), "none", null, null);
        return Verifications.announce(dev.vigil.contracts.ArtifactStored.registered(jobId, new TargetId(target),
                new dev.vigil.contracts.StoredObject("primary", BUCKET, key), artifact, List.of(), "s3://uploads/incoming/" + jobId + ".dump"));
    }

    @Test
    void anUnencryptedArtifactIsRefusedWhereTheVerifierHoldsAKeyringAndNothingIsRestored(CapturedOutput output) throws Exception {
        JobId jobId = JobId.random();

        BackupVerified verified = verify(jobId, dump, Sha256.of(dump), SOURCE_COUNTS, null, null, null);

        assertThat(verified.verdict()).isEqualTo(Verdict.FAILED);
        assertThat(verified.differences()).singleElement().asString().startsWith("unencrypted artifact refused: this verifier holds a keyring")
                .contains("expects every artifact encrypted").contains("nothing was restored");
        assertThat(verified.tables()).isEmpty();
        assertThat(output.getAll()).as("no restore ran").doesNotContain("restored job " + jobId);
    }

    @Test
    void aGenuinePlainDumpRestoresThroughPsqlAndPassesCopyDataStartingWithABackslashIncluded() throws Exception {
        byte[] sql = plainSource();
        assertThat(new String(sql, java.nio.charset.StandardCharsets.UTF_8)).as("pg_dump restricts its own script")
                .contains("\\restrict ").contains("\\unrestrict ");

        BackupVerified verified = verifyPlain(sql);

        assertThat(verified.differences()).isEmpty();
        assertThat(verified.verdict()).isEqualTo(Verdict.PASSED);
        assertThat(verified.tables()).extracting(t -> t.table() + "=" + t.foundRows()).containsExactly("notes=4");
    }

    @Test
    void aPlainArtifactHoldingPsqlMetaCommandsIsRefusedAndNoneOfThemRuns() throws Exception {
        String genuine = new String(plainSource(), java.nio.charset.StandardCharsets.UTF_8);
        String key = genuine.lines().filter(l -> l.startsWith("\\restrict ")).findFirst().orElseThrow().substring("\\restrict ".length());
        Path shell = Path.of(System.getProperty("java.io.tmpdir"), "pwned-shell-" + java.util.UUID.randomUUID());
        Path program = Path.of(System.getProperty("java.io.tmpdir"), "pwned-program-" + java.util.UUID.randomUUID());
        Path inLine = Path.of(System.getProperty("java.io.tmpdir"), "pwned-inline-" + java.util.UUID.randomUUID());
        String afterHeader = "SET statement_timeout = 0;\n";

        BackupVerified bang = verifyPlain(genuine.replace(afterHeader, afterHeader + "\\! touch " + shell + "\n").getBytes());
        BackupVerified copy = verifyPlain(genuine.replace(afterHeader, afterHeader + "  \\copy (select 1) to program 'touch " + program + "'\n")
                .getBytes());
        // Lifting pg_dump's own restriction early (moved up from the end) does not lift the verifier's: psql still refuses a
        // meta-command within a line.
        BackupVerified hidden = verifyPlain(genuine.replace("\\unrestrict " + key + "\n", "")
                .replace(afterHeader, afterHeader + "\\unrestrict " + key + "\nselect 1; \\! touch " + inLine + "\n").getBytes());

        assertThat(bang.verdict()).isEqualTo(Verdict.FAILED);
        assertThat(bang.differences()).singleElement().asString().contains("meta-command \\! (line").contains("refused").doesNotContain("touch");
        assertThat(copy.verdict()).isEqualTo(Verdict.FAILED);
        assertThat(copy.differences()).singleElement().asString().contains("meta-command \\copy (line").doesNotContain("program '");
        assertThat(hidden.verdict()).isEqualTo(Verdict.FAILED);
        assertThat(hidden.differences()).singleElement().asString().contains("within a line of SQL").contains("psql refused it");
        assertThat(shell).doesNotExist();
        assertThat(program).doesNotExist();
        assertThat(inLine).doesNotExist();
    }

    @Test
    void anExtensionOnlyASuperuserMayCreateLeavesTheVerdictInconclusiveSayingWhy() throws Exception {
        LocalPostgres postgres = LocalPostgres.shared();
        postgres.createDatabase("verifier_untrusted_extension");
        postgres.execute("verifier_untrusted_extension", """
                create extension if not exists adminpack;
                drop table if exists public.accounts;
                create table public.accounts(id int primary key);
                insert into public.accounts select generate_series(1, 5);
                """);
        byte[] sealedDump = encode(Verifications.pgDump("verifier_untrusted_extension"), Compression.NONE, "vk-1", Keyring.parse(KEYS));

        BackupVerified verified = verify(sealedDump, Sha256.of(sealedDump), List.of(new TableRowCount("public", "accounts", 5)));

        assertThat(verified.verdict()).isEqualTo(Verdict.INCONCLUSIVE);
        assertThat(verified.differences()).isEmpty();
        assertThat(verified.environmentProblems()).singleElement().asString().contains("may not create the extension \"adminpack\"")
                .contains("not a trusted extension").contains("vigil.verifier.allow-superuser=true");
    }

    /** A plain pg_dump, as the worker makes one, of a table whose COPY data lines begin with backslash escapes ({@code \\!}, {@code \r}, {@code \\.}). */
    private static byte[] plainSource() throws Exception {
        LocalPostgres postgres = LocalPostgres.shared();
        postgres.createDatabase("verifier_plain_source");
        postgres.execute("verifier_plain_source", """
                drop table if exists public.notes;
                create table public.notes(note text, id int primary key);
                insert into public.notes values (E'\\\\! not a command', 1), (E'\\restrict in data', 2), (E'\\\\.', 3), ('plain', 4);
                """);
        return Verifications.plainDump("verifier_plain_source");
    }

    /** Verifies plain SQL {@code sql}, stored encrypted under vk-1, expecting the four rows of public.notes. */
    private BackupVerified verifyPlain(byte[] sql) throws Exception {
        byte[] object = encode(sql, Compression.NONE, "vk-1", Keyring.parse(KEYS));
        return Verifications.verify(direct, BUCKET, JobId.random(), "plain-shop", object, new Artifact("plain", object.length, Sha256.of(object),
                Verifications.sourceVersion(), Verifications.sourceVersion(), List.of(new TableRowCount("public", "notes", 4)), null, "vk-1", null));
    }

    @AfterAll
    static void stopProxy() {
        SLOW_STORE.close();
    }

    @Test
    void aVerificationLastingSeveralPollIntervalsKeepsItsPartitionAndRunsOnce(CapturedOutput output) throws Exception {
        // About 2.3 MB at 400 KB/s: the download alone takes some 6 s, four poll intervals.
        SLOW_STORE.throttle(400_000);
        BackupVerified verified;
        JobId jobId = JobId.random();
        try (KafkaProbe probe = new KafkaProbe(LocalKafka.shared().bootstrapServers(), Topics.BACKUP_VERIFIED, Topics.BACKUP_FAILED)) {
            try {
                verified = verify(jobId, bigDump, Sha256.of(bigDump), List.of(new TableRowCount("public", "events", 30000)), null, "vk-1", null);
            } finally {
                SLOW_STORE.throttle(0);
            }
            List<KafkaProbe.Seen> ofJob = probe.seen(Duration.ofSeconds(3)).stream().filter(r -> r.value().contains(jobId.toString())).toList();
            assertThat(ofJob).as("one verdict, announced once").hasSize(1);
        }
        assertThat(verified.verdict()).isEqualTo(Verdict.PASSED);
        assertThat(bigDump.length).isGreaterThan(2_000_000);
        assertThat(output.getAll()).as("the consumer stayed in its group").doesNotContain("poll timeout has expired");
        assertThat(output.getAll().split("verification started: job " + jobId, -1)).as("verifications of the job started").hasSize(2);
    }

    @Test
    void aGoodBackupRestoresWithExactlyTheSourcesRowCountsAndLeavesNoScratchDatabase() throws Exception {
        BackupVerified verified = verify(sealed, Sha256.of(sealed), SOURCE_COUNTS);

        assertThat(verified.differences()).isEmpty();
        assertThat(verified.verdict()).isEqualTo(Verdict.PASSED);
        assertThat(verified.tables()).extracting(t -> t.schema() + "." + t.table() + "=" + t.foundRows())
                .containsExactly("public.customers=40", "sales.Order Lines=700");
        assertThat(scratchDatabases("vt1")).isEmpty();
    }

    @Test
    void aCompressedAndEncryptedBackupIsDecodedRestoredAndPasses() throws Exception {
        byte[] encoded = encode(dump, Compression.ZSTD, "vk-1", Keyring.parse(KEYS));

        BackupVerified verified = verify(encoded, Sha256.of(encoded), SOURCE_COUNTS, "zstd", "vk-1");

        assertThat(verified.differences()).isEmpty();
        assertThat(verified.verdict()).isEqualTo(Verdict.PASSED);
    }

    @Test
    void aBackupEncryptedToAnAgeRecipientIsDecodedWithTheIdentityFileAndPasses() throws Exception {
        AgeRecipient recipient = AgeIdentity.load(AGE_IDENTITY).getFirst().recipient();
        java.io.ByteArrayOutputStream sink = new java.io.ByteArrayOutputStream();
        try (java.io.OutputStream out = ArtifactCodec.encoder(sink, Compression.ZSTD, 3, 0, recipient)) {
            out.write(dump);
        }
        byte[] encoded = sink.toByteArray();

        BackupVerified verified = verify(encoded, Sha256.of(encoded), SOURCE_COUNTS, "zstd", recipient.id());

        assertThat(verified.differences()).isEmpty();
        assertThat(verified.verdict()).isEqualTo(Verdict.PASSED);
    }

    @Test
    void aBackupEncryptedUnderAKeyTheVerifierDoesNotHoldFailsNamingTheKey() throws Exception {
        byte[] encoded = encode(dump, Compression.ZSTD, "retired-key", Keyring.parse("retired-key:" + java.util.Base64.getEncoder().encodeToString(new byte[32])));

        BackupVerified verified = verify(encoded, Sha256.of(encoded), SOURCE_COUNTS, "zstd", "retired-key");

        assertThat(verified.verdict()).isEqualTo(Verdict.FAILED);
        assertThat(verified.differences()).singleElement().asString().contains("cannot decrypt").contains("key 'retired-key'");
    }

    @Test
    void aTruncatedEncryptedBackupFailsAsDamaged() throws Exception {
        byte[] encoded = encode(dump, Compression.ZSTD, "vk-1", Keyring.parse(KEYS));
        byte[] truncated = java.util.Arrays.copyOf(encoded, encoded.length - 100);

        BackupVerified verified = verify(truncated, Sha256.of(truncated), SOURCE_COUNTS, "zstd", "vk-1");

        assertThat(verified.verdict()).isEqualTo(Verdict.FAILED);
        assertThat(verified.differences()).singleElement().asString().contains("damaged").contains("truncated");
    }

    @Test
    void theRestoredCatalogMustMatchTheSourcesObjectByObject() throws Exception {
        Map<String, String> source;
        try (var connection = LocalPostgres.shared().connect("verifier_source")) {
            source = CatalogFingerprint.take(connection, schema -> true, true, true);
        }
        assertThat(source).containsKey("table sales.Order Lines").containsKey("index sales.Order Lines_pkey");

        BackupVerified matching = verify(sealed, Sha256.of(sealed), SOURCE_COUNTS, null, "vk-1", new Catalog(source, true, true));
        Map<String, String> withGhost = new java.util.TreeMap<>(source);
        withGhost.put("index public.customers_ghost_idx", "CREATE INDEX customers_ghost_idx ON public.customers USING btree (id)");
        BackupVerified missing = verify(sealed, Sha256.of(sealed), SOURCE_COUNTS, null, "vk-1", new Catalog(withGhost, true, true));

        assertThat(matching.differences()).isEmpty();
        assertThat(matching.verdict()).isEqualTo(Verdict.PASSED);
        assertThat(missing.verdict()).isEqualTo(Verdict.FAILED);
        assertThat(missing.differences()).containsExactly("index public.customers_ghost_idx: missing from the restore (expected "
                + "CREATE INDEX customers_ghost_idx ON public.customers USING btree (id))");
    }

    @Test
    void aCatalogKeptBesideTheStoredBackupIsReadCheckedAndComparedAndOneThatIsNotIsAFinding() throws Exception {
        Map<String, String> source;
        try (var connection = LocalPostgres.shared().connect("verifier_source")) {
            source = CatalogFingerprint.take(connection, schema -> true, true, true);
        }
        Catalog catalog = new Catalog(source, true, true);
        Map<String, String> withGhost = new java.util.TreeMap<>(source);
        withGhost.put("index public.customers_ghost_idx", "CREATE INDEX customers_ghost_idx ON public.customers USING btree (id)");

        BackupVerified kept = verifyWithCatalogBeside(catalog, catalog, true);
        BackupVerified altered = verifyWithCatalogBeside(catalog, new Catalog(withGhost, true, true), true);
        BackupVerified elsewhere = verifyWithCatalogBeside(catalog, catalog, false);

        assertThat(kept.verdict()).as("%s", kept.differences()).isEqualTo(Verdict.PASSED);
        assertThat(altered.verdict()).isEqualTo(Verdict.FAILED);
        assertThat(altered.differences()).singleElement().asString().contains("is not the one the dump worker took");
        assertThat(elsewhere.verdict()).isEqualTo(Verdict.FAILED);
        assertThat(elsewhere.differences()).singleElement().asString().contains("does not point beside the stored backup");
    }

    /**
     * Stores the dump and, beside it (or, with {@code beside} false, in another folder), a manifest
     * holding {@code kept}; announces the backup referring to {@code taken}; answers the verdict.
     */
    private BackupVerified verifyWithCatalogBeside(Catalog taken, Catalog kept, boolean beside) {
        JobId jobId = JobId.random();
        String key = "shop/" + jobId + ".dump";
        String manifestKey = (beside ? key : "elsewhere/" + jobId + ".dump") + ".manifest.json";
        try {
            direct.createBucket(b -> b.bucket(BUCKET));
        } catch (software.amazon.awssdk.services.s3.model.S3Exception alreadyThere) {
            // made by an earlier test
        }
        direct.putObject(b -> b.bucket(BUCKET).key(key), software.amazon.awssdk.core.sync.RequestBody.fromBytes(sealed));
        direct.putObject(b -> b.bucket(BUCKET).key(manifestKey), software.amazon.awssdk.core.sync.RequestBody.fromBytes(
                dev.vigil.contracts.json.EventJson.write(Map.of("state", "PENDING_VERIFICATION", "catalog", kept))));
        Artifact artifact = new Artifact("custom", sealed.length, Sha256.of(sealed), Verifications.sourceVersion(), Verifications.sourceVersion(),
                SOURCE_COUNTS, null, "vk-1", null).withCatalogAt(dev.vigil.contracts.CatalogReference.to("s3://" + BUCKET + "/" + manifestKey, taken));
        return Verifications.announce(dev.vigil.contracts.ArtifactStored.now(jobId, new dev.vigil.contracts.TargetId("shop"),
                new dev.vigil.contracts.StoredObject("primary", BUCKET, key), artifact));
    }

    @Test
    void aBackupTheVerifierCannotMakeSenseOfFailsTheJobInsteadOfLeavingItWaiting() {
        JobId jobId = JobId.random();
        direct.putObject(b -> b.bucket(BUCKET).key("shop/" + jobId + ".dump"), software.amazon.awssdk.core.sync.RequestBody.fromBytes(dump));
        Artifact nonsense = new Artifact("custom", dump.length, Sha256.of(dump), "not a version", "15.18", SOURCE_COUNTS);
        dev.vigil.contracts.ArtifactStored stored = dev.vigil.contracts.ArtifactStored.now(jobId, new dev.vigil.contracts.TargetId("shop"),
                new dev.vigil.contracts.StoredObject("primary", BUCKET, "shop/" + jobId + ".dump"), nonsense);

        KafkaProbe.send(LocalKafka.shared().bootstrapServers(), Topics.ARTIFACT_STORED, "shop", EventJson.writeString(stored));

        try (KafkaProbe probe = new KafkaProbe(LocalKafka.shared().bootstrapServers(), Topics.BACKUP_FAILED)) {
            BackupFailed failed = EventJson.read(probe.await(r -> r.value().contains(jobId.toString()), Duration.ofSeconds(60)).value()
                    .getBytes(), BackupFailed.class);
            assertThat(failed.stage()).isEqualTo(dev.vigil.contracts.Stage.VERIFY);
            assertThat(failed.reason()).contains("failed unexpectedly").contains("not a version");
        }
    }

    @Test
    void onStartUpTheVerifierDropsTheScratchDatabasesItLeftBehindAndNoOtherInstances() throws Exception {
        try {
            assertThat(scratchDatabases("vt1")).isEmpty();
            assertThat(scratchDatabases("othervm")).containsExactly("vigil_verify_othervm_0123456789abcdef0123456789abcdef");
        } finally {
            LocalPostgres.shared().execute("postgres", "drop database if exists vigil_verify_othervm_0123456789abcdef0123456789abcdef");
        }
    }

    @Test
    void aBackupHoldingFewerRowsThanTheSourceHadFailsNamingTheTable() throws Exception {
        List<TableRowCount> claimed = List.of(new TableRowCount("public", "customers", 41), new TableRowCount("sales", "Order Lines", 700));

        BackupVerified verified = verify(sealed, Sha256.of(sealed), claimed);

        assertThat(verified.verdict()).isEqualTo(Verdict.FAILED);
        assertThat(verified.differences()).containsExactly("table public.customers: expected 41 rows, found 40");
    }

    @Test
    void eachVerdictsRestoreTimeIsExportedByTargetAndVerdict() {
        List<TableRowCount> fewer = List.of(new TableRowCount("public", "customers", 41), new TableRowCount("sales", "Order Lines", 700));

        BackupVerified passed = verify(JobId.random(), "timed-shop", sealed, Sha256.of(sealed), SOURCE_COUNTS, null, "vk-1", null);
        BackupVerified failed = verify(JobId.random(), "timed-shop", sealed, Sha256.of(sealed), fewer, null, "vk-1", null);

        assertThat(passed.verdict()).isEqualTo(Verdict.PASSED);
        assertThat(failed.verdict()).isEqualTo(Verdict.FAILED);
        // What the dashboard's restore duration panel reads: the restoreMillis each verdict announced.
        Map<String, String> passedSeries = Map.of("target", "timed-shop", "verdict", "PASSED");
        Map<String, String> failedSeries = Map.of("target", "timed-shop", "verdict", "FAILED");
        await("both verdicts timed").atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            MetricsScrape scrape = MetricsScrape.of(port, VIEWER);
            assertThat(scrape.value("vigil_restore_duration_seconds_count", passedSeries)).hasValue(1.0);
            assertThat(scrape.value("vigil_restore_duration_seconds_count", failedSeries)).hasValue(1.0);
        });
        assertThat(MetricsScrape.of(port, VIEWER).value("vigil_restore_duration_seconds_sum", passedSeries)).hasValueSatisfying(seconds ->
                assertThat(seconds).isCloseTo(passed.restoreMillis() / 1000.0, org.assertj.core.data.Offset.offset(0.0005)));
    }

    @Test
    void aStoredObjectWithFlippedBytesFailsAsDamaged() throws Exception {
        byte[] damaged = sealed.clone();
        damaged[damaged.length / 2] ^= 0x5a;

        BackupVerified verified = verify(damaged, Sha256.of(sealed), SOURCE_COUNTS);

        assertThat(verified.verdict()).isEqualTo(Verdict.FAILED);
        assertThat(verified.differences()).singleElement().asString().contains("checksum mismatch").contains("damaged");
    }

    @Test
    void aCompressedEncryptedObjectDamagedInStorageFailsOnItsChecksumNotOnWhatTheDecoderMadeOfIt() throws Exception {
        byte[] encoded = encode(dump, Compression.ZSTD, "vk-1", Keyring.parse(KEYS));
        byte[] flipped = encoded.clone();
        flipped[flipped.length / 3] ^= 0x5a;
        byte[] truncated = java.util.Arrays.copyOf(encoded, encoded.length - 100);

        // Announced with the worker's checksum of what it wrote: the store changed the bytes afterwards.
        BackupVerified afterFlip = verify(flipped, Sha256.of(encoded), SOURCE_COUNTS, "zstd", "vk-1");
        BackupVerified afterCut = verify(truncated, Sha256.of(encoded), SOURCE_COUNTS, "zstd", "vk-1");

        assertThat(afterFlip.verdict()).isEqualTo(Verdict.FAILED);
        assertThat(afterFlip.differences()).singleElement().asString().startsWith("artifact checksum mismatch");
        assertThat(afterCut.differences()).singleElement().asString().startsWith("artifact checksum mismatch");
    }

    /** Verifies {@code object}, a custom-format dump encrypted under vk-1 and not compressed. */
    private BackupVerified verify(byte[] object, String workerSha256, List<TableRowCount> counts) {
        return verify(object, workerSha256, counts, null, "vk-1", null);
    }

    private static Path testResource(String name) {
        try {
            return Path.of(VerifierServiceTest.class.getResource("/" + name).toURI());
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] encode(byte[] plain, Compression compression, String keyId, Keyring keyring) throws Exception {
        java.io.ByteArrayOutputStream sink = new java.io.ByteArrayOutputStream();
        try (java.io.OutputStream out = ArtifactCodec.encoder(sink, compression, compression == Compression.NONE ? 0 : 3, 0,
                new ArtifactCodec.EncryptionKey(keyId, keyring.key(keyId).orElseThrow()))) {
            out.write(plain);
        }
        return sink.toByteArray();
    }

    private BackupVerified verify(byte[] object, String workerSha256, List<TableRowCount> counts, String compression, String keyId) {
        return verify(object, workerSha256, counts, compression, keyId, null);
    }

    private BackupVerified verify(byte[] object, String workerSha256, List<TableRowCount> counts, String compression, String keyId,
            Catalog catalog) {
        return verify(JobId.random(), object, workerSha256, counts, compression, keyId, catalog);
    }

    private BackupVerified verify(JobId jobId, byte[] object, String workerSha256, List<TableRowCount> counts, String compression, String keyId,
            Catalog catalog) {
        return verify(jobId, "shop", object, workerSha256, counts, compression, keyId, catalog);
    }

    private BackupVerified verify(JobId jobId, String target, byte[] object, String workerSha256, List<TableRowCount> counts, String compression,
            String keyId, Catalog catalog) {
        return Verifications.verify(direct, BUCKET, jobId, target, object, new Artifact("custom", object.length, workerSha256,
                Verifications.sourceVersion(), Verifications.sourceVersion(), counts, compression, keyId, catalog));
    }


    private static List<String> scratchDatabases(String instance) throws Exception {
        try (var connection = LocalPostgres.shared().connect("postgres");
                ResultSet rs = connection.createStatement().executeQuery(
                        "select datname from pg_database where datname like 'vigil\\_verify\\_" + instance + "\\_%'")) {
            List<String> names = new java.util.ArrayList<>();
            while (rs.next()) {
                names.add(rs.getString(1));
            }
            return names;
        }
    }

}
