package dev.vigil.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.vigil.contracts.AccessGranted;
import dev.vigil.contracts.AccessToken;
import dev.vigil.contracts.BrokerRights;
import dev.vigil.contracts.Role;
import dev.vigil.contracts.Topics;
import dev.vigil.contracts.json.EventJson;
import dev.vigil.local.LocalKafka;
import dev.vigil.local.ServiceTestSettings;
import dev.vigil.local.TestTokens;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/**
 * A small service with the sign-in every Vigil service gets, against the real broker's access
 * topic: who gets in, with which role, and what a refused caller is told.
 */
@SpringBootTest(classes = SignInTest.App.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"spring.application.name=sign-in-test", "spring.config.import=classpath:vigil-common.yml", "spring.autoconfigure.exclude="
                + "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration"})
class SignInTest {

    private static final String ADMIN = TestTokens.admin();
    private static final String OPERATOR = TestTokens.operator();
    private static final String VIEWER = TestTokens.viewer();

    @SpringBootApplication
    @RestController
    static class App {

        @GetMapping("/api/v1/things")
        Map<String, String> things() {
            return Map.of("caller", Callers.name().orElse("nobody"));
        }

        @PostMapping("/api/v1/things")
        Map<String, String> change() {
            return Map.of("changed", "yes");
        }

        @PostMapping("/api/v1/things/start")
        Map<String, String> start() {
            return Map.of("started", Callers.name().orElse("nobody"));
        }

        @Bean
        AccessRule startingNeedsAnOperator() {
            return AccessRule.post("/api/v1/things/start", Role.OPERATOR);
        }
    }

    @DynamicPropertySource
    static void settings(DynamicPropertyRegistry registry) {
        ServiceTestSettings.kafka(registry, BrokerRights.STORAGE);
    }

    @LocalServerPort
    int port;

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void withoutATokenEveryRequestIsAnswered401WithAChallengeAndWhatToDo() throws Exception {
        for (HttpResponse<String> response : new HttpResponse[] {send("GET", "/api/v1/things", null), send("POST", "/api/v1/things", null),
                send("GET", "/actuator/prometheus", null), send("GET", "/actuator/metrics", null), send("GET", "/nowhere", null)}) {
            assertThat(response.statusCode()).as(response.uri().toString()).isEqualTo(401);
            assertThat(response.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(value -> assertThat(value).startsWith("Bearer"));
            assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
            assertThat(json(response).get("detail").asString()).contains("Authorization: Bearer vigil_");
        }
    }

    @Test
    void aMadeUpOrGarbledTokenIsRefusedAndTheAnswerNeverRepeatsIt() throws Exception {
        String madeUp = AccessToken.issue().text();
        HttpResponse<String> unknown = send("GET", "/api/v1/things", madeUp);
        HttpResponse<String> garbled = send("GET", "/api/v1/things", "hunter2");
        HttpResponse<String> wrongSecret = send("GET", "/api/v1/things", ADMIN.substring(0, ADMIN.length() - 2) + "xx");

        assertThat(unknown.statusCode()).isEqualTo(401);
        assertThat(json(unknown).get("detail").asString()).contains("unknown or revoked").doesNotContain(madeUp.substring(madeUp.indexOf('.')));
        assertThat(garbled.statusCode()).isEqualTo(401);
        assertThat(json(garbled).get("detail").asString()).contains("not a Vigil access token");
        assertThat(wrongSecret.statusCode()).isEqualTo(401);
    }

    @Test
    void aViewerReadsButMayNotChangeAnythingAnOperatorStartsAndAnAdminDoesAll() throws Exception {
        assertThat(send("GET", "/api/v1/things", VIEWER).body()).contains("\"caller\":\"test-viewer\"");
        HttpResponse<String> viewerChanges = send("POST", "/api/v1/things", VIEWER);
        assertThat(viewerChanges.statusCode()).isEqualTo(403);
        assertThat(json(viewerChanges).get("detail").asString()).contains("your role may not POST /api/v1/things");
        assertThat(send("POST", "/api/v1/things/start", VIEWER).statusCode()).isEqualTo(403);

        assertThat(send("POST", "/api/v1/things/start", OPERATOR).body()).contains("\"started\":\"test-operator\"");
        assertThat(send("POST", "/api/v1/things", OPERATOR).statusCode()).as("no rule: changes need an admin").isEqualTo(403);

        assertThat(send("POST", "/api/v1/things", ADMIN).statusCode()).isEqualTo(200);
        assertThat(send("POST", "/api/v1/things/start", ADMIN).statusCode()).isEqualTo(200);
    }

    @Test
    void healthProbesAnswerWithoutATokenButItsDetailsOnlyToAViewer() throws Exception {
        HttpResponse<String> open = send("GET", "/actuator/health", null);
        assertThat(open.statusCode()).isEqualTo(200);
        assertThat(json(open).has("components")).isFalse();
        assertThat(send("GET", "/actuator/health/readiness", null).statusCode()).isEqualTo(200);

        HttpResponse<String> signedIn = send("GET", "/actuator/health", VIEWER);
        assertThat(json(signedIn).has("components")).isTrue();
        assertThat(send("GET", "/actuator/prometheus", VIEWER).statusCode()).isEqualTo(200);
    }

    @Test
    void aRevokedTokenStopsWorkingAndAnExpiredOneNeverWorks() throws Exception {
        AccessToken token = AccessToken.issue();
        grant(token, AccessGranted.now(token.tokenId(), "leaver", Role.ADMIN, token.secretSha256(), null, "tests"));
        await().atMost(Duration.ofSeconds(10)).until(() -> send("GET", "/api/v1/things", token.text()).statusCode() == 200);

        grant(token, null);

        await().atMost(Duration.ofSeconds(10)).until(() -> send("GET", "/api/v1/things", token.text()).statusCode() == 401);

        AccessToken expired = AccessToken.issue();
        grant(expired, AccessGranted.now(expired.tokenId(), "temp", Role.ADMIN, expired.secretSha256(), Instant.now().plusMillis(1500), "tests"));
        await().atMost(Duration.ofSeconds(10)).until(() -> send("GET", "/api/v1/things", expired.text()).statusCode() == 200);
        await().atMost(Duration.ofSeconds(10)).until(() -> send("GET", "/api/v1/things", expired.text()).statusCode() == 401);
        assertThat(json(send("GET", "/api/v1/things", expired.text())).get("detail").asString()).contains("expired");
    }

    private static void grant(AccessToken token, AccessGranted grant) throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(LocalKafka.shared().clientProperties(LocalKafka.ADMIN),
                new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(Topics.ACCESS_GRANTED, token.tokenId().getBytes(StandardCharsets.UTF_8),
                    grant == null ? null : EventJson.write(grant))).get();
        }
    }

    private HttpResponse<String> send(String method, String path, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .method(method, HttpRequest.BodyPublishers.noBody());
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode json(HttpResponse<String> response) {
        return EventJson.mapper().readTree(response.body());
    }
}
