package dev.vigil.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.vigil.local.Arrivals;
import dev.vigil.local.LocalPostgres;
import dev.vigil.local.WebhookReceiver;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import software.amazon.awssdk.services.s3.model.S3Object;
import tools.jackson.databind.JsonNode;

/**
 * What must hold after every fault the suite injects, in one place: every job reached exactly one
 * terminal state and stays there; one artifact per stored job in the bucket and nothing else there;
 * nothing left in staging; no scratch database left on the verification server; each incident the
 * fault should raise alerted exactly once, and no alert sent twice.
 */
final class FaultInvariants {

    /** Long enough for a late duplicate to be consumed, a second copy of an alert to be delivered (every 200 ms). */
    private static final Duration QUIET = Duration.ofSeconds(3);

    private FaultInvariants() {
    }

    /**
     * Waits for each job to finish, then asserts every invariant.
     *
     * @param expected   each job's expected final status, by job id
     * @param alerting   the targets whose failures this fault should alert about (each once)
     */
    static void assertSurvived(FaultStack stack, Map<String, String> expected, List<String> alerting) throws Exception {
        Map<String, JsonNode> finals = new LinkedHashMap<>();
        for (String jobId : expected.keySet()) {
            finals.put(jobId, stack.api().awaitFinal(jobId, Duration.ofSeconds(240)));
        }
        for (var job : finals.entrySet()) {
            assertThat(job.getValue().get("status").asString()).as("job %s: %s", job.getKey(), job.getValue()).isEqualTo(expected.get(job.getKey()));
        }
        assertAlertsOnce(stack.slack(), alerting);
        // After the quiet window (duplicates consumed, alerts delivered): nothing moved.
        for (String jobId : expected.keySet()) {
            assertThat(stack.api().job(jobId).get("status").asString()).as("job %s a while after it finished", jobId)
                    .isEqualTo(expected.get(jobId));
        }
        assertOneTerminalStateEach(stack, expected.keySet().stream().toList());
        assertOneArtifactPerStoredJobAndNoOrphan(stack, finals);
        assertStagingEmpty(stack.staging());
        assertNoScratchDatabase();
    }

    /** In the job registry each job has exactly one terminal mark: verified (a verdict) or failed, never both, never none. */
    static void assertOneTerminalStateEach(FaultStack stack, List<String> jobIds) throws Exception {
        try (Connection connection = stack.servicesDatabase(); PreparedStatement query = connection.prepareStatement(
                "select (verified_at is not null)::int + (failed_at is not null)::int from scheduler.jobs where job_id = ?::uuid")) {
            for (String jobId : jobIds) {
                query.setString(1, jobId);
                try (ResultSet rows = query.executeQuery()) {
                    assertThat(rows.next()).as("job %s in the registry", jobId).isTrue();
                    assertThat(rows.getInt(1)).as("terminal marks of job %s (verified_at, failed_at)", jobId).isEqualTo(1);
                }
            }
        }
    }

    /**
     * Each job that ended with a verdict has exactly one artifact in the bucket, a failed one none;
     * every object in the bucket belongs to such a job (no orphan), and no multipart upload is left open.
     */
    static void assertOneArtifactPerStoredJobAndNoOrphan(FaultStack stack, Map<String, JsonNode> finals) throws Exception {
        List<S3Object> objects = stack.s3().listObjectsV2Paginator(b -> b.bucket(FaultStack.BUCKET)).contents().stream().toList();
        for (var job : finals.entrySet()) {
            boolean stored = !job.getValue().get("status").asString().equals("FAILED");
            assertThat(objects).filteredOn(o -> o.key().contains(job.getKey()) && !o.key().endsWith(".json"))
                    .as("artifacts of job %s (%s) in the bucket", job.getKey(), job.getValue().get("status").asString()).hasSize(stored ? 1 : 0);
        }
        List<String> known = storedJobs(stack);
        assertThat(objects).as("objects in the bucket no stored job owns").filteredOn(o -> known.stream().noneMatch(o.key()::contains)).isEmpty();
        assertThat(stack.s3().listMultipartUploads(b -> b.bucket(FaultStack.BUCKET)).uploads()).as("multipart uploads left open").isEmpty();
    }

    /** Once every job finished, nothing waits in staging: no artifact, no half-written one. */
    static void assertStagingEmpty(Path staging) throws Exception {
        if (!Files.exists(staging)) {
            return;
        }
        await("staging emptied").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
            try (Stream<Path> files = Files.walk(staging)) {
                assertThat(files.filter(Files::isRegularFile).map(Path::toString).toList()).as("files left in staging").isEmpty();
            }
        });
    }

    /** The verifier dropped every scratch database it made (its instance's prefix on the verification server). */
    static void assertNoScratchDatabase() {
        await("scratch databases dropped").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
            try (Connection connection = LocalPostgres.shared().connect("postgres"); ResultSet rows = connection.createStatement().executeQuery(
                    "select datname from pg_database where datname like 'vigil\\_verify\\_" + FaultStack.INSTANCE + "\\_%'")) {
                List<String> left = new ArrayList<>();
                while (rows.next()) {
                    left.add(rows.getString(1));
                }
                assertThat(left).as("scratch databases left on the verification server").isEmpty();
            }
        });
    }

    /** Each alerting target alerted exactly once (none missing, none twice), and no alert at all was sent twice. */
    static void assertAlertsOnce(WebhookReceiver slack, List<String> alerting) {
        for (String target : alerting) {
            Arrivals.of("alerts naming " + target, () -> naming(slack, target)).arriveWithin(Duration.ofSeconds(60), 1);
        }
        Arrivals.of("alerts", slack::received).noMoreArriveWithin(QUIET);
        for (String target : alerting) {
            assertThat(naming(slack, target)).as("alerts naming %s", target).hasSize(1);
        }
        Map<String, Long> copies = slack.received().stream().collect(Collectors.groupingBy(WebhookReceiver.Received::body, Collectors.counting()));
        assertThat(copies).as("alerts sent more than once").allSatisfy((body, n) -> assertThat(n).as(body).isEqualTo(1L));
    }

    private static List<WebhookReceiver.Received> naming(WebhookReceiver slack, String target) {
        // "down-1" must not count "down-10": the name as a word.
        return slack.received().stream().filter(r -> r.body().matches("(?s).*\\b" + java.util.regex.Pattern.quote(target) + "\\b(?!-).*")).toList();
    }

    private static List<String> storedJobs(FaultStack stack) throws Exception {
        try (Connection connection = stack.servicesDatabase(); ResultSet rows = connection.createStatement().executeQuery(
                "select job_id::text from scheduler.jobs where stored_at is not null and failed_at is null")) {
            List<String> ids = new ArrayList<>();
            while (rows.next()) {
                ids.add(rows.getString(1));
            }
            return ids;
        }
    }

    /** Job ids by the status each should end in: for a stream of requests where every job should be verified but {@code failing}. */
    static Map<String, String> expect(List<String> verified, List<String> failing) {
        Map<String, String> expected = new LinkedHashMap<>();
        verified.forEach(jobId -> expected.put(jobId, "VERIFIED"));
        failing.forEach(jobId -> expected.put(jobId, "FAILED"));
        return expected;
    }
}
