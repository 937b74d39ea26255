package dev.vigil.worker;

import dev.vigil.contracts.Sha256;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.vigil.codec.ArtifactCodec;
import dev.vigil.codec.Compression;
import dev.vigil.codec.Keyring;
import dev.vigil.contracts.ArtifactCreated;
import dev.vigil.contracts.BackupFailed;
import dev.vigil.contracts.BackupRequested;
import dev.vigil.contracts.Connection;
import dev.vigil.contracts.DumpProgressed;
import dev.vigil.contracts.FailureClass;
import dev.vigil.contracts.JobId;
import dev.vigil.contracts.TableRowCount;
import dev.vigil.contracts.TargetConfigured;
import dev.vigil.contracts.TargetId;
import dev.vigil.contracts.Topics;
import dev.vigil.contracts.Trigger;
import dev.vigil.contracts.json.EventJson;
import dev.vigil.local.FreePorts;
import dev.vigil.local.KafkaProbe;
import dev.vigil.local.LocalKafka;
import dev.vigil.local.LocalPostgres;
import dev.vigil.local.LocalTls;
import dev.vigil.local.MetricsScrape;
import dev.vigil.local.TestTokens;
import dev.vigil.local.ServiceTestSettings;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The worker against a real broker and PostgreSQL, running the real pg_dump. */
// Closed after the class, while the shared broker and database still run (they stop at JVM exit).
@DirtiesContext
@ExtendWith(OutputCaptureExtension.class)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "spring.config.name=dump-worker")
class DumpWorkerTest {

    /** Granted before the service starts, so it has read it when the first scrape comes. */
    private static final String VIEWER = TestTokens.viewer();

    /** Has ':' and '\\', which a passfile must escape. */
    private static final String SECRET = "pw:6f1d\\2c-never-in-events";
    private static final String BACKUP_ROLE = "vigil_backup";
    private static final String KEYS = "worker-key:" + java.util.Base64.getEncoder().encodeToString(new byte[32]).replace("AAAA", "AbCd");
    private static final int POLL_INTERVAL_MILLIS = 1500;
    /** Enough tables for a catalog fingerprint well over Kafka's 1 MB message limit, uncompressed. */
    private static final int WIDE_TABLES = 4000;
    private static Path passwordFile;
    private static LocalPostgres tlsServer;

    @LocalServerPort
    int port;

