package dev.vigil.verifier;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.contracts.Artifact;
import dev.vigil.contracts.ArtifactStored;
import dev.vigil.contracts.BackupVerified;
import dev.vigil.contracts.JobId;
import dev.vigil.contracts.RestoreCompleted;
import dev.vigil.contracts.RestoreRequested;
import dev.vigil.contracts.Sha256;
import dev.vigil.contracts.StoredObject;
import dev.vigil.contracts.TableCheck;
import dev.vigil.contracts.TableRowCount;
import dev.vigil.contracts.TargetId;
import dev.vigil.contracts.Topics;
import dev.vigil.contracts.Verdict;
import dev.vigil.contracts.json.EventJson;
import dev.vigil.local.FreePorts;
import dev.vigil.local.KafkaProbe;
import dev.vigil.local.LocalKafka;
import dev.vigil.local.LocalPostgres;
import dev.vigil.local.LocalS3;
import dev.vigil.local.LocalTls;
import dev.vigil.local.ServiceTestSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import software.amazon.awssdk.services.s3.S3Client;

/** Restores on demand ({@code RestoreRequested}) against a real broker, S3 endpoint and PostgreSQL. */
@DirtiesContext
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "spring.config.name=verifier-service")
class RestoreOnDemandTest {

    private static final String BUCKET = "restore-test";
    private static final TargetId TARGET = new TargetId("restore-shop");
    private static final List<TableRowCount> SOURCE_COUNTS = List.of(new TableRowCount("Odd Name", "Mixed Case", 3),
            new TableRowCount("public", "customers", 40), new TableRowCount("sales", "Order Lines", 700));
    private static final JobId VERIFIED = JobId.random();
    private static byte[] dump;

