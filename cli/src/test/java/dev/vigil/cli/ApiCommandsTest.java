package dev.vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The command line against a real HTTP server on loopback that answers as the scheduler does. */
class ApiCommandsTest {

    private static final String JOB_ID = "5d7ee5f0-6e0e-4351-9796-40e7d0888d5f";
    private static final String JOB_PATH = "GET /api/v1/jobs/" + JOB_ID;

    @TempDir
    Path home;

    private FakeScheduler scheduler;
    private Cli cli;

    @BeforeEach
    void start() throws IOException {
        scheduler = new FakeScheduler();
        cli = new Cli(home).signedIn(scheduler);
    }

    @AfterEach
    void stop() {
        scheduler.close();
    }

    static String job(String status, String stages, String more) {
        return """
                {"jobId":"%s","targetId":"demo","status":"%s","trigger":"API","requestedBy":"admin","note":"before the billing migration",
                 "stages":{%s}%s,"traceId":"4bf92f3577b34da6a3ce929d0e0e4736"}""".formatted(JOB_ID, status, stages, more);
    }

    private static final String REQUESTED = "\"REQUESTED\":\"2026-11-21T05:46:37.900Z\"";
    private static final String DUMPING = REQUESTED + ",\"DUMPING\":\"2026-11-21T05:46:38.100Z\"";
    private static final String STORED = DUMPING + ",\"DUMPED\":\"2026-11-21T05:46:38.500Z\",\"STORED\":\"2026-11-21T05:46:38.700Z\"";
    private static final String ARTIFACT = """
            ,"artifact":{"format":"custom","sizeBytes":123456,"sha256":"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
             "serverVersion":"15.18","pgDumpVersion":"15.18","compression":"zstd","encryptionKeyId":"dev",
             "tables":[{"schema":"shop","table":"customers","rows":2000},{"schema":"shop","table":"orders","rows":5000}]},
             "location":{"destination":"primary","bucket":"vigil-backups","key":"demo/2026/11/21/20261121T054638Z-x.dump.zst.enc"}""";

    static String verified(String verdict, String stage, String differences, String problems, Long ordersFound) {
        return job(stage, STORED + ",\"" + stage + "\":\"2026-11-21T05:46:39.000Z\"", ARTIFACT + """
                ,"verification":{"verdict":"%s","differences":[%s],"tables":[{"schema":"shop","table":"customers","expectedRows":2000,"foundRows":2000},
                 {"schema":"shop","table":"orders","expectedRows":5000,"foundRows":%s}],"restoreMillis":120,"environmentProblems":[%s],"checks":[]}"""
                .formatted(verdict, differences, ordersFound, problems));
    }

    @Test
    void targetsArePrintedAsATableSignedInWithTheTokenAsBearer() {
        scheduler.on("GET /api/v1/targets", 200, """
                [{"targetId":"demo","connection":"postgres@127.0.0.1:43849/demo","schedule":"0 0 3 * * *","timeZone":"UTC"},
                 {"targetId":"billing-db","connection":"backup@db1:5432/billing","schedule":"0 30 2 * * *","timeZone":"Europe/Berlin"}]""");

        Cli.Result result = cli.run("targets");

        assertThat(result.exit()).as(result.toString()).isZero();
        assertThat(result.out()).isEqualTo("""
                TARGET      CONNECTION                     SCHEDULE      TIME ZONE
                demo        postgres@127.0.0.1:43849/demo  0 0 3 * * *   UTC
                billing-db  backup@db1:5432/billing        0 30 2 * * *  Europe/Berlin
                """);
        assertThat(scheduler.last().authorization()).isEqualTo("Bearer " + FakeScheduler.TOKEN);
    }

