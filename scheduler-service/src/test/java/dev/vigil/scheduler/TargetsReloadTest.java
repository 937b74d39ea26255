package dev.vigil.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.vigil.contracts.Topics;
import dev.vigil.contracts.json.EventJson;
import dev.vigil.local.KafkaProbe;
import dev.vigil.local.LocalKafka;
import dev.vigil.local.ServiceTestSettings;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * Editing the targets file takes effect without a restart, against a real broker and PostgreSQL: targets
 * added, removed and changed are served, announced and scheduled within seconds; a broken file is refused
 * whole while the previous targets keep firing, and the mistake shows on the health endpoint and the gauge.
 */
@DirtiesContext
@ExtendWith(OutputCaptureExtension.class)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "spring.config.name=scheduler-service")
class TargetsReloadTest {

    private static final HttpClient http = HttpClient.newHttpClient();
    private static final Path DIR = Path.of(System.getProperty("java.io.tmpdir"), "targets-reload-test-" + UUID.randomUUID());
    private static final Path TARGETS = DIR.resolve("targets.yml");
    private static final Path ADMIN_TOKEN = DIR.resolve("admin-token");
    private static final Duration SECONDS = Duration.ofSeconds(15);
    private static final String ORDERS = """
              - id: orders-db
                host: 127.0.0.1
                port: 5432
                database: orders
                username: backup
                passwordEnv: ORDERS_PGPASSWORD
                labels: {team: payments, tier: critical}
                monitoring:
                  freshness: 30h
                  tableLossPercent: 20
            """;
    /** Fires every second, so a broken file's refusal is seen not to stop it. */
    private static final String STEADY = """
              - id: steady-db
                host: 127.0.0.1
                database: steady
                username: backup
                schedule: "* * * * * *"
            """;
    private static final String BASE = "targets:\n" + ORDERS + STEADY;

