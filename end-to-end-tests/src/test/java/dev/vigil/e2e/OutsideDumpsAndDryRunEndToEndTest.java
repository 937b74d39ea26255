package dev.vigil.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.vigil.contracts.Sha256;
import dev.vigil.contracts.json.EventJson;
import dev.vigil.dev.EmbeddedStack;
import dev.vigil.local.DemoDatabase;
import dev.vigil.local.FreePorts;
import dev.vigil.local.LocalKafka;
import dev.vigil.local.LocalPostgres;
import dev.vigil.local.LocalS3;
import dev.vigil.local.ServiceTestSettings;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import tools.jackson.databind.JsonNode;

/**
 * The runbook's other two flows against the running stack (real broker, PostgreSQL, S3 endpoint):
 * a dry run of a target whose role cannot read one table names that table and leaves nothing behind;
 * a dump made outside Vigil by plain {@code pg_dump -Fc}, uploaded to the bucket and registered, is
 * fetched, stored, kept and restored (verdict RESTORED), while an unreadable URL and a file that is no
 * dump are refused with what is wrong and change nothing.
 */
class OutsideDumpsAndDryRunEndToEndTest {

    private static final String BUCKET = "outside-backups";
    private static JobsApi api;
    private static EmbeddedStack stack;
    private static LocalPostgres postgres;
    private static Path staging;

    @BeforeAll
    static void start() throws Exception {
        postgres = LocalPostgres.shared();
        ServiceTestSettings.s3Credentials();
        postgres.createDatabase("vigil_outside");
        DemoDatabase.load(postgres, "shop_outside");
        DemoDatabase.load(postgres, "shop_dryrun");
        // A role that may read every table of the demo but one.
        postgres.execute("shop_dryrun", """
                do $$ begin
                  if not exists (select from pg_roles where rolname = 'dry_runner') then create role dry_runner login; end if;
                end $$;
                grant usage on schema shop, "Sales Ops" to dry_runner;
                grant select on all tables in schema shop, "Sales Ops" to dry_runner;
                grant select on all sequences in schema shop, "Sales Ops" to dry_runner;
                revoke select on shop.customers from dry_runner;""");
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        Path targets = Files.writeString(tmp.resolve("outside-targets.yml"), """
                targets:
                  - id: shop
                    host: 127.0.0.1
                    port: %d
                    database: shop_outside
                    username: postgres
                  - id: limited
                    host: 127.0.0.1
                    port: %d
                    database: shop_dryrun
                    username: dry_runner
                """.formatted(postgres.port(), postgres.port()));
        staging = tmp.resolve("outside-staging");
        stack = EmbeddedStack.start(new EmbeddedStack.Settings(LocalKafka.shared().bootstrapServers(), LocalKafka.shared()::password,
                postgres.jdbcUrl("vigil_outside"), LocalPostgres.SUPERUSER, LocalS3.shared().endpoint(), BUCKET,
                staging, tmp.resolve("outside-verify"), postgres.host(), postgres.port(), postgres.verifierRole().role(),
                targets, FreePorts.next(), Map.of("vigil.storage.object-lock-mode", "OFF")));
        api = new JobsApi(stack);
    }

    @AfterAll
    static void stop() {
        if (stack != null) {
            stack.close();
        }
        if (api != null) {
            api.close();
        }
    }

