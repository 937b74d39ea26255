package dev.vigil.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.vigil.contracts.JobId;
import dev.vigil.contracts.RestoreCompleted;
import dev.vigil.contracts.RestoreRequested;
import dev.vigil.contracts.TableCheck;
import dev.vigil.contracts.TargetId;
import dev.vigil.contracts.Topics;
import dev.vigil.contracts.Verdict;
import dev.vigil.contracts.json.EventJson;
import dev.vigil.local.FreePorts;
import dev.vigil.local.KafkaProbe;
import dev.vigil.local.LocalKafka;
import dev.vigil.local.ServiceTestSettings;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * Restores through the scheduler's API against the real broker and PostgreSQL: the request is
 * recorded and published for the verifier, its answer settles it once, and only an admin may ask.
 * (The verifier's side, a real restore, is in the end-to-end tests.)
 */
@DirtiesContext
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "spring.config.name=scheduler-service")
class RestoreApiTest {

    private static final Path ADMIN_TOKEN = Path.of(System.getProperty("java.io.tmpdir"), "restore-api-test-" + UUID.randomUUID(), "admin-token");

    @LocalServerPort
    int port;

    private SchedulerApi api() {
        return new SchedulerApi(port, ADMIN_TOKEN);
    }

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        ServiceTestSettings.kafkaAndDatabase(registry, SchedulerApplication.NAME, "scheduler_restore_test");
        registry.add("vigil.scheduler.targets-file", () -> "src/test/resources/test-targets.yml");
        registry.add("vigil.scheduler.bootstrap-token-file", ADMIN_TOKEN::toString);
        // Nothing answers here: the storage service is down.
        registry.add("vigil.scheduler.storage-url", () -> "http://127.0.0.1:" + FreePorts.next());
    }

    @Test
    void anAdminsRestoreIsPublishedForTheVerifierAndItsAnswerSettlesItOnce() throws Exception {
        UUID backup = UUID.randomUUID();
        RestoreRequested published;
        String restoreId;
        try (KafkaProbe probe = new KafkaProbe(LocalKafka.shared().bootstrapServers(), Topics.RESTORE_REQUESTED)) {
            HttpResponse<String> accepted = api().send("POST", "/api/v1/targets/orders-db/restores", api().admin(), """
                    {"jobId": "%s", "database": "orders_restored", "tables": ["public.orders"], "clean": true}""".formatted(backup));

            assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
            restoreId = SchedulerApi.json(accepted).get("restoreId").asString();
            assertThat(accepted.headers().firstValue("Location")).hasValue("/api/v1/restores/" + restoreId);
            KafkaProbe.Seen seen = probe.await(r -> r.value() != null && r.value().contains(restoreId), Duration.ofSeconds(30));
            assertThat(seen.key()).isEqualTo("orders-db");
            published = EventJson.read(seen.value().getBytes(), RestoreRequested.class);
        }
        assertThat(published.jobId()).isEqualTo(new JobId(backup));
        assertThat(published.database()).isEqualTo("orders_restored");
        assertThat(published.tableList()).containsExactly("public.orders");
        assertThat(published.clean()).isTrue();
        assertThat(published.requestedBy()).isEqualTo("admin");
        assertThat(SchedulerApi.json(api().send("GET", "/api/v1/restores/" + restoreId, api().admin(), null)).get("status").asString()).isEqualTo("REQUESTED");

        RestoreCompleted passed = RestoreCompleted.of(published, new JobId(backup), Verdict.PASSED, List.of(),
                List.of(new TableCheck("public", "orders", 3L, 3L)), 840, List.of());
        answer(passed);
        JsonNode done = await().atMost(Duration.ofSeconds(30)).until(() -> SchedulerApi.json(api().send("GET", "/api/v1/restores/" + restoreId, api().admin(), null)),
                r -> !r.get("status").asString().equals("REQUESTED"));
        assertThat(done.get("status").asString()).isEqualTo("PASSED");
        assertThat(done.get("restoreMillis").asLong()).isEqualTo(840);
        assertThat(done.get("tableChecks").get(0).get("foundRows").asLong()).isEqualTo(3);
        assertThat(done.get("requestedBy").asString()).isEqualTo("admin");

        answer(RestoreCompleted.refused(published, null, "a second, contrary answer"));
        // A later answer on the same target (so the same partition, read after the contrary one) shows it has been read.
        RestoreRequested marker = RestoreRequested.now(UUID.randomUUID(), published.targetId(), null, null, "marker", false, List.of(), List.of(),
                "the broker's administrator");
        answer(RestoreCompleted.refused(marker, null, "read after the contrary answer"));
        await("the answer after the contrary one read").atMost(Duration.ofSeconds(30))
                .until(() -> api().send("GET", "/api/v1/restores/" + marker.restoreId(), api().admin(), null).statusCode() == 200);
        assertThat(SchedulerApi.json(api().send("GET", "/api/v1/restores/" + restoreId, api().admin(), null)).get("status").asString()).as("settled once").isEqualTo("PASSED");
        assertThat(SchedulerApi.json(api().send("GET", "/api/v1/restores?targetId=orders-db", api().admin(), null)).get("restores").toString()).contains(restoreId);
    }

    @Test
    void anAnswerToARestoreAskedForOnTheBrokerIsListedToo() throws Exception {
        RestoreRequested direct = RestoreRequested.now(UUID.randomUUID(), new TargetId("orders-db"), null, null, "elsewhere", false, List.of(),
                List.of(), "the broker's administrator");
        answer(RestoreCompleted.refused(direct, null, "the verifier's allow-list does not allow elsewhere for orders-db"));

        JsonNode listed = await().atMost(Duration.ofSeconds(30)).until(() -> SchedulerApi.json(api().send("GET", "/api/v1/restores/" + direct.restoreId(), api().admin(), null)),
                r -> r.has("status"));
        assertThat(listed.get("status").asString()).isEqualTo("FAILED");
        assertThat(listed.get("refused").asString()).contains("allow-list");
    }

    @Test
    void onlyAnAdminRestoresAndABadRequestSaysWhatIsWrong() throws Exception {
        String operator = api().create("restorer", "OPERATOR");
        String body = "{\"database\": \"x_restored\"}";
        assertThat(api().send("POST", "/api/v1/targets/orders-db/restores", null, body).statusCode()).isEqualTo(401);
        assertThat(api().send("POST", "/api/v1/targets/orders-db/restores", operator, body).statusCode()).isEqualTo(403);
        assertThat(api().send("GET", "/api/v1/restores", operator, null).statusCode()).as("reading is a viewer's").isEqualTo(200);

        HttpResponse<String> unknown = api().send("POST", "/api/v1/targets/nope/restores", api().admin(), body);
        HttpResponse<String> noDatabase = api().send("POST", "/api/v1/targets/orders-db/restores", api().admin(), "{}");
        HttpResponse<String> badName = api().send("POST", "/api/v1/targets/orders-db/restores", api().admin(), "{\"database\": \"x; drop\"}");
        HttpResponse<String> badTable = api().send("POST", "/api/v1/targets/orders-db/restores", api().admin(), "{\"database\": \"x\", \"tables\": [\"orders\"]}");

        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(noDatabase.statusCode()).isEqualTo(400);
        assertThat(SchedulerApi.json(noDatabase).get("detail").asString()).contains("name the database to restore into");
        assertThat(badName.statusCode()).isEqualTo(400);
        assertThat(badTable.statusCode()).isEqualTo(400);
        assertThat(SchedulerApi.json(badTable).get("detail").asString()).contains("schema.table");
        assertThat(api().send("GET", "/api/v1/restores/" + UUID.randomUUID(), api().admin(), null).statusCode()).isEqualTo(404);
    }

    @Test
    void retentionAskedWhileTheStorageServiceIsDownIsA503SayingWhereItLooked() throws Exception {
        HttpResponse<String> retention = api().send("GET", "/api/v1/targets/orders-db/retention", api().admin(), null);
        HttpResponse<String> hold = api().send("PUT", "/api/v1/backups/" + UUID.randomUUID() + "/legal-hold", api().admin(), null);

        assertThat(retention.statusCode()).isEqualTo(503);
        assertThat(SchedulerApi.json(retention).get("detail").asString()).contains("storage service").contains("VIGIL_STORAGE_URL");
        assertThat(hold.statusCode()).isEqualTo(503);
        assertThat(api().send("PUT", "/api/v1/backups/" + UUID.randomUUID() + "/legal-hold", api().create("holder", "OPERATOR"), null).statusCode())
                .as("holds are an admin's").isEqualTo(403);
    }

    private static void answer(RestoreCompleted completed) {
        KafkaProbe.send(LocalKafka.shared().bootstrapServers(), Topics.RESTORE_COMPLETED, completed.targetId().value(), EventJson.writeString(completed));
    }
}