    @LocalServerPort
    int port;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    MeterRegistry meters;

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) throws Exception {
        ServiceTestSettings.kafkaAndDatabase(registry, SchedulerApplication.NAME, "scheduler_reload_test");
        Files.createDirectories(DIR);
        Files.writeString(TARGETS, BASE);
        registry.add("vigil.scheduler.targets-file", TARGETS::toString);
        registry.add("vigil.scheduler.targets-reload-interval", () -> "200ms");
        registry.add("vigil.scheduler.bootstrap-token-file", ADMIN_TOKEN::toString);
    }

    @AfterAll
    static void closeClient() {
        http.close();
    }

    @BeforeEach
    void baseTargets() {
        write(BASE);
        await("the base targets in force").atMost(SECONDS).until(this::targetIds, ids -> ids.equals(List.of("orders-db", "steady-db")));
        await().atMost(SECONDS).until(() -> fileHealth().get("valid").asBoolean());
    }

    @Test
    void aTargetAddedToTheFileIsServedAnnouncedAndScheduledWithinSeconds() throws Exception {
        Instant added = Instant.now();
        write(BASE + target("added-db", "* * * * * *", "team: newcomers"));

        await("added-db served").atMost(SECONDS).until(this::targetIds, ids -> ids.contains("added-db"));
        try (KafkaProbe probe = new KafkaProbe(LocalKafka.shared().bootstrapServers(), Topics.TARGETS)) {
            KafkaProbe.Seen announced = probe.await(r -> "added-db".equals(r.key()) && r.value() != null, SECONDS);
            assertThat(announced.value()).contains("\"newcomers\"");
        }
        await("added-db fires").atMost(SECONDS).until(() -> firingsAfter("added-db", added), n -> n > 0);
        assertThat(post("/api/v1/targets/added-db/backups").statusCode()).as("the registry knows it").isEqualTo(202);
    }

    @Test
    void aRemovedTargetIsTombstonedAndItsScheduleNoLongerFires() throws Exception {
        Instant start = Instant.now();
        write(BASE + target("going-db", "* * * * * *", "team: leaving"));
        await("going-db fires").atMost(SECONDS).until(() -> firingsAfter("going-db", start), n -> n > 0);

        write(BASE);

        await("going-db no longer served").atMost(SECONDS).until(this::targetIds, ids -> !ids.contains("going-db"));
        Instant removed = Instant.now();
        try (KafkaProbe probe = new KafkaProbe(LocalKafka.shared().bootstrapServers(), Topics.TARGETS)) {
            probe.await(r -> "going-db".equals(r.key()) && r.value() == null, SECONDS);
        }
        // A firing under way at the removal may still complete; none due after it is fired.
        await("no firing of going-db after its removal").during(Duration.ofSeconds(3)).atMost(SECONDS)
                .until(() -> firingsAfter("going-db", removed.plusSeconds(1)), n -> n == 0);
        assertThat(post("/api/v1/targets/going-db/backups").statusCode()).as("the registry forgot it").isEqualTo(404);
    }

    @Test
    void aChangedScheduleFiresOnTheNewCronAndAChangedTargetIsAnnouncedAgain() throws Exception {
        write(BASE + target("moving-db", "0 0 3 1 1 *", "team: before"));
        await("moving-db served").atMost(SECONDS).until(this::targetIds, ids -> ids.contains("moving-db"));

        Instant changed = Instant.now();
        write(BASE + target("moving-db", "* * * * * *", "team: after"));

        await("moving-db fires every second").atMost(SECONDS).until(() -> firingsAfter("moving-db", changed), n -> n > 0);
        try (KafkaProbe probe = new KafkaProbe(LocalKafka.shared().bootstrapServers(), Topics.TARGETS)) {
            probe.await(r -> "moving-db".equals(r.key()) && r.value() != null && r.value().contains("\"after\""), SECONDS);
        }
        assertThat(getJson("/api/v1/targets").valueStream().filter(t -> t.get("targetId").asString().equals("moving-db")).findFirst()
                .orElseThrow().get("schedule").asString()).isEqualTo("* * * * * *");

        write(BASE + target("moving-db", "0 0 3 1 1 *", "team: after"));
        await("yearly again").atMost(SECONDS).until(() -> getJson("/api/v1/targets").valueStream()
                .anyMatch(t -> t.get("targetId").asString().equals("moving-db") && t.get("schedule").asString().equals("0 0 3 1 1 *")));
        Instant back = Instant.now();
        await("the every-second firings were cancelled").during(Duration.ofSeconds(3)).atMost(SECONDS)
                .until(() -> firingsAfter("moving-db", back.plusSeconds(1)), n -> n == 0);
        assertThat(firingsAfter("steady-db", back)).as("the unchanged target fires on").isPositive();
    }

    @Test
    void aBrokenFileIsRefusedWholeThePreviousTargetsKeepFiringAndFixingItAppliesIt(CapturedOutput output) throws Exception {
        write(BASE + """
                  - id: broken-db
                    host: 127.0.0.1
                    passwordEnv: "s3cret-never-shown
                """);
        JsonNode yamlError = await("the YAML refused").atMost(SECONDS).until(this::fileHealth, h -> !h.get("valid").asBoolean());
        assertThat(yamlError.get("error").asString()).contains("not valid YAML").contains(TARGETS.toString()).doesNotContain("s3cret");
        assertThat(meters.get("vigil.targets.file.valid").gauge().value()).isZero();
        Instant broken = Instant.now();
        await("steady-db keeps firing").atMost(SECONDS).until(() -> firingsAfter("steady-db", broken), n -> n > 0);
        assertThat(targetIds()).containsExactly("orders-db", "steady-db");
        assertThat(output.getAll().lines().filter(l -> l.contains("ERROR") && l.contains("not valid YAML")).count())
                .as("logged once, however often the same content is read").isEqualTo(1);

        // Valid YAML, one invalid target: nothing of it applies, not even the removal of steady-db.
        write("targets:\n" + ORDERS + target("bad-db", "0 3 * * *", "team: x").replace("timeZone: UTC", "timeZone: Mars/Olympus"));
        await("the invalid target refused").atMost(SECONDS).until(this::fileHealth,
                h -> h.has("error") && h.get("error").asString().contains("unknown timeZone 'Mars/Olympus'"));
        Instant invalid = Instant.now();
        await("steady-db keeps firing").atMost(SECONDS).until(() -> firingsAfter("steady-db", invalid), n -> n > 0);
        assertThat(targetIds()).containsExactly("orders-db", "steady-db");

        write(BASE + target("fixed-db", "0 3 * * *", "team: fixed"));
        await("the fixed file applied").atMost(SECONDS).until(this::targetIds, ids -> ids.contains("fixed-db"));
        JsonNode health = fileHealth();
        assertThat(health.get("valid").asBoolean()).isTrue();
        assertThat(health.has("error")).isFalse();
        assertThat(meters.get("vigil.targets.file.valid").gauge().value()).isEqualTo(1);
    }

    private static String target(String id, String schedule, String label) {
        return """
                  - id: %s
                    host: 127.0.0.1
                    database: %s
                    username: backup
                    schedule: "%s"
                    timeZone: UTC
                    labels: {%s}
                """.formatted(id, id.replace("-db", ""), schedule, label);
    }

    /** Replaces the file whole, as an editor saving it would, so a poll never reads half of it. */
    private static void write(String content) {
        try {
            Path next = Files.writeString(DIR.resolve("targets.yml.next"), content);
            Files.move(next, TARGETS, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private long firingsAfter(String target, Instant after) {
        return jdbc.sql("select count(*) from schedule_firings where target_id = ? and scheduled_for > ?").param(target).param(Timestamp.from(after))
                .query(Long.class).single();
    }

    private List<String> targetIds() throws Exception {
        return getJson("/api/v1/targets").valueStream().map(t -> t.get("targetId").asString()).toList();
    }

    /** The health component's details, as a signed-in viewer sees them. */
    private JsonNode fileHealth() throws Exception {
        // The whole may be DOWN (503) for a reason of its own; this component is UP whatever the file says.
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/actuator/health"))
                .header("Authorization", "Bearer " + admin()).GET().build(), HttpResponse.BodyHandlers.ofString());
        JsonNode component = EventJson.mapper().readTree(response.body()).get("components").get("targetsFile");
        assertThat(component.get("status").asString()).as(response.body()).isEqualTo("UP");
        return component.get("details");
    }

    private HttpResponse<String> post(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).header("Authorization", "Bearer " + admin())
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode getJson(String path) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .header("Authorization", "Bearer " + admin()).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as("GET %s: %s", path, response.body()).isEqualTo(200);
        return EventJson.mapper().readTree(response.body());
    }

    private static String admin() throws java.io.IOException {
        return Files.readString(ADMIN_TOKEN).strip();
    }
}
