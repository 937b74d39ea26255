package dev.vigil.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.vigil.contracts.json.EventJson;
import dev.vigil.dev.EmbeddedStack;
import dev.vigil.local.DemoDatabase;
import dev.vigil.local.FreePorts;
import dev.vigil.local.LocalKafka;
import dev.vigil.local.LocalPostgres;
import dev.vigil.local.LocalS3;
import dev.vigil.local.ServiceTestSettings;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * An admin restores through the scheduler's API, as an operator would from a runbook: a verified
 * backup of one table goes into a new database on the real server, and the target's retention and
 * legal holds (the storage service's) are read and set through the same API.
 */
class RestoreApiEndToEndTest {

    private static final HttpClient http = HttpClient.newHttpClient();
    private static JobsApi api;
    private static EmbeddedStack stack;
    private static LocalPostgres postgres;

    @BeforeAll
    static void start() throws Exception {
        postgres = LocalPostgres.shared();
        ServiceTestSettings.s3Credentials();
        postgres.createDatabase("vigil_restoreapi");
        DemoDatabase.load(postgres, "shop_restoreapi");
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        Path targets = Files.writeString(tmp.resolve("restoreapi-targets.yml"), """
                targets:
                  - id: shop
                    host: 127.0.0.1
                    port: %d
                    database: shop_restoreapi
                    username: postgres
                """.formatted(postgres.port()));
        stack = EmbeddedStack.start(new EmbeddedStack.Settings(LocalKafka.shared().bootstrapServers(), LocalKafka.shared()::password,
                postgres.jdbcUrl("vigil_restoreapi"), LocalPostgres.SUPERUSER, LocalS3.shared().endpoint(), "restoreapi-backups",
                tmp.resolve("restoreapi-staging"), tmp.resolve("restoreapi-verify"), postgres.host(), postgres.port(), postgres.verifierRole().role(),
                targets, FreePorts.next(), Map.of("vigil.verifier.restore-allow-list[0].target", "shop",
                        "vigil.verifier.restore-allow-list[0].databases", "shop_copy_*",
                        "vigil.storage.object-lock-mode", "OFF")));
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
        http.close();
    }

    @Test
    void aTableOfTheNewestVerifiedBackupIsRestoredIntoANewDatabaseAndItsHoldSetThroughTheSchedulersApi() throws Exception {
        String jobId = api.requestBackup("shop");
        assertThat(api.awaitFinal(jobId, Duration.ofSeconds(120)).get("status").asString()).isEqualTo("VERIFIED");

        HttpResponse<String> accepted = send("POST", "/api/v1/targets/shop/restores",
                "{\"database\": \"shop_copy_lines\", \"tables\": [\"shop.Order Lines\"]}");
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        String restoreId = json(accepted).get("restoreId").asString();
        JsonNode restore = await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500))
                .until(() -> json(send("GET", "/api/v1/restores/" + restoreId, null)), r -> !r.get("status").asString().equals("REQUESTED"));

        assertThat(restore.get("status").asString()).as(restore.toString()).isEqualTo("PASSED");
        assertThat(restore.get("jobId").asString()).as("the newest verified backup").isEqualTo(jobId);
        long lines = DemoDatabase.rowCounts(postgres, "shop_restoreapi").get("shop.Order Lines");
        assertThat(DemoDatabase.rowCounts(postgres, "shop_copy_lines")).containsExactly(Map.entry("shop.Order Lines", lines));

        HttpResponse<String> refused = send("POST", "/api/v1/targets/shop/restores", "{\"database\": \"vigil_restoreapi\", \"clean\": true}");
        String refusedId = json(refused).get("restoreId").asString();
        JsonNode notAllowed = await().atMost(Duration.ofSeconds(60))
                .until(() -> json(send("GET", "/api/v1/restores/" + refusedId, null)), r -> !r.get("status").asString().equals("REQUESTED"));
        assertThat(notAllowed.get("status").asString()).isEqualTo("FAILED");
        assertThat(notAllowed.get("refused").asString()).as("the services' own database is never a restore's").isNotBlank();

        assertThat(send("PUT", "/api/v1/backups/" + jobId + "/legal-hold", null).statusCode()).isEqualTo(204);
        JsonNode retention = json(send("GET", "/api/v1/targets/shop/retention", null));
        assertThat(retention.get("kept").toString()).contains(jobId).contains("legal hold");
        assertThat(send("DELETE", "/api/v1/backups/" + jobId + "/legal-hold", null).statusCode()).isEqualTo(204);
        assertThat(json(send("GET", "/api/v1/targets/shop/retention", null)).get("kept").toString()).doesNotContain("legal hold");
    }

    private static HttpResponse<String> send(String method, String path, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + stack.schedulerPort() + path))
                .header("Authorization", "Bearer " + stack.adminToken())
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode json(HttpResponse<String> response) {
        return EventJson.mapper().readTree(response.body());
    }
}