    @Test
    void backupWaitFollowsTheJobToVerifiedAndExitsZero() {
        scheduler.on("POST /api/v1/targets/demo/backups", new FakeScheduler.Answer(202, """
                {"jobId":"%s","targetId":"demo","status":"REQUESTED"}""".formatted(JOB_ID),
                java.util.Map.of("Location", "/api/v1/jobs/" + JOB_ID, "Content-Type", "application/json")));
        scheduler.on(JOB_PATH,
                FakeScheduler.Answer.json(200, job("REQUESTED", REQUESTED, "")),
                FakeScheduler.Answer.json(200, job("DUMPING", DUMPING, """
                        ,"progress":{"bytesWritten":1234567,"currentTable":"shop.orders","at":"2026-11-21T05:46:38.300Z"}""")),
                FakeScheduler.Answer.json(200, job("STORED", STORED, ARTIFACT)),
                FakeScheduler.Answer.json(200, verified("PASSED", "VERIFIED", "", "", 5000L)));

        Cli.Result result = cli.run("backup", "demo", "--note", "before the billing migration", "--wait");

        assertThat(result.exit()).as(result.toString()).isZero();
        assertThat(scheduler.requests.getFirst().body()).isEqualTo("{\"note\":\"before the billing migration\"}");
        assertThat(scheduler.requests.getFirst().contentType()).isEqualTo("application/json");
        assertThat(result.out()).startsWith("Backup of demo: job " + JOB_ID + "\n").contains(
                "status     VERIFIED",
                "requested  2026-11-21 05:46:37 by admin (API)",
                "note       before the billing migration",
                "trace id   4bf92f3577b34da6a3ce929d0e0e4736",
                "  DUMPED       05:46:38  123.5 kB custom format, zstd, encrypted (key dev), 2 tables, pg_dump 15.18, server 15.18",
                "  STORED       05:46:38  s3://vigil-backups/demo/2026/11/21/20261121T054638Z-x.dump.zst.enc (primary)",
                "  VERIFIED     05:46:39  PASSED, restored in 120 ms; 2 tables, 7000 rows, all counts match the source",
                """
                          TABLE           EXPECTED  FOUND
                          shop.customers      2000   2000
                          shop.orders         5000   5000
                        """);
        assertThat(result.err()).as("plain progress lines, stderr not being a terminal").contains(
                "job " + JOB_ID + ": REQUESTED (0:00)",
                "job " + JOB_ID + ": DUMPING, 1.2 MB written, at shop.orders (0:00)",
                "job " + JOB_ID + ": VERIFIED (0:00)").doesNotContain("\r");
    }

    @ParameterizedTest
    @CsvSource({"FAILED, FAILED, 1", "INCONCLUSIVE, INCONCLUSIVE, 3"})
    void backupWaitExitsWithTheStatusOfTheVerdict(String verdict, String status, int exit) {
        scheduler.on("POST /api/v1/targets/demo/backups", 202, "{\"jobId\":\"" + JOB_ID + "\",\"targetId\":\"demo\",\"status\":\"REQUESTED\"}");
        scheduler.on(JOB_PATH, 200, verified(verdict, status, verdict.equals("FAILED")
                ? "\"shop.orders: 5000 rows dumped, 4999 restored\", \"pg_restore reported errors: pg_restore: error: one\\nCommand was: COPY x\\n\"" : "",
                verdict.equals("INCONCLUSIVE") ? "\"the verification server lacks the extension postgis; install it there\"" : "", 4999L));

        Cli.Result result = cli.run("backup", "demo", "--wait");

        assertThat(result.exit()).as(result.toString()).isEqualTo(exit);
        assertThat(result.out()).contains("status     " + status);
        if (verdict.equals("FAILED")) {
            assertThat(result.out()).contains("  shop.orders         5000   4999  differs", "differences\n  - shop.orders: 5000 rows dumped, 4999 restored\n"
                    + "  - pg_restore reported errors: pg_restore: error: one\n    Command was: COPY x\n");
        } else {
            assertThat(result.out()).contains("environment problems\n  - the verification server lacks the extension postgis; install it there");
        }
    }

    @Test
    void aFailedJobNamesTheStageClassAndReason() {
        scheduler.on(JOB_PATH, 200, job("FAILED", DUMPING + ",\"FAILED\":\"2026-11-21T05:46:40Z\"",
                ",\"failure\":{\"stage\":\"DUMP\",\"failureClass\":\"CONNECTION_REFUSED\",\"reason\":\"could not connect to db1:5432\"}"));

        Cli.Result result = cli.run("job", JOB_ID);

        assertThat(result.exit()).as(result.toString()).isZero();
        assertThat(result.out()).contains("  FAILED       05:46:40  CONNECTION_REFUSED: could not connect to db1:5432",
                "failure    DUMP CONNECTION_REFUSED: could not connect to db1:5432");
    }

