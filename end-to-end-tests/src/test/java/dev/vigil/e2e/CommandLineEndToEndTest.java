package dev.vigil.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.contracts.json.EventJson;
import dev.vigil.dev.EmbeddedStack;
import dev.vigil.local.DemoDatabase;
import dev.vigil.local.FreePorts;
import dev.vigil.local.LocalKafka;
import dev.vigil.local.LocalPostgres;
import dev.vigil.local.LocalS3;
import dev.vigil.local.ServiceTestSettings;
import dev.vigil.pgclients.PostgresClients;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3Client;
import tools.jackson.databind.JsonNode;

/**
 * The {@code vigil} command line as a user runs it: its executable jar as a process of its own,
 * signed in by {@code VIGIL_TOKEN} in its environment, against the five services. A backup it
 * waits for ends VERIFIED with exit status 0 and is listed; the artifact it stored decodes with
 * {@code vigil decode} into a dump pg_restore reads; a missing, unknown or too weak token exits 2
 * with the server's reason.
 */
class CommandLineEndToEndTest {

    private static final String KEY = Base64.getEncoder().encodeToString("cli-e2e-key-material-32-bytes!!!".getBytes(StandardCharsets.US_ASCII));

    private static EmbeddedStack stack;
    private static Path tmp;
    private static Path home;

    @BeforeAll
    static void start() throws Exception {
        LocalPostgres postgres = LocalPostgres.shared();
        ServiceTestSettings.s3Credentials();
        postgres.createDatabase("vigil_cli");
        DemoDatabase.load(postgres, "shop_cli");
        tmp = Path.of(System.getProperty("java.io.tmpdir"));
        home = Files.createDirectories(tmp.resolve("cli-home"));
        Path targets = Files.writeString(tmp.resolve("cli-targets.yml"), """
                targets:
                  - id: demo
                    host: 127.0.0.1
                    port: %d
                    database: shop_cli
                    username: postgres
                """.formatted(postgres.port()));
        String keys = "dev:" + KEY;
        stack = EmbeddedStack.start(new EmbeddedStack.Settings(LocalKafka.shared().bootstrapServers(), LocalKafka.shared()::password,
                postgres.jdbcUrl("vigil_cli"), LocalPostgres.SUPERUSER, LocalS3.shared().endpoint(), "vigil-backups", tmp.resolve("cli-staging"),
                tmp.resolve("cli-verify"), postgres.host(), postgres.port(), postgres.verifierRole().role(), targets, FreePorts.next(),
                Map.of("vigil.worker.encryption-key-id", "dev", "vigil.worker.encryption-keys", keys, "vigil.verifier.encryption-keys", keys)),
                true, true, false);
    }

