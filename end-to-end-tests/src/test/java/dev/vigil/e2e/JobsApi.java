package dev.vigil.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.vigil.contracts.json.EventJson;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.core.ConditionTimeoutException;
import tools.jackson.databind.JsonNode;

/** The scheduler's job API as the end-to-end tests use it: request a backup, wait for its job to finish. */
final class JobsApi implements AutoCloseable {

    private static final Duration POLL = Duration.ofMillis(250);

    private final HttpClient http = HttpClient.newHttpClient();
    private final int port;
    private final String token;

    /** The API of the stack's scheduler, signed in with the admin token it wrote at start-up. */
    JobsApi(dev.vigil.dev.EmbeddedStack stack) {
        this(stack.schedulerPort(), stack.adminToken());
    }

    /** The API of a scheduler answering on {@code port}, signed in with {@code token}. */
    JobsApi(int port, String token) {
        this.port = port;
        this.token = token;
    }

    /** Requests a backup of {@code target}; answers the job id. */
    String requestBackup(String target) throws Exception {
        HttpResponse<String> response = http.send(signedIn(uri("/api/v1/targets/" + target + "/backups"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        return EventJson.mapper().readTree(response.body()).get("jobId").asString();
    }

    /** Waits until the job is VERIFIED, INCONCLUSIVE or FAILED, with all its events read; answers it as the API shows it. */
    JsonNode awaitFinal(String jobId, Duration timeout) {
        AtomicReference<JsonNode> last = new AtomicReference<>();
        try {
            return await("job " + jobId + " finished").atMost(timeout).pollInterval(POLL).until(() -> {
                last.set(find(jobId));
                return last.get();
            }, job -> {
                if (job == null) {
                    return false;
                }
                String status = job.get("status").asString();
                // The registry reads each topic on its own, so a verdict may arrive before the artifact's own event: wait for both.
                boolean complete = status.equals("FAILED") || job.hasNonNull("artifact") && job.hasNonNull("location");
                return (status.equals("VERIFIED") || status.equals("FAILED") || status.equals("INCONCLUSIVE")) && complete;
            });
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("job " + jobId + " did not finish within " + timeout + "; last seen: " + last.get(), e);
        }
    }

    /** {@code method path} with a JSON body (none when null), signed in as the admin. */
    HttpResponse<String> send(String method, String path, String json) throws Exception {
        HttpRequest.Builder request = signedIn(uri(path)).method(method, json == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(json));
        if (json != null) {
            request.header("Content-Type", "application/json");
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The job as the API shows it now. */
    JsonNode job(String jobId) throws Exception {
        HttpResponse<String> response = http.send(signedIn(uri("/api/v1/jobs/" + jobId)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return EventJson.mapper().readTree(response.body());
    }

    /** Waits until the job's status is {@code status}; fails at once if it ends in another. */
    void awaitStatus(String jobId, String status, Duration timeout) {
        AtomicReference<String> last = new AtomicReference<>();
        try {
            await("job " + jobId + " reaching " + status).atMost(timeout).pollInterval(POLL).until(() -> {
                JsonNode job = find(jobId);
                if (job == null) {
                    return false;
                }
                last.set(job.get("status").asString());
                if (last.get().equals(status)) {
                    return true;
                }
                assertThat(last.get()).as("job %s ended before reaching %s", jobId, status).isNotIn("VERIFIED", "FAILED", "INCONCLUSIVE");
                return false;
            });
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("job " + jobId + " did not reach " + status + " within " + timeout + "; last seen: " + last.get(), e);
        }
    }

    /** The job as the API shows it now; null while the API does not know it yet. */
    private JsonNode find(String jobId) throws Exception {
        HttpResponse<String> response = http.send(signedIn(uri("/api/v1/jobs/" + jobId)).build(), HttpResponse.BodyHandlers.ofString());
        return response.statusCode() == 200 ? EventJson.mapper().readTree(response.body()) : null;
    }

    private URI uri(String path) {
        return URI.create("http://localhost:" + port + path);
    }

    @Override
    public void close() {
        http.close();
    }

    private HttpRequest.Builder signedIn(URI uri) {
        return HttpRequest.newBuilder(uri).header("Authorization", "Bearer " + token);
    }
}