    @Test
    void onATerminalTheProgressIsOneLineRedrawnAndClearedAtTheEnd() {
        scheduler.on("POST /api/v1/targets/demo/backups", 202, "{\"jobId\":\"" + JOB_ID + "\",\"status\":\"REQUESTED\"}");
        scheduler.on(JOB_PATH,
                FakeScheduler.Answer.json(200, job("DUMPING", DUMPING, ",\"progress\":{\"bytesWritten\":5000000,\"currentTable\":\"shop.orders\"}")),
                FakeScheduler.Answer.json(200, verified("PASSED", "VERIFIED", "", "", 5000L)));

        Cli.Result result = cli.terminal(true).run("backup", "demo", "--wait");

        assertThat(result.exit()).isZero();
        assertThat(result.err()).contains("\r\033[K[#####---------------] job " + JOB_ID + " DUMPING  5.0 MB written, at shop.orders  0:00",
                "\r\033[K[####################] job " + JOB_ID + " VERIFIED").endsWith("\r\033[K");
    }

    @Test
    void aRefusedRequestExitsTwoWithTheProblemsTitleAndDetail() {
        scheduler.on("POST /api/v1/targets/nope/backups", 404, """
                {"type":"about:blank","title":"Unknown target","status":404,"detail":"no target named 'nope'; known targets: demo.","instance":"/api/v1/targets/nope/backups"}""");

        Cli.Result result = cli.run("backup", "nope");

        assertThat(result.exit()).as(result.toString()).isEqualTo(2);
        assertThat(result.err()).isEqualTo("vigil: refused: Unknown target (HTTP 404): no target named 'nope'; known targets: demo.\n");
        assertThat(result.out()).isEmpty();
    }

    @Test
    void withJsonARefusalAlsoPrintsTheProblemJsonOnStandardOutput() {
        Cli.Result result = cli.run("job", JOB_ID, "--json");

        assertThat(result.exit()).isEqualTo(2);
        assertThat(result.out()).startsWith("{\"type\":\"about:blank\",\"title\":\"Not Found\",\"status\":404");
    }

    @Test
    void withoutATokenThe401sDetailIsPrintedWithWhereToSetOne() {
        Cli.Result result = cli.env("VIGIL_TOKEN", null).run("jobs");

        assertThat(result.exit()).as(result.toString()).isEqualTo(2);
        assertThat(scheduler.last().authorization()).isNull();
        assertThat(result.err()).contains("refused: Sign-in required (HTTP 401): send an access token: Authorization: Bearer vigil_<id>.<secret>",
                "No access token was sent: set VIGIL_TOKEN, or VIGIL_TOKEN_FILE");
    }

    @Test
    void aTokenTheServerRefusesIsNamedByWhereItCameFromNotByItsValue() {
        Cli.Result result = cli.env("VIGIL_TOKEN", "vigil_0000.s3cr3t-wrong").run("whoami");

        assertThat(result.exit()).isEqualTo(2);
        assertThat(result.err()).contains("the access token was refused", "The token came from VIGIL_TOKEN.");
    }

    @Test
    void aServerThatCannotBeReachedExitsFourSayingWhichUrlAndWhatToDo() throws IOException {
        int closed;
        try (ServerSocket socket = new ServerSocket(0)) {
            closed = socket.getLocalPort();
        }

        Cli.Result result = cli.env("VIGIL_URL", "http://127.0.0.1:" + closed).run("targets");

        assertThat(result.exit()).as(result.toString()).isEqualTo(4);
        assertThat(result.err()).startsWith("vigil: cannot reach Vigil at http://127.0.0.1:" + closed + " (connection refused")
                .contains("URL from VIGIL_URL", "Start one with ./vigil dev", "--url");
    }

    @Test
    void aServerErrorExitsOne() {
        scheduler.on("GET /api/v1/targets", 500, "{\"title\":\"Internal Server Error\",\"status\":500,\"detail\":\"boom\"}");

        Cli.Result result = cli.run("targets");

        assertThat(result.exit()).isEqualTo(1);
        assertThat(result.err()).contains("the server failed: Internal Server Error (HTTP 500): boom");
    }

