package dev.vigil.bench;

import dev.vigil.contracts.json.EventJson;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import tools.jackson.databind.JsonNode;

/** Backups through the scheduler's API, as a user asks for them, and their stage times as the job API reports them. */
final class JobClient {

    private static final List<String> FINAL = List.of("VERIFIED", "FAILED", "INCONCLUSIVE");

    private final String apiUrl;
    private final String token;

    JobClient(String apiUrl, String token) {
        this.apiUrl = apiUrl;
        this.token = token;
    }

    /**
     * Requests a backup of {@code target} ({@code POST /api/v1/targets/{id}/backups}) and polls
     * {@code GET /api/v1/jobs/{id}} every second until it ends. The times are the job's own stage
     * times, so the poll's pace does not change them. Fails unless the job ends VERIFIED.
     */
    StageTimes backUp(String target) throws Exception {
        try (HttpClient http = HttpClient.newHttpClient()) {
            HttpResponse<String> accepted = http.send(HttpRequest.newBuilder(URI.create(apiUrl + "/api/v1/targets/" + target + "/backups"))
                    .header("Authorization", "Bearer " + token).POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            if (accepted.statusCode() != 202) {
                throw new IllegalStateException("the backup of " + target + " was refused: " + accepted.statusCode() + " " + accepted.body());
            }
            String jobId = EventJson.mapper().readTree(accepted.body()).get("jobId").asString();
            long deadline = System.nanoTime() + Duration.ofHours(2).toNanos();
            while (System.nanoTime() < deadline) {
                Thread.sleep(1000);
                JsonNode job = EventJson.mapper().readTree(http.send(HttpRequest.newBuilder(URI.create(apiUrl + "/api/v1/jobs/" + jobId))
                        .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString()).body());
                String status = job.get("status").asString();
                if (FINAL.contains(status)) {
                    if (!status.equals("VERIFIED") || !"PASSED".equals(job.path("verification").path("verdict").asString())) {
                        throw new IllegalStateException("job " + jobId + " ended " + status + ": " + job);
                    }
                    JsonNode stages = job.get("stages");
                    return new StageTimes(jobId, seconds(stages, "DUMPING", "DUMPED"), seconds(stages, "STORED", "VERIFIED"),
                            seconds(stages, "REQUESTED", "VERIFIED"));
                }
            }
            throw new IllegalStateException("job " + jobId + " did not end within 2 hours");
        }
    }

    /** Requests a backup of {@code target} ({@code POST /api/v1/targets/{id}/backups}); answers the job id. Fails unless it is accepted. */
    String request(HttpClient http, String target) throws Exception {
        HttpResponse<String> accepted = http.send(HttpRequest.newBuilder(URI.create(apiUrl + "/api/v1/targets/" + target + "/backups"))
                .header("Authorization", "Bearer " + token).POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        if (accepted.statusCode() != 202) {
            throw new IllegalStateException("the backup of " + target + " was refused: " + accepted.statusCode() + " " + accepted.body());
        }
        return EventJson.mapper().readTree(accepted.body()).get("jobId").asString();
    }

    /** Every job the registry lists ({@code GET /api/v1/jobs}, 500 a page, following {@code next}), newest first. */
    List<JsonNode> all(HttpClient http) throws Exception {
        List<JsonNode> jobs = new java.util.ArrayList<>();
        String next = null;
        do {
            String url = apiUrl + "/api/v1/jobs?limit=500" + (next == null ? "" : "&before=" + java.net.URLEncoder.encode(next, java.nio.charset.StandardCharsets.UTF_8));
            HttpResponse<String> page = http.send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + token).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (page.statusCode() != 200) {
                throw new IllegalStateException("listing the jobs failed: " + page.statusCode() + " " + page.body());
            }
            JsonNode list = EventJson.mapper().readTree(page.body());
            list.get("jobs").forEach(jobs::add);
            next = list.path("next").isNull() || list.path("next").isMissingNode() ? null : list.get("next").asString();
        } while (next != null);
        return jobs;
    }

    /** Whether a job's status is terminal (VERIFIED, FAILED or INCONCLUSIVE). */
    static boolean terminal(String status) {
        return FINAL.contains(status);
    }

    private static double seconds(JsonNode stages, String from, String to) {
        return Duration.between(Instant.parse(stages.get(from).asString()), Instant.parse(stages.get(to).asString())).toMillis() / 1000.0;
    }

    /** A backup's stage times in seconds: dump {@code DUMPING → DUMPED}, verify {@code STORED → VERIFIED}, all {@code REQUESTED → VERIFIED}. */
    record StageTimes(String jobId, double dump, double verify, double total) {
    }
}