    @org.springframework.beans.factory.annotation.Autowired
    org.springframework.context.ApplicationContext context;

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) throws IOException {
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        ServiceTestSettings.kafka(registry, WorkerApplication.NAME);
        registry.add("vigil.worker.encryption-key-id", () -> "worker-key");
        registry.add("vigil.worker.progress-interval", () -> "50ms");
        registry.add("vigil.worker.encryption-keys", () -> KEYS);
        registry.add("vigil.staging.dir", () -> tmp.resolve("staging").toString());
        // The password files below are made there.
        registry.add("vigil.worker.password-dir", tmp::toString);
        registry.add("vigil.worker.unknown-target-wait", () -> "2s");
        registry.add("vigil.worker.retry.attempts", () -> "6");
        registry.add("vigil.worker.retry.initial-backoff", () -> "250ms");
        registry.add("vigil.worker.retry.max-backoff", () -> "1s");
        // Far shorter than the test's dumps: a dump must not depend on the poll interval.
        registry.add("spring.cloud.stream.kafka.bindings.dump-in-0.consumer.configuration.max.poll.interval.ms", () -> POLL_INTERVAL_MILLIS);
        registry.add("spring.cloud.stream.kafka.bindings.dump-in-0.consumer.configuration.heartbeat.interval.ms", () -> 300);
        registry.add("spring.cloud.stream.kafka.bindings.dump-in-0.consumer.pollTimeout", () -> 300);
    }

    @BeforeAll
    static void sourceDatabase() throws IOException {
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        passwordFile = Files.writeString(Files.createTempFile(tmp, "pw", ".txt"), SECRET);
        Path wrongPasswordFile = Files.writeString(Files.createTempFile(tmp, "pw", ".txt"), "not-the-password");
        LocalPostgres postgres = LocalPostgres.shared();
        postgres.createDatabase("worker_shop");
        postgres.execute("worker_shop", """
                drop schema if exists sales cascade;
                create schema sales;
                create table sales."Order Lines"(id int primary key, qty int);
                insert into sales."Order Lines" select g, g % 7 from generate_series(1, 1234) g;
                create table public.customers(id int primary key, name text);
                insert into public.customers select g, 'customer ' || g from generate_series(1, 56) g;
                create table public.empty_table(id int);
                """);
        postgres.execute("worker_shop", "do $$ begin if not exists (select from pg_roles where rolname = '" + BACKUP_ROLE + "') then "
                + "create role " + BACKUP_ROLE + " login password '" + SECRET + "'; end if; end $$; grant pg_read_all_data to " + BACKUP_ROLE);
        postgres.requirePassword(BACKUP_ROLE);
        String brokers = LocalKafka.shared().bootstrapServers();
        announce(brokers, "worker-shop", new Connection(postgres.host(), postgres.port(), "worker_shop", BACKUP_ROLE,
                null, passwordFile.toString()));
        announce(brokers, "worker-wrong-password", new Connection(postgres.host(), postgres.port(), "worker_shop", BACKUP_ROLE,
                null, wrongPasswordFile.toString()));
        postgres.createDatabase("worker_big");
        postgres.execute("worker_big", """
                drop table if exists public.readings;
                create table public.readings(id bigint primary key, sensor text, taken_at timestamptz, note text);
                insert into public.readings select g, 'sensor-' || (g % 997), now() - g * interval '1 second', md5(g::text) || md5((g * 7)::text)
                from generate_series(1, 400000) g;
                """);
        announce(brokers, "worker-big", new Connection(postgres.host(), postgres.port(), "worker_big", LocalPostgres.SUPERUSER, null, null));
        postgres.createDatabase("worker_wide");
        postgres.execute("worker_wide", """
                do $$ begin
                  for i in 1..%d loop
                    execute format('create table if not exists public.tenant_table_%%s(id bigint primary key, customer_name text not null, '
                      || 'created_at timestamptz default now(), amount numeric(12,2), note text)', i);
                  end loop;
                end $$;
                """.formatted(WIDE_TABLES));
        announce(brokers, "worker-wide", new Connection(postgres.host(), postgres.port(), "worker_wide", LocalPostgres.SUPERUSER, null, null));
        announce(brokers, "worker-nowhere", new Connection("127.0.0.1", FreePorts.next(), "nowhere", "backup", null, null));
        // A server with a certificate of its own authority; another authority's certificate must not be accepted for it.
        LocalTls tls = LocalTls.create(tmp.resolve("tls"), "target");
        LocalTls otherAuthority = LocalTls.create(tmp.resolve("tls"), "other");
        tlsServer = LocalPostgres.startWithTls(Files.createTempDirectory(tmp, "tls-pg-"), FreePorts.next(), tls);
        tlsServer.execute("postgres", "drop table if exists public.secrets; create table public.secrets(id int); insert into public.secrets values (1), (2)");
        announce(brokers, "worker-tls", new Connection(tlsServer.host(), tlsServer.port(), "postgres", LocalPostgres.SUPERUSER, null, null,
                "verify-full", tls.caCertificate().toAbsolutePath().toString()));
        announce(brokers, "worker-tls-wrong-ca", new Connection(tlsServer.host(), tlsServer.port(), "postgres", LocalPostgres.SUPERUSER, null,
                null, "verify-full", otherAuthority.caCertificate().toAbsolutePath().toString()));
    }

    @AfterAll
    static void stopTlsServer() {
        if (tlsServer != null) {
            tlsServer.close();
        }
    }

    @Test
    void aTargetVerifiedFullyAgainstItsAuthorityIsDumpedOverTls() throws IOException {
        JobId jobId = request("worker-tls");

        try (KafkaProbe probe = new KafkaProbe(brokers(), Topics.ARTIFACT_CREATED, Topics.BACKUP_FAILED)) {
            KafkaProbe.Seen seen = probe.await(r -> r.value().contains(jobId.toString()), Duration.ofSeconds(60));
            assertThat(seen.topic()).as(seen.value()).isEqualTo(Topics.ARTIFACT_CREATED);
            assertThat(EventJson.read(seen.value().getBytes(), ArtifactCreated.class).artifact().tables())
                    .contains(new TableRowCount("public", "secrets", 2));
        }
        // The server logged every connection: the worker's own (JDBC names itself only after connecting) and pg_dump's (PGAPPNAME).
        List<String> connections = Files.readAllLines(tlsServer.serverLog()).stream().filter(line -> line.contains("connection authorized")).toList();
        assertThat(connections).as("connections to the TLS server").allSatisfy(line -> assertThat(line).contains("SSL enabled"))
                .anySatisfy(line -> assertThat(line).as("pg_dump's").contains("application_name=vigil-dump-worker"));
    }

    @Test
    void aServerCertificateOfAnotherAuthorityFailsAsAuthenticationNamingTlsAtOnce() {
        long started = System.nanoTime();
        JobId jobId = request("worker-tls-wrong-ca");

        BackupFailed failed = awaitFailure(jobId);
        assertThat(failed.failureClass()).isEqualTo(FailureClass.AUTHENTICATION);
        assertThat(failed.reason()).contains("TLS").contains("verify-full").contains("other-ca.crt").doesNotContain("gave up after");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).as("refused, not retried or hung").isLessThan(Duration.ofSeconds(20));
    }

    @Test
    void aRequestedBackupIsDumpedWithExactRowCountsAndTheChecksumOfTheStagedFile() throws Exception {
        JobId jobId = request("worker-shop");

        try (KafkaProbe probe = new KafkaProbe(brokers(), Topics.DUMP_STARTED, Topics.ARTIFACT_CREATED, Topics.BACKUP_FAILED)) {
            probe.await(r -> r.topic().equals(Topics.DUMP_STARTED) && r.value().contains(jobId.toString()), Duration.ofSeconds(60));
            KafkaProbe.Seen seen = probe.await(r -> r.value().contains(jobId.toString()) && !r.topic().equals(Topics.DUMP_STARTED),
                    Duration.ofSeconds(60));
            assertThat(seen.topic()).as(seen.value()).isEqualTo(Topics.ARTIFACT_CREATED);
            assertThat(seen.key()).isEqualTo("worker-shop");
            ArtifactCreated created = EventJson.read(seen.value().getBytes(), ArtifactCreated.class);

            assertThat(created.artifact().tables()).containsExactly(
                    new TableRowCount("public", "customers", 56),
                    new TableRowCount("public", "empty_table", 0),
                    new TableRowCount("sales", "Order Lines", 1234));
            Path file = Path.of(URI.create(created.stagingUri()));
            assertThat(Files.size(file)).isEqualTo(created.artifact().sizeBytes());
            assertThat(Sha256.of(file)).isEqualTo(created.artifact().sha256());
            assertThat(created.artifact().format()).isEqualTo("custom");
            assertThat(created.artifact().compression()).isEqualTo("zstd");
            assertThat(created.artifact().encryptionKeyId()).isEqualTo("worker-key");
            assertThat(created.artifact().pgDumpVersion()).startsWith(created.artifact().serverVersion().split("\\.")[0]);
            try (InputStream raw = Files.newInputStream(file);
                    InputStream plain = ArtifactCodec.decoder(Files.newInputStream(file), Compression.ZSTD, "worker-key", Keyring.parse(KEYS))) {
                assertThat(new String(raw.readNBytes(5))).as("staged bytes are not the plain dump").isNotEqualTo("PGDMP");
                assertThat(new String(plain.readNBytes(5))).as("pg_dump custom format magic after decoding").isEqualTo("PGDMP");
            }
        }
    }

    @Test
    void aRunningDumpReportsGrowingProgressNamingTheTableItIsOn() {
        JobId jobId = request("worker-big");

        try (KafkaProbe probe = new KafkaProbe(brokers(), Topics.DUMP_PROGRESSED, Topics.ARTIFACT_CREATED)) {
            probe.await(r -> r.topic().equals(Topics.ARTIFACT_CREATED) && r.value().contains(jobId.toString()), Duration.ofSeconds(120));
            List<DumpProgressed> reports = probe.arrivals("progress reports of job " + jobId,
                            r -> r.topic().equals(Topics.DUMP_PROGRESSED) && r.value().contains(jobId.toString()))
                    .arriveWithin(Duration.ofSeconds(30), 2).stream()
                    .map(r -> EventJson.read(r.value().getBytes(), DumpProgressed.class)).toList();

            assertThat(reports).as("progress reports of a dump lasting several intervals").hasSizeGreaterThanOrEqualTo(2);
            assertThat(reports).extracting(DumpProgressed::bytesWritten).isSorted().last().asInstanceOf(
                    org.assertj.core.api.InstanceOfAssertFactories.LONG).isPositive();
            assertThat(reports).extracting(DumpProgressed::currentTable).contains("public.readings");
        }
    }

    @Test
    void aDumpLastingSeveralPollIntervalsKeepsItsPartitionAndRunsOnce(CapturedOutput output) throws Exception {
        JobId jobId;
        try (KafkaProbe probe = new KafkaProbe(brokers(), Topics.DUMP_STARTED, Topics.ARTIFACT_CREATED, Topics.BACKUP_FAILED)) {
            try (java.sql.Connection locker = LocalPostgres.shared().connect("worker_shop")) {
                // The dump's snapshot must wait for this lock before it can count the table: the dump lasts as long as the lock.
                locker.setAutoCommit(false);
                locker.createStatement().execute("lock table public.customers in access exclusive mode");
                jobId = request("worker-shop");
                JobId waiting = jobId;
                probe.await(r -> r.topic().equals(Topics.DUMP_STARTED) && r.value().contains(waiting.toString()), Duration.ofSeconds(30));
                await("the dump waiting for the lock").atMost(Duration.ofSeconds(30)).until(() -> sessionsWaitingForALock("worker_shop") > 0);
                // About time itself: the dump must last several poll intervals while it holds its partition.
                Thread.sleep(4L * POLL_INTERVAL_MILLIS);
                locker.rollback();
            }
            JobId done = jobId;
            probe.await(r -> r.topic().equals(Topics.ARTIFACT_CREATED) && r.value().contains(done.toString()), Duration.ofSeconds(60));
            // A consumer that lost its partition would get the request again and dump it a second time, right after the first.
            List<String> topicsOfJob = probe.arrivals("records of job " + done, r -> r.value().contains(done.toString()))
                    .noMoreArriveWithin(Duration.ofSeconds(3)).stream().map(KafkaProbe.Seen::topic).toList();

            assertThat(topicsOfJob).as("one dump, announced once").containsExactly(Topics.DUMP_STARTED, Topics.ARTIFACT_CREATED);
        }
        assertThat(output.getAll()).as("the consumer stayed in its group").doesNotContain("poll timeout has expired");
    }

    @Test
    void aFinishedDumpIsTimedAsASuccessOfItsTarget() {
        Map<String, String> series = Map.of("target", "worker-shop", "outcome", "success");
        double before = MetricsScrape.of(port, VIEWER).value("vigil_dump_duration_seconds_count", series).orElse(0.0);
        JobId jobId = request("worker-shop");

        try (KafkaProbe probe = new KafkaProbe(brokers(), Topics.ARTIFACT_CREATED)) {
            probe.await(r -> r.value().contains(jobId.toString()), Duration.ofSeconds(60));
        }
        await("the dump timed").atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(MetricsScrape.of(port, VIEWER).value("vigil_dump_duration_seconds_count", series)).hasValue(before + 1));
        assertThat(MetricsScrape.of(port, VIEWER).value("vigil_dump_duration_seconds_sum", series)).hasValueSatisfying(seconds -> assertThat(seconds).isPositive());
    }

    @Test
    void metricsAreScrapedAndPushedNowhereUnlessACollectorIsNamed() {
        // Spring Boot 4 pushes them over OTLP to localhost:4318 by default, logging a failure there every minute.
        assertThat(context.getBeansOfType(io.micrometer.registry.otlp.OtlpMeterRegistry.class)).as("OTLP metrics push").isEmpty();
        assertThat(MetricsScrape.of(port, VIEWER).value("jvm_threads_live_threads", Map.of())).as("the Prometheus scrape").isPresent();
    }

    @Test
    void aRequestCountsAsWaitingForAWorkerUntilItsDumpHasEnded() throws Exception {
        // What VigilRequestsWaiting reads: the requests the group has not committed, the running dump's included.
        Map<String, String> lag = Map.of("group", "dump-worker", "topic", Topics.BACKUP_REQUESTED);
        try (KafkaProbe probe = new KafkaProbe(brokers(), Topics.DUMP_STARTED, Topics.ARTIFACT_CREATED)) {
            JobId jobId;
            try (java.sql.Connection locker = LocalPostgres.shared().connect("worker_shop")) {
                // The dump waits for this lock as long as the test holds it.
                locker.setAutoCommit(false);
                locker.createStatement().execute("lock table public.customers in access exclusive mode");
                jobId = request("worker-shop");
                JobId waiting = jobId;
                probe.await(r -> r.topic().equals(Topics.DUMP_STARTED) && r.value().contains(waiting.toString()), Duration.ofSeconds(30));

                await("the running dump's request counted").atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                        assertThat(MetricsScrape.of(port, VIEWER).value("spring_cloud_stream_binder_kafka_offset", lag))
                                .hasValueSatisfying(value -> assertThat(value).isGreaterThanOrEqualTo(1)));
                locker.rollback();
            }
            JobId done = jobId;
            probe.await(r -> r.topic().equals(Topics.ARTIFACT_CREATED) && r.value().contains(done.toString()), Duration.ofSeconds(60));
        }
        await("nothing waiting once the dump has ended").atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(MetricsScrape.of(port, VIEWER).value("spring_cloud_stream_binder_kafka_offset", lag)).hasValue(0.0));
    }

    @Test
    void anUnreachableTargetFailsAsUnreachableNamingTheTarget() {
        JobId jobId = request("worker-nowhere");

        BackupFailed failed = awaitFailure(jobId);
        assertThat(failed.failureClass()).isEqualTo(FailureClass.UNREACHABLE);
        assertThat(failed.reason()).contains("nowhere").contains("could not connect").contains("gave up after 6 attempts");
    }

    @Test
    void aTargetThatComesUpWhileTheWorkerRetriesIsBackedUp() throws Exception {
        int port = FreePorts.next();
        announce(brokers(), "worker-late", new Connection("127.0.0.1", port, "postgres", LocalPostgres.SUPERUSER, null, null));
        try (KafkaProbe probe = new KafkaProbe(brokers(), Topics.DUMP_STARTED, Topics.ARTIFACT_CREATED, Topics.BACKUP_FAILED);
                ServerSocket notUpYet = new ServerSocket(port, 50, InetAddress.getLoopbackAddress())) {
            JobId jobId = request("worker-late");
            probe.await(r -> r.topic().equals(Topics.DUMP_STARTED) && r.value().contains(jobId.toString()), Duration.ofSeconds(30));
            // Where the target will run, a listener takes the worker's first attempt and hangs up, as a server still starting does.
            notUpYet.setSoTimeout(30_000);
            notUpYet.accept().close();
            notUpYet.close();
            try (LocalPostgres late = LocalPostgres.start(Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), "late-"), port)) {
                KafkaProbe.Seen seen = probe.await(r -> r.value().contains(jobId.toString()) && !r.topic().equals(Topics.DUMP_STARTED),
                        Duration.ofSeconds(60));
                assertThat(seen.topic()).as(seen.value()).isEqualTo(Topics.ARTIFACT_CREATED);
            }
        }
    }

    @Test
    void aSourceWithThousandsOfTablesIsAnnouncedWithItsCatalogStagedBesideTheArtifact() throws IOException {
        JobId jobId = request("worker-wide");

        try (KafkaProbe probe = new KafkaProbe(brokers(), Topics.ARTIFACT_CREATED, Topics.BACKUP_FAILED)) {
            KafkaProbe.Seen seen = probe.await(r -> r.value().contains(jobId.toString()), Duration.ofSeconds(120));
            assertThat(seen.topic()).as(seen.value().substring(0, Math.min(2000, seen.value().length()))).isEqualTo(Topics.ARTIFACT_CREATED);
            ArtifactCreated created = EventJson.read(seen.value().getBytes(), ArtifactCreated.class);

            // The row counts stay in the event; the catalog (some 400 bytes a table) is staged beside the artifact and referred to.
            assertThat(seen.value().length()).as("the event's size, uncompressed: under the broker's default 1 MB").isLessThan(1024 * 1024);
            assertThat(created.artifact().tables()).hasSize(WIDE_TABLES);
            assertThat(created.artifact().catalog()).isNull();
            byte[] staged = Files.readAllBytes(Path.of(URI.create(created.artifact().catalogRef().uri())));
            assertThat(staged.length).as("the staged catalog's size").isGreaterThan(1024 * 1024);
            assertThat(created.artifact().catalogRef().readFrom(staged).objects()).containsKey("table public.tenant_table_" + WIDE_TABLES)
                    .containsKey("index public.tenant_table_" + WIDE_TABLES + "_pkey");
        }
    }

    @Test
    void aFullStagingDiskFailsTheJobAsStagingAndSaysToFreeSpace() throws IOException {
        JobId jobId = JobId.random();
        Path stagingDir = Files.createDirectories(Path.of(System.getProperty("java.io.tmpdir"), "staging", "worker-shop"));
        // What the worker is set to write here: custom format, zstd, encrypted.
        String artifact = jobId + "." + dev.vigil.contracts.Artifact.extensionFor("custom", "zstd", true);
        // The kernel answers every write to /dev/full with ENOSPC, as a full disk does.
        Path partial = Files.createSymbolicLink(stagingDir.resolve(artifact + ".partial"), Path.of("/dev/full"));
        request(jobId, "worker-shop");

        BackupFailed failed = awaitFailure(jobId);
        assertThat(failed.failureClass()).isEqualTo(FailureClass.STAGING);
        assertThat(failed.reason()).contains("No space left on device").contains("check free space");
        assertThat(partial).as("the half-written artifact is removed").doesNotExist();
        assertThat(stagingDir.resolve(artifact)).doesNotExist();
    }

    @Test
    void anUnknownTargetFailsClearlyInsteadOfWaitingForever() {
        JobId jobId = request("worker-never-announced");

        BackupFailed failed = awaitFailure(jobId);
        assertThat(failed.failureClass()).isEqualTo(FailureClass.UNKNOWN_TARGET);
        assertThat(failed.reason()).contains("'worker-never-announced'").contains("targets file");
    }

    @Test
    void aMalformedRequestLandsInTheDeadLetterTopicAndTheNextGoodOneSucceeds() {
        KafkaProbe.send(brokers(), Topics.BACKUP_REQUESTED, "worker-shop", "this is not json");
        KafkaProbe.send(brokers(), Topics.BACKUP_REQUESTED, "worker-shop", "{\"eventId\":\"" + java.util.UUID.randomUUID()
                + "\",\"occurredAt\":\"2026-11-21T03:00:00Z\",\"schemaVersion\":1,\"targetId\":\"worker-shop\",\"trigger\":\"API\"}");
        JobId good = request("worker-shop");

        try (KafkaProbe probe = new KafkaProbe(brokers(), Topics.deadLetter(Topics.BACKUP_REQUESTED, "dump-worker"), Topics.ARTIFACT_CREATED)) {
            probe.await(r -> r.value().equals("this is not json"), Duration.ofSeconds(60));
            KafkaProbe.Seen missingField = probe.await(r -> r.value().contains("\"trigger\":\"API\"") && r.topic().startsWith("error."),
                    Duration.ofSeconds(60));
            assertThat(missingField.header("x-exception-message")).contains("jobId");
            probe.await(r -> r.topic().equals(Topics.ARTIFACT_CREATED) && r.value().contains(good.toString()), Duration.ofSeconds(60));
        }
    }

    @Test
    void aRefusedPasswordFailsAsAuthenticationWithoutEchoingIt() {
        JobId jobId = request("worker-wrong-password");

        BackupFailed failed = awaitFailure(jobId);
        assertThat(failed.failureClass()).isEqualTo(FailureClass.AUTHENTICATION);
        assertThat(failed.reason()).contains(BACKUP_ROLE).doesNotContain("not-the-password");
    }

    @Test
    void thePasswordNeverAppearsInAnEventOrALogLine(CapturedOutput output) {
        JobId jobId = request("worker-shop");
        try (KafkaProbe probe = new KafkaProbe(brokers(), Topics.DUMP_STARTED, Topics.ARTIFACT_CREATED, Topics.BACKUP_FAILED)) {
            probe.await(r -> r.topic().equals(Topics.ARTIFACT_CREATED) && r.value().contains(jobId.toString()), Duration.ofSeconds(60));
            List<KafkaProbe.Seen> everything = probe.seen(Duration.ofMillis(500));
            assertThat(everything).isNotEmpty().allSatisfy(r -> {
                assertThat(r.value()).doesNotContain(SECRET);
                assertThat(r.headers().values()).noneMatch(v -> v != null && v.contains(SECRET));
            });
        }
        assertThat(output.getAll()).contains("dump finished: job " + jobId).doesNotContain(SECRET);
    }

    private static long sessionsWaitingForALock(String database) throws Exception {
        try (java.sql.Connection connection = LocalPostgres.shared().connect("postgres");
                var statement = connection.prepareStatement("select count(*) from pg_stat_activity where datname = ? and wait_event_type = 'Lock'")) {
            statement.setString(1, database);
            try (var rows = statement.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        }
    }

    private static BackupFailed awaitFailure(JobId jobId) {
        try (KafkaProbe probe = new KafkaProbe(brokers(), Topics.BACKUP_FAILED)) {
            return EventJson.read(probe.await(r -> r.value().contains(jobId.toString()), Duration.ofSeconds(60)).value().getBytes(),
                    BackupFailed.class);
        }
    }

    private static JobId request(String target) {
        return request(JobId.random(), target);
    }

    private static JobId request(JobId jobId, String target) {
        BackupRequested request = BackupRequested.now(jobId, new TargetId(target), Trigger.EXTERNAL, "test");
        KafkaProbe.send(brokers(), Topics.BACKUP_REQUESTED, target, EventJson.writeString(request));
        return request.jobId();
    }

    private static void announce(String brokers, String target, Connection connection) {
        KafkaProbe.send(brokers, Topics.TARGETS, target, EventJson.writeString(TargetConfigured.now(new TargetId(target), connection)));
    }

    private static String brokers() {
        return LocalKafka.shared().bootstrapServers();
    }
}