    @Test
    void usageErrorsExitTwo() {
        assertThat(cli.run().exit()).as("no command").isEqualTo(2);
        Cli.Result noTarget = cli.run("backup");
        assertThat(noTarget.exit()).isEqualTo(2);
        assertThat(noTarget.err()).contains("Missing required parameter: 'TARGET'");
        assertThat(cli.run("nope").exit()).isEqualTo(2);
        assertThat(cli.run("jobs", "--limit", "many").exit()).isEqualTo(2);
        assertThat(cli.run("complete", JOB_ID).exit()).as("neither --artifact-url nor --failed").isEqualTo(2);
        assertThat(cli.run("complete", JOB_ID, "--failed", "x", "--sha256", "ab").exit()).as("--sha256 with --failed").isEqualTo(2);
        assertThat(cli.env("VIGIL_URL", "ftp://example.com").run("targets").err()).contains("not an http:// or https:// URL");
        assertThat(scheduler.requests).isEmpty();
        Cli.Result help = cli.run("--help");
        assertThat(help.exit()).isZero();
        assertThat(help.out()).contains("targets", "backup", "jobs", "job", "restore", "restore-status", "retention", "register", "complete",
                "whoami", "decode", "Exit status:", "${XDG_CONFIG_HOME:-~/.config}/vigil/config");
    }

    @Test
    void jsonPrintsTheServersAnswerAsItIs() {
        String page = "{\"jobs\":[],\"next\":null}";
        scheduler.on("GET /api/v1/jobs", 200, page);

        Cli.Result result = cli.run("jobs", "--json");

        assertThat(result.out()).isEqualTo(page + "\n");
    }

    @Test
    void jobsAreFilteredByTargetStatusAndLimitAndSayHowToGetTheNextPage() {
        scheduler.on("GET /api/v1/jobs?targetId=demo&status=FAILED%2CVERIFIED&limit=2", 200, """
                {"targetId":"demo","jobs":[%s,%s],"next":"MjAyNi0xMS0yMQ"}""".formatted(job("VERIFIED", REQUESTED, ""),
                job("FAILED", "\"REQUESTED\":\"2026-11-20T03:00:00Z\"", "").replace("API", "SCHEDULE").replace("\"note\":\"before the billing migration\",", "")));

        Cli.Result result = cli.run("jobs", "demo", "--status", "FAILED,VERIFIED", "--limit", "2");

        assertThat(result.exit()).as(result.toString()).isZero();
        assertThat(result.out()).isEqualTo("""
                JOB                                   TARGET  STATUS    REQUESTED         BY     NOTE
                %1$s  demo    VERIFIED  2026-11-21 05:46  admin  before the billing migration
                %1$s  demo    FAILED    2026-11-20 03:00  admin
                More: vigil jobs demo --status FAILED,VERIFIED --limit 2 --before MjAyNi0xMS0yMQ
                """.formatted(JOB_ID));
    }

    @Test
    void theTokenComesFromTheFileVigilTokenFileNames() throws IOException {
        scheduler.on("GET /api/v1/me", 200, "{\"name\":\"admin\",\"role\":\"ADMIN\"}");
        Path tokenFile = Files.writeString(home.resolve("admin-token"), FakeScheduler.TOKEN + "\n");

        Cli.Result result = cli.env("VIGIL_TOKEN", null).env("VIGIL_TOKEN_FILE", tokenFile.toString()).run("whoami");

        assertThat(result.exit()).as(result.toString()).isZero();
        assertThat(result.out()).isEqualTo("admin (role ADMIN) at " + scheduler.url() + "\n");
    }

    @Test
    void theConfigFileGivesTheUrlAndTheTokenFile() throws IOException {
        scheduler.on("GET /api/v1/me", 200, "{\"name\":\"ci-pipeline\",\"role\":\"OPERATOR\"}");
        Path config = Files.createDirectories(home.resolve(".config/vigil")).resolve("config");
        Files.writeString(home.resolve(".config/vigil/token"), FakeScheduler.TOKEN);
        Files.writeString(config, "# vigil's settings\nurl=" + scheduler.url() + "\ntoken-file=token\n");

        Cli.Result result = cli.env("VIGIL_TOKEN", null).env("VIGIL_URL", null).run("whoami");

        assertThat(result.exit()).as(result.toString()).isZero();
        assertThat(result.out()).startsWith("ci-pipeline (role OPERATOR)");
    }