    private final S3Client s3 = LocalS3.shared().client();

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        ServiceTestSettings.s3Credentials();
        ServiceTestSettings.kafkaAndDatabase(registry, VerifierApplication.NAME, "restore_test");
        LocalPostgres postgres = LocalPostgres.shared();
        registry.add("vigil.verifier.endpoint", () -> LocalS3.shared().endpoint());
        // As a role that may only create databases, on every server: a backup restored runs its SQL as that role.
        LocalPostgres.Login verifier = Verifications.scratchAsVerifierRole(registry);
        // A second server a request may name; here the same PostgreSQL under another name.
        registry.add("vigil.verifier.restore-servers.staging.host", postgres::host);
        registry.add("vigil.verifier.restore-servers.staging.port", postgres::port);
        registry.add("vigil.verifier.restore-servers.staging.username", verifier::role);
        registry.add("vigil.verifier.restore-servers.staging.password", verifier::password);
        // A server whose role needs its password: pg_restore gets it from a private passfile.
        registry.add("vigil.verifier.restore-servers.locked.host", postgres::host);
        registry.add("vigil.verifier.restore-servers.locked.port", postgres::port);
        registry.add("vigil.verifier.restore-servers.locked.username", () -> "vigil_restorer");
        registry.add("vigil.verifier.restore-servers.locked.password", () -> RESTORER_SECRET);
        // Where each target may be restored: any name on the verification server (which the services' own
        // database, the maintenance database and the scratch names still escape), restored_* on staging.
        allow(registry, 0, TARGET.value(), null, "*");
        allow(registry, 1, TARGET.value(), "staging", "restored_*");
        allow(registry, 2, TARGET.value(), "locked", "restored_locked");
        allow(registry, 3, "never-verified", null, "x");
        // A server of its own with TLS, reached with verify-full: once with its CA, once with another CA's.
        startTlsServer();
        tlsServer(registry, "tls", tls.caCertificate());
        tlsServer(registry, "tls-other-ca", otherAuthority.caCertificate());
        allow(registry, 4, TARGET.value(), "tls", "restored_tls");
        allow(registry, 5, TARGET.value(), "tls-other-ca", "restored_tls");
        registry.add("vigil.verifier.instance-id", () -> "RT-1");
        registry.add("vigil.verifier.work-dir", () -> Path.of(System.getProperty("java.io.tmpdir"), "restore-test").toString());
    }

    private static LocalPostgres tlsPostgres;
    private static LocalTls tls;
    private static LocalTls otherAuthority;

    private static void startTlsServer() {
        try {
            Path dir = Files.createTempDirectory("restore-tls-");
            tls = LocalTls.create(dir.resolve("tls"), "restore");
            otherAuthority = LocalTls.create(dir.resolve("tls"), "other");
            tlsPostgres = LocalPostgres.startWithTls(dir.resolve("pg"), FreePorts.next(), tls);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void tlsServer(DynamicPropertyRegistry registry, String name, Path authority) {
        LocalPostgres.Login login = tlsPostgres.verifierRole();
        String prefix = "vigil.verifier.restore-servers." + name + ".";
        registry.add(prefix + "host", tlsPostgres::host);
        registry.add(prefix + "port", tlsPostgres::port);
        registry.add(prefix + "username", login::role);
        registry.add(prefix + "password", login::password);
        registry.add(prefix + "sslmode", () -> "verify-full");
        registry.add(prefix + "sslrootcert", () -> authority.toAbsolutePath().toString());
    }

    @AfterAll
    static void stopTlsServer() {
        if (tlsPostgres != null) {
            tlsPostgres.close();
        }
    }

    private static void allow(DynamicPropertyRegistry registry, int rule, String target, String server, String databases) {
        String prefix = "vigil.verifier.restore-allow-list[" + rule + "].";
        registry.add(prefix + "target", () -> target);
        if (server != null) {
            registry.add(prefix + "server", () -> server);
        }
        registry.add(prefix + "databases", () -> databases);
    }

    @BeforeAll
    static void aVerifiedBackup() throws Exception {
        LocalPostgres postgres = LocalPostgres.shared();
        postgres.createDatabase("restore_source");
        postgres.execute("restore_source", """
                drop schema if exists sales cascade;
                drop schema if exists "Odd Name" cascade;
                drop table if exists public.customers cascade;
                create schema sales;
                create table sales."Order Lines"(id int primary key, note text);
                insert into sales."Order Lines" select g, md5(g::text) from generate_series(1, 700) g;
                create view sales.recent as select * from sales."Order Lines" where id > 690;
                create table public.customers(id int primary key);
                insert into public.customers select generate_series(1, 40);
                create schema "Odd Name";
                create table "Odd Name"."Mixed Case"(id int);
                insert into "Odd Name"."Mixed Case" values (1), (2), (3);
                """);
        dump = Verifications.pgDump("restore_source");
        postgres.execute("postgres", "do $$ begin if not exists (select from pg_roles where rolname = 'vigil_restorer') then "
                + "create role vigil_restorer login createdb password '" + RESTORER_SECRET + "'; end if; end $$");
        postgres.requirePassword("vigil_restorer");
        for (String database : List.of("restored_whole", "restored_lines", "restored_odd", "restored_kept", "restored_again", "restore_victim",
                "dbname=restore_victim", "x' host='127.0.0.2", "restored_bound", "restored_bystander", "restored_locked", "restored_audited", "elsewhere_orders", "restored_nonsense")) {
            postgres.execute("postgres", "drop database if exists \"" + database + "\" with (force)");
        }
    }

    private BackupVerified stored(JobId jobId, byte[] object, String sha256) {
        return Verifications.verify(s3, BUCKET, jobId, TARGET.value(), object, new Artifact("custom", object.length, sha256,
                Verifications.sourceVersion(), Verifications.sourceVersion(), SOURCE_COUNTS));
    }

    private static RestoreCompleted restore(RestoreRequested request) {
        KafkaProbe.send(LocalKafka.shared().bootstrapServers(), Topics.RESTORE_REQUESTED, request.targetId().value(), EventJson.writeString(request));
        try (KafkaProbe probe = new KafkaProbe(LocalKafka.shared().bootstrapServers(), Topics.RESTORE_COMPLETED)) {
            KafkaProbe.Seen seen = probe.await(r -> r.value().contains(request.restoreId().toString()), Duration.ofSeconds(60));
            return EventJson.read(seen.value().getBytes(), RestoreCompleted.class);
        }
    }

    private static RestoreRequested request(JobId jobId, String database, boolean clean, List<String> schemas, List<String> tables) {
        return RestoreRequested.now(UUID.randomUUID(), TARGET, jobId, null, database, clean, schemas, tables, null);
    }

    private static List<String> tablesIn(String database) throws Exception {
        List<String> tables = new ArrayList<>();
        try (var connection = LocalPostgres.shared().connect(database); ResultSet rs = connection.createStatement().executeQuery("""
                select table_schema || '.' || table_name from information_schema.tables
                where table_schema not in ('pg_catalog', 'information_schema') order by 1""")) {
            while (rs.next()) {
                tables.add(rs.getString(1));
            }
        }
        return tables;
    }

    /** A database of the user's that holds something already, owned by the role the verifier restores as (which may drop only its own). */
    private static void holding(String database, String sql) {
        LocalPostgres.shared().createDatabase(database);
        LocalPostgres.shared().execute("postgres", "alter database \"" + database + "\" owner to " + LocalPostgres.VERIFIER_ROLE);
        LocalPostgres.shared().execute(database, sql);
    }

    private static long count(String database, String table) throws Exception {
        try (var connection = LocalPostgres.shared().connect(database); ResultSet rs = connection.createStatement().executeQuery(
                "select count(*) from " + table)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private void ensureVerified() {
        if (!RestoreOnDemandTest.verifiedOnce) {
            assertThat(stored(VERIFIED, dump, Sha256.of(dump)).verdict()).isEqualTo(Verdict.PASSED);
            verifiedOnce = true;
        }
    }

    private static volatile boolean verifiedOnce;

    @Test
    void theNewestVerifiedBackupIsRestoredWholeIntoANewDatabaseAndComparedTableByTable() throws Exception {
        ensureVerified();

        RestoreCompleted outcome = restore(RestoreRequested.now(UUID.randomUUID(), TARGET, null, "staging", "restored_whole", false,
                List.of(), List.of(), null));

        assertThat(outcome.verdict()).as(outcome.toString()).isEqualTo(Verdict.PASSED);
        assertThat(outcome.jobId()).isEqualTo(VERIFIED);
        assertThat(outcome.server()).isEqualTo("staging");
        assertThat(outcome.tables()).extracting(TableCheck::foundRows).containsExactly(3L, 40L, 700L);
        assertThat(tablesIn("restored_whole")).containsExactly("Odd Name.Mixed Case", "public.customers", "sales.Order Lines", "sales.recent");
        assertThat(count("restored_whole", "sales.recent")).isEqualTo(10);
    }

    private static final String RESTORER_SECRET = "restorer-" + UUID.randomUUID();

    @Test
    void aServerWhoseRoleNeedsAPasswordIsRestoredIntoWithItFromAPrivatePassfile() throws Exception {
        ensureVerified();

        RestoreCompleted outcome = restore(RestoreRequested.now(UUID.randomUUID(), TARGET, VERIFIED, "locked", "restored_locked", false,
                List.of(), List.of(), null));

        assertThat(outcome.verdict()).as(outcome.toString()).isEqualTo(Verdict.PASSED);
        assertThat(outcome.toString()).doesNotContain(RESTORER_SECRET);
        assertThat(tablesIn("restored_locked")).contains("sales.Order Lines", "public.customers");
    }

    @Test
    void aServerWithVerifyFullAndItsAuthorityIsRestoredIntoOverTls() throws Exception {
        ensureVerified();

        RestoreCompleted outcome = restore(RestoreRequested.now(UUID.randomUUID(), TARGET, VERIFIED, "tls", "restored_tls", false,
                List.of(), List.of(), null));

        assertThat(outcome.verdict()).as(outcome.toString()).isEqualTo(Verdict.PASSED);
        assertThat(outcome.tables()).extracting(TableCheck::foundRows).containsExactly(3L, 40L, 700L);
        // Every connection of the verifier's was TLS: its own (JDBC names itself only after connecting) and pg_restore's (PGAPPNAME).
        List<String> connections = Files.readAllLines(tlsPostgres.serverLog()).stream()
                .filter(line -> line.contains("connection authorized") && line.contains("user=" + LocalPostgres.VERIFIER_ROLE)).toList();
        assertThat(connections).as("the verifier's connections to the TLS server").isNotEmpty()
                .allSatisfy(line -> assertThat(line).contains("SSL enabled"))
                .anySatisfy(line -> assertThat(line).as("pg_restore's").contains("application_name=vigil-verifier"));
    }

    @Test
    void aServerCertificateOfAnotherAuthorityFailsTheRestoreAtOnceNamingTlsAndTheSettings() {
        ensureVerified();
        long started = System.nanoTime();

        RestoreCompleted outcome = restore(RestoreRequested.now(UUID.randomUUID(), TARGET, VERIFIED, "tls-other-ca", "restored_tls", false,
                List.of(), List.of(), null));

        assertThat(outcome.verdict()).as(outcome.toString()).isEqualTo(Verdict.FAILED);
        assertThat(outcome.differences()).singleElement().asString()
                .startsWith("TLS to server tls-other-ca at " + tlsPostgres.host() + ":" + tlsPostgres.port() + " failed (sslmode verify-full, "
                        + "sslrootcert " + otherAuthority.caCertificate().toAbsolutePath() + "): ")
                .contains("check vigil.verifier.restore-servers.tls-other-ca.sslmode and vigil.verifier.restore-servers.tls-other-ca.sslrootcert");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).as("refused, not waited out").isLessThan(Duration.ofSeconds(30));
    }

    @Test
    void aRestoreIdBelongsToOneRequestAndAnotherRequestWithItIsRefused() throws Exception {
        ensureVerified();
        UUID restoreId = UUID.randomUUID();
        RestoreCompleted first = restore(RestoreRequested.now(restoreId, TARGET, VERIFIED, null, "restored_bound", false, List.of(), List.of(), null));
        assertThat(first.verdict()).as(first.toString()).isEqualTo(Verdict.PASSED);
        holding("restored_bystander", "create table mine(id int); insert into mine values (7);");

        RestoreRequested other = RestoreRequested.now(restoreId, TARGET, VERIFIED, null, "restored_bystander", true, List.of(), List.of(), null);
        KafkaProbe.send(LocalKafka.shared().bootstrapServers(), Topics.RESTORE_REQUESTED, TARGET.value(), EventJson.writeString(other));
        try (KafkaProbe probe = new KafkaProbe(LocalKafka.shared().bootstrapServers(), Topics.RESTORE_COMPLETED)) {
            RestoreCompleted refused = EventJson.read(probe.await(r -> r.value().contains(restoreId.toString())
                    && r.value().contains("already used"), Duration.ofSeconds(60)).value().getBytes(), RestoreCompleted.class);
            assertThat(refused.refused()).contains("restored_bound").contains("new restoreId");
        }
        assertThat(tablesIn("restored_bystander")).containsExactly("public.mine");
        assertThat(restore(RestoreRequested.now(restoreId, TARGET, VERIFIED, null, "restored_bound", false, List.of(), List.of(), null)))
                .as("the first request, delivered again, still gets its own answer").isEqualTo(first);
    }

    @Test
    void aDatabaseNameThatReadsLikeAConnectionStringIsOnlyAName() throws Exception {
        ensureVerified();
        holding("restore_victim", "create table precious(id int); insert into precious values (1);");

        for (String name : List.of("dbname=restore_victim", "x' host='127.0.0.2")) {
            RestoreCompleted outcome = restore(request(VERIFIED, name, false, List.of(), List.of()));

            assertThat(outcome.verdict()).as(outcome.toString()).isEqualTo(Verdict.PASSED);
            assertThat(tablesIn(name)).as("the database literally named %s", name).contains("sales.Order Lines", "public.customers");
        }
        assertThat(tablesIn("restore_victim")).as("the database the first name spells out").containsExactly("public.precious");
        assertThat(count("restore_victim", "precious")).isEqualTo(1);
    }

    @Test
    void aDatabaseHoldingAnythingIsRefusedAndLeftUntouchedUnlessTheRequestAsksToCleanIt() throws Exception {
        ensureVerified();
        holding("restored_kept", "create table precious(id int); insert into precious values (1), (2)");

        RestoreCompleted refused = restore(request(VERIFIED, "restored_kept", false, List.of(), List.of()));

        assertThat(refused.verdict()).isEqualTo(Verdict.FAILED);
        assertThat(refused.refused()).contains("database restored_kept on the verification server is not empty (1 relations")
                .contains("clean: true");
        assertThat(tablesIn("restored_kept")).containsExactly("public.precious");
        assertThat(count("restored_kept", "precious")).isEqualTo(2);

        RestoreCompleted cleaned = restore(request(VERIFIED, "restored_kept", true, List.of(), List.of()));

        assertThat(cleaned.verdict()).as(cleaned.toString()).isEqualTo(Verdict.PASSED);
        assertThat(cleaned.refused()).isNull();
        assertThat(tablesIn("restored_kept")).doesNotContain("public.precious").contains("public.customers");
    }

    @Test
    void onlyTheListedTablesOrSchemasAreRestoredAndCompared() throws Exception {
        ensureVerified();

        RestoreCompleted lines = restore(request(VERIFIED, "restored_lines", false, List.of(), List.of("sales.Order Lines")));
        RestoreCompleted odd = restore(request(VERIFIED, "restored_odd", false, List.of("Odd Name"), List.of("public.customers")));

        assertThat(lines.verdict()).as(lines.toString()).isEqualTo(Verdict.PASSED);
        assertThat(lines.tables()).extracting(TableCheck::table, TableCheck::foundRows).containsExactly(
                org.assertj.core.groups.Tuple.tuple("Order Lines", 700L));
        assertThat(tablesIn("restored_lines")).containsExactly("sales.Order Lines");
        assertThat(odd.verdict()).as(odd.toString()).isEqualTo(Verdict.PASSED);
        assertThat(tablesIn("restored_odd")).containsExactly("Odd Name.Mixed Case", "public.customers");
    }

    @Test
    void aRequestDeliveredAgainIsAnsweredAgainWithoutRestoringTwice() throws Exception {
        ensureVerified();
        RestoreRequested request = request(VERIFIED, "restored_again", false, List.of(), List.of());
        RestoreCompleted first = restore(request);
        LocalPostgres.shared().execute("restored_again", "insert into public.customers values (41)");

        RestoreCompleted again = restore(request);

        assertThat(first.verdict()).isEqualTo(Verdict.PASSED);
        assertThat(again).isEqualTo(first);
        assertThat(count("restored_again", "public.customers")).isEqualTo(41);
    }

    @Test
    void aDamagedBackupRestoresNothingAndLeavesTheDatabaseItWouldHaveCleaned() throws Exception {
        ensureVerified();
        holding("restored_precious", "drop table if exists precious; create table precious(id int); insert into precious values (1)");
        byte[] damaged = dump.clone();
        damaged[damaged.length / 2] ^= 0x5a;
        JobId damagedJob = JobId.random();
        // Announced with the worker's checksum of the undamaged dump, as a store that flipped bytes would hold it.
        assertThat(stored(damagedJob, damaged, Sha256.of(dump)).verdict()).isEqualTo(Verdict.FAILED);

        RestoreCompleted outcome = restore(request(damagedJob, "restored_precious", true, List.of(), List.of()));

        assertThat(outcome.verdict()).isEqualTo(Verdict.FAILED);
        assertThat(outcome.differences()).singleElement().asString().startsWith("artifact checksum mismatch");
        assertThat(tablesIn("restored_precious")).containsExactly("public.precious");
    }

    @Test
    void aRestoreTheVerifierCannotMakeSenseOfIsAnsweredFailedInsteadOfLeftWaiting() throws Exception {
        ensureVerified();
        JobId jobId = JobId.random();
        s3.putObject(b -> b.bucket(BUCKET).key("restore-shop/" + jobId + ".dump"), software.amazon.awssdk.core.sync.RequestBody.fromBytes(dump));
        ArtifactStored nonsense = ArtifactStored.now(jobId, TARGET, new StoredObject("primary", BUCKET, "restore-shop/" + jobId + ".dump"),
                new Artifact("custom", dump.length, Sha256.of(dump), "not a version", Verifications.sourceVersion(), SOURCE_COUNTS));
        try (KafkaProbe failures = new KafkaProbe(LocalKafka.shared().bootstrapServers(), Topics.BACKUP_FAILED)) {
            KafkaProbe.send(LocalKafka.shared().bootstrapServers(), Topics.ARTIFACT_STORED, TARGET.value(), EventJson.writeString(nonsense));
            // Its verification fails the same way; by then the verifier knows the backup.
            failures.await(r -> r.value().contains(jobId.toString()), Duration.ofSeconds(60));
        }

        RestoreCompleted outcome = restore(request(jobId, "restored_nonsense", false, List.of(), List.of()));

        assertThat(outcome.verdict()).isEqualTo(Verdict.FAILED);
        assertThat(outcome.differences()).singleElement().asString().contains("failed unexpectedly").contains("not a version");
    }

    private static boolean exists(String database) throws Exception {
        try (var connection = LocalPostgres.shared().connect("postgres");
                var statement = connection.prepareStatement("select 1 from pg_database where datname = ?")) {
            statement.setString(1, database);
            try (ResultSet rs = statement.executeQuery()) {
                return rs.next();
            }
        }
    }

    /** What the verifier recorded as requestedBy for a restore, in its own database. */
    private static String recordedRequester(UUID restoreId) throws Exception {
        try (var connection = LocalPostgres.shared().connect("restore_test");
                var statement = connection.prepareStatement("select requested_by from verifier.restores where restore_id = ?")) {
            statement.setObject(1, restoreId);
            try (ResultSet rs = statement.executeQuery()) {
                assertThat(rs.next()).as("restore %s is recorded", restoreId).isTrue();
                return rs.getString(1);
            }
        }
    }

    @Test
    void aDatabaseOutsideTheAllowListIsRefusedSayingWhatIsAllowedAndIsNotCreated() throws Exception {
        ensureVerified();
        UUID restoreId = UUID.randomUUID();

        RestoreCompleted refused = restore(RestoreRequested.now(restoreId, TARGET, VERIFIED, "staging", "elsewhere_orders", false, List.of(),
                List.of(), "nightly-copy pipeline"));

        assertThat(refused.verdict()).isEqualTo(Verdict.FAILED);
        assertThat(refused.refused()).isEqualTo("target restore-shop may not be restored into database elsewhere_orders on server staging: "
                + "the verifier's restore allow-list (vigil.verifier.restore-allow-list) lets it restore into the verification server: *; "
                + "server staging: restored_*; server locked: restored_locked; server tls: restored_tls; server tls-other-ca: restored_tls. Name one of those, or ask the verifier's operator to add a "
                + "rule there");
        assertThat(refused.requestedBy()).isEqualTo("nightly-copy pipeline");
        assertThat(exists("elsewhere_orders")).as("the database refused is not created").isFalse();
        assertThat(recordedRequester(restoreId)).isEqualTo("nightly-copy pipeline");
    }

    @Test
    void theServicesOwnDatabaseIsRefusedEvenWhereTheAllowListAllowsEveryName() throws Exception {
        ensureVerified();
        List<String> before = tablesIn("restore_test");

        RestoreCompleted refused = restore(RestoreRequested.now(UUID.randomUUID(), TARGET, VERIFIED, null, "restore_test", true, List.of(),
                List.of(), null));

        assertThat(refused.verdict()).isEqualTo(Verdict.FAILED);
        assertThat(refused.refused()).isEqualTo("database 'restore_test' is the database the Vigil services keep their own tables in (the "
                + "verifier's spring.datasource); no restore goes there, on any server, whatever vigil.verifier.restore-allow-list says; "
                + "choose another name");
        assertThat(refused.requestedBy()).isNull();
        assertThat(tablesIn("restore_test")).as("the verifier's own tables, untouched").isEqualTo(before).contains("verifier.restores");
    }

    @Test
    void whoAskedIsRecordedWithTheRestoreAndRepeatedInItsAnswer() throws Exception {
        ensureVerified();
        UUID restoreId = UUID.randomUUID();
        String who = "payments team (incident 4711)";

        RestoreCompleted outcome = restore(RestoreRequested.now(restoreId, TARGET, VERIFIED, "staging", "restored_audited", false, List.of(),
                List.of(), who));

        assertThat(outcome.verdict()).as(outcome.toString()).isEqualTo(Verdict.PASSED);
        assertThat(outcome.requestedBy()).isEqualTo(who);
        assertThat(recordedRequester(restoreId)).isEqualTo(who);
        assertThat(tablesIn("restored_audited")).contains("sales.Order Lines", "public.customers");
    }

    @Test
    void requestsThatCannotBeMetAreRefusedSayingWhatToChange() {
        ensureVerified();

        assertThat(restore(RestoreRequested.now(UUID.randomUUID(), TARGET, VERIFIED, "production", "x", false, List.of(), List.of(), null)).refused())
                .isEqualTo("no restore server is named 'production'; the verifier knows [locked, staging, tls, tls-other-ca]: name one, leave server out for the "
                        + "verification server, or add it under vigil.verifier.restore-servers");
        assertThat(restore(request(JobId.random(), "x", false, List.of(), List.of())).refused())
                .startsWith("no stored backup of target restore-shop with job id");
        assertThat(restore(RestoreRequested.now(UUID.randomUUID(), new TargetId("never-verified"), null, null, "x", false, List.of(), List.of(), null))
                .refused()).isEqualTo("target never-verified has no backup whose verification passed; name one by its jobId");
        assertThat(restore(request(VERIFIED, "x", false, List.of(), List.of("public.orders"))).refused())
                .isEqualTo("the backup holds no table 'public.orders' (write schema.table, exact names); it holds "
                        + "[Odd Name.Mixed Case, public.customers, sales.Order Lines]");
        assertThat(restore(request(VERIFIED, "vigil_verify_rt1_mine", false, List.of(), List.of())).refused())
                .contains("names the verifier's scratch databases");
        assertThat(restore(request(VERIFIED, "postgres", true, List.of(), List.of())).refused())
                .contains("maintenance database");
    }
}
