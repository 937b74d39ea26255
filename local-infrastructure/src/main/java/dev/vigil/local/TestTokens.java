package dev.vigil.local;

import dev.vigil.contracts.AccessGranted;
import dev.vigil.contracts.AccessToken;
import dev.vigil.contracts.Role;
import dev.vigil.contracts.Topics;
import dev.vigil.contracts.json.EventJson;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Access tokens for tests of a service that reads the access topic (every service but the
 * scheduler, which keeps its own table): granted on the shared broker as the scheduler would, by
 * the broker's administrator. Grant them before the service under test starts, so it has read them
 * when the first request comes. One token per name and role per JVM. Thread-safe.
 */
public final class TestTokens {

    private static final Map<String, String> ISSUED = new ConcurrentHashMap<>();

    private TestTokens() {
    }

    /** A token named {@code name} with {@code role}, granted on the shared broker. */
    public static String of(String name, Role role) {
        return ISSUED.computeIfAbsent(name + "/" + role, key -> grant(LocalKafka.shared(), name, role));
    }

    public static String admin() {
        return of("test-admin", Role.ADMIN);
    }

    public static String operator() {
        return of("test-operator", Role.OPERATOR);
    }

    public static String viewer() {
        return of("test-viewer", Role.VIEWER);
    }

    /** A request builder carrying {@code token} as its bearer credential. */
    public static HttpRequest.Builder bearer(HttpRequest.Builder request, String token) {
        return request.header("Authorization", "Bearer " + token);
    }

    private static String grant(LocalKafka kafka, String name, Role role) {
        AccessToken token = AccessToken.issue();
        AccessGranted grant = AccessGranted.now(token.tokenId(), name, role, token.secretSha256(), null, "tests");
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(kafka.clientProperties(LocalKafka.ADMIN), new ByteArraySerializer(),
                new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(Topics.ACCESS_GRANTED, token.tokenId().getBytes(StandardCharsets.UTF_8), EventJson.write(grant)))
                    .get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while granting a test token", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("the broker did not take the test token's grant: " + e.getCause(), e);
        }
        return token.text();
    }
}