    @Test
    void aConfigFileHoldingATokenThatOthersMayReadIsRefused() throws IOException {
        Path config = Files.createDirectories(home.resolve(".config/vigil")).resolve("config");
        Files.writeString(config, "url=" + scheduler.url() + "\ntoken=" + FakeScheduler.TOKEN + "\n");
        Files.setPosixFilePermissions(config, PosixFilePermissions.fromString("rw-r--r--"));
        Cli cli = this.cli.env("VIGIL_TOKEN", null).env("VIGIL_URL", null);

        Cli.Result refused = cli.run("whoami");

        assertThat(refused.exit()).isEqualTo(2);
        assertThat(refused.err()).contains("holds token= and others may read it (rw-r--r--)", "chmod 600 " + config);
        assertThat(scheduler.requests).isEmpty();

        scheduler.on("GET /api/v1/me", 200, "{\"name\":\"admin\",\"role\":\"ADMIN\"}");
        Files.setPosixFilePermissions(config, PosixFilePermissions.fromString("rw-------"));
        assertThat(cli.run("whoami").exit()).isZero();
        assertThat(scheduler.last().authorization()).isEqualTo("Bearer " + FakeScheduler.TOKEN);
    }

    @Test
    void aTokenWithALineBreakInsideIsRefusedWithoutRepeatingIt() {
        Cli.Result result = cli.env("VIGIL_TOKEN", "vigil_1.s3cr3t\nX-Injected: yes").run("targets");

        assertThat(result.exit()).isEqualTo(2);
        assertThat(result.err()).contains("the access token from VIGIL_TOKEN holds characters no token has");
        assertThat(scheduler.requests).isEmpty();
    }

    @Test
    void restoreSendsWhatToRestoreWhereAndWaitsForTheVerdict() {
        scheduler.on("POST /api/v1/targets/demo/restores", new FakeScheduler.Answer(202, """
                {"restoreId":"a1d4e7f0-2b3c-4d5e-8f60-718293a4b5c6","targetId":"demo","status":"REQUESTED"}""",
                java.util.Map.of("Location", "/api/v1/restores/a1d4e7f0-2b3c-4d5e-8f60-718293a4b5c6", "Content-Type", "application/json")));
        // As the scheduler answers: tables and schemas as asked, tableChecks the counts.
        String restore = """
                {"restoreId":"a1d4e7f0-2b3c-4d5e-8f60-718293a4b5c6","targetId":"demo","jobId":"%s","server":"staging","database":"demo_copy",
                 "clean":true,"schemas":["audit"],"tables":["shop.orders","shop.customers"],"requestedBy":"admin","requestedAt":"2026-11-21T06:00:00Z",
                 "status":"%s","completedAt":%s,"refused":null,"differences":[],"tableChecks":%s,"restoreMillis":%s,"environmentProblems":[],
                 "traceId":"0af7651916cd43dd8448eb211c80319c"}""";
        scheduler.on("GET /api/v1/restores/a1d4e7f0-2b3c-4d5e-8f60-718293a4b5c6",
                FakeScheduler.Answer.json(200, restore.formatted(JOB_ID, "REQUESTED", "null", "null", "null")),
                FakeScheduler.Answer.json(200, restore.formatted(JOB_ID, "PASSED", "\"2026-11-21T06:00:02Z\"",
                        "[{\"schema\":\"shop\",\"table\":\"orders\",\"expectedRows\":5000,\"foundRows\":5000}]", "850")));

        Cli.Result result = cli.run("restore", "demo", "--into", "demo_copy", "--backup", JOB_ID, "--server", "staging",
                "--tables", "shop.orders,shop.customers", "--schemas", "audit", "--clean", "--wait");

        assertThat(result.exit()).as(result.toString()).isZero();
        assertThat(scheduler.requests.getFirst().body()).isEqualTo("""
                {"jobId":"%s","server":"staging","database":"demo_copy","tables":["shop.orders","shop.customers"],"schemas":["audit"],"clean":true}"""
                .formatted(JOB_ID));
        assertThat(result.out()).contains("restore    a1d4e7f0-2b3c-4d5e-8f60-718293a4b5c6",
                "into       database demo_copy on server staging, dropped and created again",
                "only       schema audit, table shop.orders, table shop.customers", "status     PASSED",
                "completed  2026-11-21 06:00:02, restored in 850 ms", "trace id   0af7651916cd43dd8448eb211c80319c",
                "tables     1\n  TABLE        EXPECTED  FOUND\n  shop.orders      5000   5000");
        assertThat(result.err()).contains("restore a1d4e7f0-2b3c-4d5e-8f60-718293a4b5c6: REQUESTED, waiting for the verifier");
    }

