package dev.vigil.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.vigil.contracts.RequestAudited;
import dev.vigil.contracts.Role;
import dev.vigil.contracts.Topics;
import dev.vigil.contracts.json.EventJson;
import dev.vigil.local.KafkaProbe;
import dev.vigil.local.LocalKafka;
import dev.vigil.local.ServiceTestSettings;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
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
 * Sign-in on the scheduler against the real broker and PostgreSQL: the first admin token, tokens an
 * admin creates and revokes, what each role may do, and the audit log of every change.
 */
@DirtiesContext
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "spring.config.name=scheduler-service")
class AccessTest {

    private static final Path ADMIN_TOKEN = Path.of(System.getProperty("java.io.tmpdir"), "access-test-" + UUID.randomUUID(), "admin-token");

    @LocalServerPort
    int port;

    private SchedulerApi api() {
        return new SchedulerApi(port, ADMIN_TOKEN);
    }

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        ServiceTestSettings.kafkaAndDatabase(registry, SchedulerApplication.NAME, "scheduler_access_test");
        registry.add("vigil.scheduler.targets-file", () -> "src/test/resources/test-targets.yml");
        registry.add("vigil.scheduler.bootstrap-token-file", ADMIN_TOKEN::toString);
    }

    @Test
    void theFirstStartWritesAnAdminTokenOnlyItsOwnerCanReadAndItWorks() throws Exception {
        assertThat(Files.getPosixFilePermissions(ADMIN_TOKEN)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        String admin = api().admin();
        assertThat(admin).startsWith("vigil_");

        JsonNode me = SchedulerApi.json(api().send("GET", "/api/v1/me", admin, null));
        assertThat(me.get("name").asString()).isEqualTo("admin");
        assertThat(me.get("role").asString()).isEqualTo("ADMIN");
    }

    @Test
    void anAdminCreatesTokensThatAreShownOnceListedWithoutSecretAndAnnouncedWithoutThem() throws Exception {
        try (KafkaProbe probe = new KafkaProbe(LocalKafka.shared().bootstrapServers(), Topics.ACCESS_GRANTED)) {
            HttpResponse<String> created = api().send("POST", "/api/v1/tokens", api().admin(), "{\"name\": \"ci-pipeline\", \"role\": \"OPERATOR\"}");

            assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
            JsonNode body = SchedulerApi.json(created);
            String token = body.get("secretToken").asString();
            String tokenId = body.get("token").get("tokenId").asString();
            assertThat(created.headers().firstValue("Location")).hasValue("/api/v1/tokens/" + tokenId);
            String secret = token.substring(token.indexOf('.') + 1);
            KafkaProbe.Seen grant = probe.await(r -> tokenId.equals(r.key()), Duration.ofSeconds(30));
            assertThat(grant.value()).contains("\"role\":\"OPERATOR\"").doesNotContain(secret);
            HttpResponse<String> listed = api().send("GET", "/api/v1/tokens", api().admin(), null);
            assertThat(listed.body()).contains(tokenId).contains("ci-pipeline").doesNotContain(secret);
            assertThat(SchedulerApi.json(api().send("GET", "/api/v1/me", token, null)).get("role").asString()).isEqualTo("OPERATOR");
        }
    }

    @Test
    void everyChangeTheSchedulerServesNeedsTheRightRoleAndAViewerOnlyReads() throws Exception {
        String viewer = api().create("reader", Role.VIEWER);
        String operator = api().create("starter", Role.OPERATOR);
        List<String[]> changes = List.of(new String[] {"POST", "/api/v1/targets/orders-db/backups", "OPERATOR"},
                new String[] {"POST", "/api/v1/tokens", "ADMIN"}, new String[] {"DELETE", "/api/v1/tokens/nosuchtoken1", "ADMIN"});

        for (String[] change : changes) {
            assertThat(api().send(change[0], change[1], null, "{}").statusCode()).as("%s %s without a token", change[0], change[1]).isEqualTo(401);
            assertThat(api().send(change[0], change[1], viewer, "{}").statusCode()).as("%s %s as a viewer", change[0], change[1]).isEqualTo(403);
            if (change[2].equals("ADMIN")) {
                assertThat(api().send(change[0], change[1], operator, "{}").statusCode()).as("%s %s as an operator", change[0], change[1]).isEqualTo(403);
            }
        }
        assertThat(api().send("GET", "/api/v1/targets", null, null).statusCode()).isEqualTo(401);
        assertThat(api().send("GET", "/api/v1/targets", viewer, null).statusCode()).isEqualTo(200);
        assertThat(api().send("GET", "/api/v1/tokens", viewer, null).statusCode()).as("tokens are an admin's business").isEqualTo(403);
        assertThat(api().send("GET", "/api/v1/audit", viewer, null).statusCode()).isEqualTo(200);

        HttpResponse<String> backup = api().send("POST", "/api/v1/targets/orders-db/backups", operator, null);
        assertThat(backup.statusCode()).isEqualTo(202);
        String jobId = SchedulerApi.json(backup).get("jobId").asString();
        assertThat(SchedulerApi.json(api().send("GET", "/api/v1/jobs/" + jobId, viewer, null)).get("requestedBy").asString())
                .as("the job names who signed in").isEqualTo("starter");
    }

    /**
     * Every endpoint that changes something, as the application maps them (so one added later cannot be
     * forgotten here): anonymous gets 401, a viewer 403, before anything runs.
     */
    @Test
    void everyStateChangingEndpointTheSchedulerMapsRefusesAnonymousAndViewers(
            @org.springframework.beans.factory.annotation.Autowired
            @org.springframework.beans.factory.annotation.Qualifier("requestMappingHandlerMapping")
            org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping mappings) throws Exception {
        String viewer = api().create("every-endpoint-reader", Role.VIEWER);
        List<String> checked = new ArrayList<>();
        for (var mapping : mappings.getHandlerMethods().keySet()) {
            for (var method : mapping.getMethodsCondition().getMethods()) {
                if (List.of("POST", "PUT", "PATCH", "DELETE").contains(method.name()) && mapping.getPathPatternsCondition() != null) {
                    for (String pattern : mapping.getPathPatternsCondition().getPatternValues()) {
                        String path = pattern.replaceAll("\\{[^}]+}", "00000000-0000-0000-0000-000000000000");
                        if (path.equals("/login") || path.equals("/logout")) {
                            continue; // the page's sign-in form and sign-out, open by design
                        }
                        assertThat(api().send(method.name(), path, null, "{}").statusCode()).as("%s %s without a token", method, path).isEqualTo(401);
                        assertThat(api().send(method.name(), path, viewer, "{}").statusCode()).as("%s %s as a viewer", method, path).isEqualTo(403);
                        checked.add(method + " " + pattern);
                    }
                }
            }
        }
        assertThat(checked).as("the endpoints found").contains("POST /api/v1/jobs", "PATCH /api/v1/jobs/{jobId}",
                "POST /api/v1/targets/{targetId}/backups", "POST /api/v1/targets/{targetId}/restores", "DELETE /api/v1/tokens/{tokenId}",
                "POST /api/v1/users", "PUT /api/v1/backups/{jobId}/legal-hold");
    }

    @Test
    void theAuditLogHoldsEachAcceptedChangeAndEachRefusalWithWhoWhatAndOutcome() throws Exception {
        String operator = api().create("auditee", Role.OPERATOR);
        String viewer = api().create("auditee-viewer", Role.VIEWER);
        api().send("POST", "/api/v1/targets/orders-db/backups", operator, null);
        api().send("POST", "/api/v1/targets/orders-db/backups", viewer, null);
        // Another service's record reaches the same log through the topic.
        RequestAudited elsewhere = RequestAudited.now("storage-service", "auditee", Role.ADMIN, "PUT",
                "/api/v1/backups/" + UUID.randomUUID() + "/legal-hold", 204, 12, null);
        KafkaProbe.send(LocalKafka.shared().bootstrapServers(), Topics.REQUEST_AUDITED, "storage-service", EventJson.writeString(elsewhere));
        KafkaProbe.send(LocalKafka.shared().bootstrapServers(), Topics.REQUEST_AUDITED, "storage-service", EventJson.writeString(elsewhere));

        List<JsonNode> mine = await().atMost(Duration.ofSeconds(30)).until(() -> entries("?principal=auditee"), e -> e.size() == 2);
        List<JsonNode> viewers = await().atMost(Duration.ofSeconds(30)).until(() -> entries("?principal=auditee-viewer"), e -> e.size() == 1);

        assertThat(mine).extracting(e -> e.get("service").asString() + " " + e.get("method").asString() + " " + e.get("outcome").asString())
                .containsExactlyInAnyOrder("scheduler-service POST DONE", "storage-service PUT DONE");
        JsonNode accepted = mine.stream().filter(e -> e.get("service").asString().equals("scheduler-service")).findFirst().orElseThrow();
        assertThat(accepted.get("path").asString()).isEqualTo("/api/v1/targets/orders-db/backups");
        assertThat(accepted.get("status").asInt()).isEqualTo(202);
        assertThat(accepted.get("role").asString()).isEqualTo("OPERATOR");
        assertThat(accepted.get("traceId").asString()).isNotBlank();
        assertThat(viewers.getFirst().get("outcome").asString()).isEqualTo("REFUSED");
        assertThat(viewers.getFirst().get("status").asInt()).isEqualTo(403);
        assertThat(entries("?principal=admin&service=scheduler-service")).extracting(e -> e.get("path").asString())
                .as("creating tokens is audited too").contains("/api/v1/tokens");

        JsonNode first = SchedulerApi.json(api().send("GET", "/api/v1/audit?principal=auditee&limit=1", api().admin(), null));
        JsonNode second = SchedulerApi.json(api().send("GET", "/api/v1/audit?principal=auditee&limit=1&before=" + first.get("next").asString(),
                api().admin(), null));
        assertThat(List.of(first.get("entries").get(0).get("id").asString(), second.get("entries").get(0).get("id").asString()))
                .as("two pages, one entry each, the older after the newer").containsExactlyElementsOf(mine.stream()
                        .sorted(java.util.Comparator.comparing((JsonNode e) -> java.time.Instant.parse(e.get("at").asString())).reversed()).map(e -> e.get("id").asString()).toList());
        assertThat(api().send("GET", "/api/v1/audit?before=not-a-cursor", api().admin(), null).statusCode()).isEqualTo(400);
    }

    @Test
    void aRevokedTokenIsRefusedAtOnceAndItsRevocationAnnouncedAsATombstone() throws Exception {
        HttpResponse<String> created = api().send("POST", "/api/v1/tokens", api().admin(), "{\"name\": \"leaver\", \"role\": \"ADMIN\"}");
        String token = SchedulerApi.json(created).get("secretToken").asString();
        String tokenId = SchedulerApi.json(created).get("token").get("tokenId").asString();
        assertThat(api().send("GET", "/api/v1/targets", token, null).statusCode()).isEqualTo(200);

        try (KafkaProbe probe = new KafkaProbe(LocalKafka.shared().bootstrapServers(), Topics.ACCESS_GRANTED)) {
            HttpResponse<String> revoked = api().send("DELETE", "/api/v1/tokens/" + tokenId, api().admin(), null);
            assertThat(revoked.statusCode()).isEqualTo(200);
            assertThat(SchedulerApi.json(revoked).get("revokedBy").asString()).isEqualTo("admin");
            assertThat(api().send("GET", "/api/v1/targets", token, null).statusCode()).isEqualTo(401);
            KafkaProbe.Seen tombstone = probe.await(r -> tokenId.equals(r.key()) && r.value() == null, Duration.ofSeconds(30));
            assertThat(tombstone.value()).isNull();
        }
        assertThat(api().send("DELETE", "/api/v1/tokens/unknowntoken", api().admin(), null).statusCode()).isEqualTo(404);
    }

    @Test
    void aBadTokenRequestSaysWhatIsWrong() throws Exception {
        HttpResponse<String> noName = api().send("POST", "/api/v1/tokens", api().admin(), "{\"role\": \"VIEWER\"}");
        HttpResponse<String> badRole = api().send("POST", "/api/v1/tokens", api().admin(), "{\"name\": \"x\", \"role\": \"ROOT\"}");
        HttpResponse<String> past = api().send("POST", "/api/v1/tokens", api().admin(), "{\"name\": \"x\", \"role\": \"VIEWER\", \"expiresAt\": \"2020-01-01T00:00:00Z\"}");

        assertThat(noName.statusCode()).isEqualTo(400);
        assertThat(SchedulerApi.json(noName).get("detail").asString()).contains("give the token a name");
        assertThat(badRole.statusCode()).isEqualTo(400);
        assertThat(SchedulerApi.json(badRole).get("detail").asString()).contains("VIEWER, OPERATOR, ADMIN");
        assertThat(past.statusCode()).isEqualTo(400);
    }

    private List<JsonNode> entries(String query) throws Exception {
        List<JsonNode> list = new ArrayList<>();
        SchedulerApi.json(api().send("GET", "/api/v1/audit" + query, api().admin(), null)).get("entries").forEach(list::add);
        return list;
    }
}