    @Test
    void aDryRunOfATargetWhoseRoleCannotReadOneTableNamesItAndLeavesNoArtifactAndNoRetentionChange() throws Exception {
        String retentionBefore = retention("limited");
        HttpResponse<String> accepted = api.send("POST", "/api/v1/targets/limited/backups?dryRun=true", "{\"note\": \"new backup role\"}");
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        String jobId = json(accepted).get("jobId").asString();

        JsonNode job = await("the dry run's checks").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250))
                .until(() -> api.job(jobId), j -> j.get("status").asString().startsWith("DRY_RUN_"));

        assertThat(job.get("status").asString()).as(job.toString()).isEqualTo("DRY_RUN_FAILED");
        JsonNode dump = job.get("dryRunChecks").get("DUMP");
        assertThat(check(dump, "connect").get("passed").asBoolean()).as(dump.toString()).isTrue();
        JsonNode privileges = check(dump, "privileges");
        assertThat(privileges.get("passed").asBoolean()).isFalse();
        assertThat(privileges.get("detail").asString()).contains("shop.customers").contains("GRANT SELECT");
        assertThat(privileges.get("detail").asString()).as("only the unreadable table is named").doesNotContain("shop.products");
        assertThat(job.get("dryRunChecks").get("STORE").get("passed").asBoolean()).as(job.get("dryRunChecks").get("STORE").toString()).isTrue();
        assertThat(job.get("dryRunChecks").get("VERIFY").get("passed").asBoolean()).as(job.get("dryRunChecks").get("VERIFY").toString()).isTrue();
        assertThat(job.has("artifact")).isFalse();
        assertThat(job.get("stages").has("DUMPING")).as("no pg_dump ran").isFalse();

        assertThat(objectKeys()).as("nothing in the bucket for the dry run, its probes removed").noneMatch(key -> key.contains(jobId))
                .noneMatch(key -> key.contains("dry-run"));
        try (Stream<Path> staged = Files.exists(staging) ? Files.walk(staging) : Stream.empty()) {
            assertThat(staged.map(Path::toString)).as("nothing left in staging").noneMatch(name -> name.contains(jobId));
        }
        assertThat(retention("limited")).as("retention unchanged").isEqualTo(retentionBefore);
    }

    @Test
    void aPlainPgDumpUploadedAndRegisteredIsFetchedStoredKeptAndRestoredWithNothingToCompare() throws Exception {
        String jobId = register("nightly export from CI");
        Path dump = Files.createTempFile("outside", ".dump");
        run(postgres.binDir().resolve("pg_dump").toString(), "-Fc", "-h", postgres.host(), "-p", String.valueOf(postgres.port()), "-U",
                LocalPostgres.SUPERUSER, "-f", dump.toString(), "shop_outside");
        String key = "incoming/shop-" + jobId + ".dump";
        put(key, Files.readAllBytes(dump));
        String sha256 = Sha256.of(dump);

        HttpResponse<String> reported = api.send("PATCH", "/api/v1/jobs/" + jobId,
                "{\"status\": \"success\", \"artifactUrl\": \"s3://" + BUCKET + "/" + key + "\", \"sha256\": \"" + sha256 + "\"}");
        assertThat(reported.statusCode()).as(reported.body()).isEqualTo(202);
        JsonNode job = api.awaitFinal(jobId, Duration.ofSeconds(120));

        assertThat(job.get("status").asString()).as(job.toString()).isEqualTo("VERIFIED");
        assertThat(job.get("trigger").asString()).isEqualTo("REGISTERED");
        assertThat(job.get("artifactUrl").asString()).isEqualTo("s3://" + BUCKET + "/" + key);
        assertThat(job.get("artifact").get("sha256").asString()).isEqualTo(sha256);
        JsonNode verification = job.get("verification");
        assertThat(verification.get("verdict").asString()).isEqualTo("RESTORED");
        Map<String, Long> found = new HashMap<>();
        verification.get("tables").forEach(t -> {
            assertThat(t.has("expectedRows")).as("nothing was expected").isFalse();
            found.put(t.get("schema").asString() + "." + t.get("table").asString(), t.get("foundRows").asLong());
        });
        assertThat(found).containsEntry("shop.customers", count("shop.customers")).containsEntry("shop.Order Lines", count("shop.\"Order Lines\""));
        assertThat(retention("shop")).as("kept by retention").contains(jobId);
        assertThat(api.send("PATCH", "/api/v1/jobs/" + jobId, "{\"status\": \"failed\", \"reason\": \"late\"}").statusCode())
                .as("reported twice").isEqualTo(409);
    }

    @Test
    void anUnreadableUrlAndAFileThatIsNoDumpAreRefusedSayingWhatIsWrongAndChangeNothing() throws Exception {
        String jobId = register(null);
        HttpResponse<String> missing = api.send("PATCH", "/api/v1/jobs/" + jobId,
                "{\"status\": \"success\", \"artifactUrl\": \"s3://" + BUCKET + "/incoming/never-uploaded.dump\"}");
        put("incoming/notes.txt", "these are not the backups you are looking for\n".getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> notADump = api.send("PATCH", "/api/v1/jobs/" + jobId,
                "{\"status\": \"success\", \"artifactUrl\": \"s3://" + BUCKET + "/incoming/notes.txt\"}");

        assertThat(missing.statusCode()).as(missing.body()).isBetween(400, 499);
        assertThat(json(missing).get("detail").asString()).contains("incoming/never-uploaded.dump");
        assertThat(notADump.statusCode()).as(notADump.body()).isBetween(400, 499);
        assertThat(json(notADump).get("detail").asString()).contains("pg_dump -Fc");
        JsonNode job = api.job(jobId);
        assertThat(job.get("status").asString()).isEqualTo("REQUESTED");
        assertThat(job.has("artifactUrl")).isFalse();
        assertThat(retention("shop")).doesNotContain(jobId);
    }

    private static String register(String note) throws Exception {
        HttpResponse<String> registered = api.send("POST", "/api/v1/jobs", note == null ? "{\"targetId\": \"shop\"}"
                : "{\"targetId\": \"shop\", \"note\": \"" + note + "\"}");
        assertThat(registered.statusCode()).as(registered.body()).isEqualTo(201);
        return json(registered).get("jobId").asString();
    }

    private static JsonNode check(JsonNode part, String name) {
        for (JsonNode check : part.get("checks")) {
            if (check.get("name").asString().equals(name)) {
                return check;
            }
        }
        throw new AssertionError("no check " + name + " in " + part);
    }

    /** The backups retention keeps and would delete for the target, as the storage service plans them now (without the plan's time). */
    private static String retention(String target) throws Exception {
        HttpResponse<String> plan = api.send("GET", "/api/v1/targets/" + target + "/retention", null);
        assertThat(plan.statusCode()).as(plan.body()).isEqualTo(200);
        JsonNode json = json(plan);
        return "kept " + json.get("kept") + ", would delete " + json.get("wouldDelete");
    }

    private static List<String> objectKeys() {
        return LocalS3.shared().client().listObjectsV2Paginator(ListObjectsV2Request.builder().bucket(BUCKET).build()).contents().stream()
                .map(o -> o.key()).toList();
    }

    private static void put(String key, byte[] bytes) {
        LocalS3.shared().client().putObject(PutObjectRequest.builder().bucket(BUCKET).key(key).build(), RequestBody.fromBytes(bytes));
    }

    private static long count(String table) throws Exception {
        try (Connection connection = postgres.connect("shop_outside"); Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("select count(*) from " + table)) {
            rows.next();
            return rows.getLong(1);
        }
    }

    private static void run(String... command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor()).as(String.join(" ", command) + ": " + output).isZero();
    }

    private static JsonNode json(HttpResponse<String> response) {
        return EventJson.mapper().readTree(response.body());
    }
}