    @Test
    void aRestoreTheVerifierRefusedExitsOneAndSaysWhy() {
        scheduler.on("POST /api/v1/targets/demo/restores", 202, "{\"restoreId\":\"r-1\",\"status\":\"REQUESTED\"}");
        scheduler.on("GET /api/v1/restores/r-1", 200, """
                {"restoreId":"r-1","targetId":"demo","database":"billing","status":"FAILED",
                 "refused":"target demo may not be restored into database billing on the verification server","differences":[],"tables":[],
                 "restoreMillis":0,"environmentProblems":[],"requestedBy":"admin","requestedAt":"2026-11-21T06:00:00Z",
                 "completedAt":"2026-11-21T06:00:00Z"}""");

        Cli.Result result = cli.run("restore", "demo", "--into", "billing", "--wait");

        assertThat(result.exit()).as(result.toString()).isEqualTo(1);
        assertThat(scheduler.requests.getFirst().body()).isEqualTo("{\"database\":\"billing\",\"clean\":false}");
        assertThat(result.out()).contains("target     demo, backup (the newest verified)", "into       database billing on the verification server",
                "completed  2026-11-21 06:00:00\n", "refused    target demo may not be restored into database billing on the verification server");
        assertThat(cli.run("restore-status", "r-1").exit()).isEqualTo(1);
    }

    @Test
    void retentionShowsWhatIsKeptAndWouldBeDeletedWithReasonsAndHolds() {
        scheduler.on("GET /api/v1/targets/demo/retention", 200, """
                {"targetId":"demo","policy":{"daily":7,"weekly":4,"monthly":12,"yearly":3,"keepWithinDays":7,"minVerified":3},
                 "policySource":"default","raisedByFloor":[],"at":"2026-11-21T07:00:00Z",
                 "kept":[{"jobId":"%1$s","takenAt":"2026-11-21T05:46:38Z","objectKey":"demo/a.dump.zst.enc","reasons":["daily 2026-11-21","newest verified backup"],
                          "retainUntil":"2026-12-21T05:46:38Z"},
                         {"jobId":"0b7c8a52-3d1e-4f6a-9b20-5e8d7c6a4f13","takenAt":"2025-01-02T03:00:00Z","objectKey":"demo/b.dump.zst.enc","reasons":["legal hold"]}],
                 "wouldDelete":[{"jobId":"16a3e2b1-0000-4000-8000-000000000001","takenAt":"2026-10-01T03:00:00Z","objectKey":"demo/c.dump.zst.enc",
                                 "reasons":["outside every tier of the policy"]}]}""".formatted(JOB_ID));

        Cli.Result result = cli.run("retention", "demo");

        assertThat(result.exit()).as(result.toString()).isZero();
        assertThat(result.out()).isEqualTo("""
                Retention of demo as of 2026-11-21 07:00:00, the default policy:
                  7 daily, 4 weekly, 12 monthly, 3 yearly, all of the last 7 days, at least 3 verified

                Kept (2):
                  TAKEN             JOB                                   REASONS                                   HOLDS
                  2026-11-21 05:46  %s  daily 2026-11-21, newest verified backup  object lock until 2026-12-21 05:46
                  2025-01-02 03:00  0b7c8a52-3d1e-4f6a-9b20-5e8d7c6a4f13  legal hold                                legal hold

                Would delete (1):
                  TAKEN             JOB                                   REASONS                           HOLDS
                  2026-10-01 03:00  16a3e2b1-0000-4000-8000-000000000001  outside every tier of the policy
                """.formatted(JOB_ID));
    }