    @AfterAll
    static void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    record Run(int exit, String out, String err) {

        @Override
        public String toString() {
            return "exit " + exit + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    @Test
    void aBackupWaitedForEndsVerifiedIsListedAndItsArtifactDecodesIntoADumpPgRestoreReads() throws Exception {
        Run backup = vigil(stack.adminToken(), "backup", "demo", "--note", "before the billing migration", "--wait");

        assertThat(backup.exit()).as(backup.toString()).isZero();
        assertThat(backup.out()).contains("status     VERIFIED", "note       before the billing migration", "requested  ", "by admin (API)",
                "  VERIFIED ", "PASSED, restored in ", "all counts match the source", "shop.customers");
        assertThat(backup.err()).as("progress lines, standard error not being a terminal").contains(": VERIFIED (");
        Matcher started = Pattern.compile("Backup of demo: job ([0-9a-f-]{36})").matcher(backup.out());
        assertThat(started.find()).as(backup.out()).isTrue();
        String jobId = started.group(1);

        Run jobs = vigil(stack.adminToken(), "jobs", "demo");
        assertThat(jobs.exit()).as(jobs.toString()).isZero();
        assertThat(jobs.out()).containsPattern(Pattern.quote(jobId) + "  demo\\s+VERIFIED .* admin\\s+before the billing migration");

        Run json = vigil(stack.adminToken(), "job", jobId, "--json");
        JsonNode job = EventJson.mapper().readTree(json.out());
        assertThat(job.get("status").asString()).isEqualTo("VERIFIED");

        Path artifact = tmp.resolve("cli-download").resolve(Path.of(job.get("location").get("key").asString()).getFileName());
        Files.createDirectories(artifact.getParent());
        Files.deleteIfExists(artifact);
        try (S3Client s3 = LocalS3.shared().client()) {
            s3.getObject(b -> b.bucket(job.get("location").get("bucket").asString()).key(job.get("location").get("key").asString()), artifact);
        }
        assertThat(artifact.getFileName().toString()).endsWith(".dump.zst.enc");
        Path keyFile = Files.writeString(tmp.resolve("cli-download").resolve("dev.key"), KEY);
        Path dump = artifact.resolveSibling(artifact.getFileName().toString().replace(".dump.zst.enc", ".dump"));
        Files.deleteIfExists(dump);

        Run decode = vigil(null, "decode", artifact.toString(), "--key-file", keyFile.toString());

        assertThat(decode.exit()).as(decode.toString()).isZero();
        assertThat(decode.out()).contains("(encrypted with key dev, zstd) into " + dump, "pg_dump custom format");
        Path pgRestore = PostgresClients.find("pg_restore", Path.of("/usr/lib/postgresql"), null).newest().orElseThrow().executable();
        Run list = run(List.of(pgRestore.toString(), "--list", dump.toString()), Map.of());
        assertThat(list.exit()).as(list.toString()).isZero();
        assertThat(list.out()).contains("TABLE DATA shop customers");
    }

    @Test
    void withoutATokenTheCommandLineExitsTwoWithThe401sDetail() throws Exception {
        Run run = vigil(null, "jobs");

        assertThat(run.exit()).as(run.toString()).isEqualTo(2);
        assertThat(run.err()).contains("refused: Sign-in required (HTTP 401): send an access token", "No access token was sent");
    }

    @Test
    void anUnknownTokenExitsTwoAndIsNeverPrinted() throws Exception {
        Run run = vigil("vigil_00000000.not-a-real-secret", "targets");

        assertThat(run.exit()).as(run.toString()).isEqualTo(2);
        assertThat(run.err()).contains("refused: Sign-in required (HTTP 401): the access token was refused", "The token came from VIGIL_TOKEN.");
        assertThat(run.out() + run.err()).doesNotContain("not-a-real-secret");
    }

    @Test
    void aDryRunWaitedForPrintsEveryServicesChecksAndExitsZeroWhenAllPassed() throws Exception {
        Run dryRun = vigil(stack.adminToken(), "backup", "demo", "--dry-run", "--wait");

        assertThat(dryRun.exit()).as(dryRun.toString()).isZero();
        assertThat(dryRun.out()).contains("Dry run of demo: job ", "status     DRY_RUN_PASSED", "dump worker: every check passed",
                "storage service: every check passed", "verifier: every check passed", "privileges", "extensions");
        assertThat(dryRun.out()).doesNotContain("artifact   ");
    }

    @Test
    void aViewersTokenMayListButNotStartABackup() throws Exception {
        String viewer = newToken("cli-e2e-viewer", "VIEWER");

        Run whoami = vigil(viewer, "whoami");
        Run backup = vigil(viewer, "backup", "demo");

        assertThat(whoami.out()).startsWith("cli-e2e-viewer (role VIEWER) at http://localhost:" + stack.schedulerPort());
        assertThat(backup.exit()).as(backup.toString()).isEqualTo(2);
        assertThat(backup.err()).contains("refused: Not allowed (HTTP 403): your role may not POST /api/v1/targets/demo/backups");
    }

    /** An access token an admin makes, with {@code role}. */
    private static String newToken(String name, String role) throws Exception {
        try (HttpClient http = HttpClient.newHttpClient()) {
            HttpResponse<String> created = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + stack.schedulerPort() + "/api/v1/tokens"))
                    .header("Authorization", "Bearer " + stack.adminToken()).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"" + name + "\",\"role\":\"" + role + "\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
            return EventJson.mapper().readTree(created.body()).get("secretToken").asString();
        }
    }

    /** {@code java -jar cli-*-exec.jar ARGS} with VIGIL_URL and, when given, VIGIL_TOKEN in its environment, nothing else of Vigil's. */
    private static Run vigil(String token, String... args) throws Exception {
        Path jar = Path.of(System.getProperty("vigil.cli.jar", "../cli/target/cli-exec.jar"));
        assertThat(jar).as("the command line's jar; build it with -pl end-to-end-tests -am").exists();
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir"), "-jar", jar.toString()));
        command.addAll(List.of(args));
        Map<String, String> env = new java.util.HashMap<>(Map.of("VIGIL_URL", "http://localhost:" + stack.schedulerPort(), "HOME", home.toString(),
                "XDG_CONFIG_HOME", home.resolve(".config").toString()));
        if (token != null) {
            env.put("VIGIL_TOKEN", token);
        }
        Run run = run(command, env);
        if (token != null) {
            assertThat(run.out() + run.err()).as("what the command line printed").doesNotContain(token);
        }
        return run;
    }

    private static Run run(List<String> command, Map<String, String> env) throws IOException, InterruptedException {
        Path out = Files.createTempFile(tmp, "cli-out", ".txt");
        Path err = Files.createTempFile(tmp, "cli-err", ".txt");
        ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
        builder.environment().keySet().removeIf(name -> name.startsWith("VIGIL_"));
        builder.environment().putAll(env);
        Process process = builder.start();
        if (!process.waitFor(180, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
            throw new AssertionError(String.join(" ", command) + " did not end within 180 s:\n" + Files.readString(out) + Files.readString(err));
        }
        return new Run(process.exitValue(), Files.readString(out), Files.readString(err));
    }
}