    @Test
    void registerAndCompleteSendTheirRequestsAndShowWhatTheServerSays() {
        Cli.Result missing = cli.run("register", "demo", "--note", "nightly from the replica");
        assertThat(missing.exit()).isEqualTo(2);
        assertThat(scheduler.last().method()).isEqualTo("POST");
        assertThat(scheduler.last().body()).isEqualTo("{\"targetId\":\"demo\",\"note\":\"nightly from the replica\"}");
        assertThat(missing.err()).contains("refused: Not Found (HTTP 404)",
                "This server has no POST /api/v1/jobs: it is older than this command line, or not Vigil's scheduler.");

        scheduler.on("POST /api/v1/jobs", 201, "{\"jobId\":\"" + JOB_ID + "\",\"targetId\":\"demo\",\"status\":\"REQUESTED\"}");
        Cli.Result registered = cli.run("register", "demo");
        assertThat(registered.out()).contains("Registered job " + JOB_ID + " for demo (REQUESTED)", "vigil complete " + JOB_ID);

        scheduler.on("PATCH /api/v1/jobs/" + JOB_ID, 200, job("DUMPED", REQUESTED, ""));
        Cli.Result completed = cli.run("complete", JOB_ID, "--artifact-url", "s3://team-dumps/demo/x.dump");
        assertThat(completed.exit()).as(completed.toString()).isZero();
        assertThat(scheduler.last().method()).isEqualTo("PATCH");
        assertThat(scheduler.last().body()).isEqualTo("{\"status\":\"success\",\"artifactUrl\":\"s3://team-dumps/demo/x.dump\"}");
        assertThat(completed.out()).contains("Job " + JOB_ID + " is DUMPED");

        cli.run("complete", JOB_ID, "--artifact-url", "s3://team-dumps/demo/x.dump", "--sha256", "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08");
        assertThat(scheduler.last().body()).contains("\"sha256\":\"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08\"");

        cli.run("complete", JOB_ID, "--failed", "pg_dump ran out of disk");
        assertThat(scheduler.last().body()).isEqualTo("{\"status\":\"failed\",\"reason\":\"pg_dump ran out of disk\"}");

        scheduler.on("PATCH /api/v1/jobs/" + JOB_ID, 409, "{\"title\":\"Reported already\",\"status\":409,\"detail\":\"job " + JOB_ID
                + " was reported already and its report stands\"}");
        Cli.Result twice = cli.run("complete", JOB_ID, "--failed", "again");
        assertThat(twice.exit()).isEqualTo(2);
        assertThat(twice.err()).contains("was reported already");
    }

    @Test
    void aDryRunWaitsForEveryServicesChecksShowsEachAndExitsOneWhenOneFailed() {
        scheduler.on("POST /api/v1/targets/demo/backups?dryRun=true", 202, "{\"jobId\":\"" + JOB_ID + "\",\"targetId\":\"demo\",\"status\":\"DRY_RUN\"}");
        scheduler.on("GET /api/v1/jobs/" + JOB_ID, 200, job("DRY_RUN_FAILED", REQUESTED, """
                ,"dryRun":true,"dryRunChecks":{
                 "DUMP":{"passed":false,"estimatedBytes":73400320,"checks":[{"name":"connect","passed":true,"detail":"connected: PostgreSQL 16.4"},
                   {"name":"privileges","passed":false,"detail":"cannot read shop.secrets; GRANT SELECT ON shop.secrets TO backup;"}]},
                 "STORE":{"passed":true,"checks":[{"name":"destination primary","passed":true,"detail":"probe written and removed"}]}}"""));

        Cli.Result dryRun = cli.run("backup", "demo", "--dry-run", "--wait");

        assertThat(scheduler.last().method()).isEqualTo("GET");
        assertThat(dryRun.exit()).as(dryRun.toString()).isEqualTo(1);
        assertThat(dryRun.out()).contains("Dry run of demo: job " + JOB_ID, "status     DRY_RUN_FAILED",
                "dump worker: a check failed (estimated size 73.4 MB)", "  FAILED privileges           cannot read shop.secrets; GRANT SELECT ON shop.secrets TO backup;",
                "storage service: every check passed", "verifier: not answered yet");

        scheduler.on("GET /api/v1/jobs/" + JOB_ID, 200, job("DRY_RUN_PASSED", REQUESTED, ",\"dryRun\":true,\"dryRunChecks\":{}"));
        assertThat(cli.run("backup", "demo", "--dry-run", "--wait").exit()).isZero();
    }

    @Test
    void aDryRunSaysSoWhenTheServerTookARealBackupInstead() {
        scheduler.on("POST /api/v1/targets/demo/backups?dryRun=true", 202, "{\"jobId\":\"" + JOB_ID + "\",\"targetId\":\"demo\",\"status\":\"REQUESTED\"}");

        Cli.Result ignored = cli.run("backup", "demo", "--dry-run");

        assertThat(ignored.exit()).isZero();
        assertThat(ignored.err()).contains("this server does not know dry runs and took a real backup: job " + JOB_ID);
    }

    @Test
    void theLauncherScriptsUsageListsEveryCommand() throws IOException {
        String script = Files.readString(Path.of("..", "vigil"));
        for (String command : VigilCli.commandLine(new Cli(home).context()).getSubcommands().keySet()) {
            if (!command.equals("help")) {
                assertThat(script).as("./vigil's usage").containsPattern("(?m)^  " + java.util.regex.Pattern.quote(command) + " ");
            }
        }
    }
}
