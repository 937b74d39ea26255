package dev.vigil.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.contracts.BrokerRights;
import dev.vigil.contracts.Topics;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;

/**
 * The broker the tests and the embedded default run refuses whoever may not do a thing: a client
 * without credentials, a wrong password, a team writing anything but {@code BackupRequested}, a
 * service writing another's events or reading in another's consumer group.
 */
class BrokerRightsTest {

    private static final LocalKafka KAFKA = LocalKafka.shared();
    private static final String EVENT = "{\"jobId\":\"forged\"}";

    @Test
    void aClientWithoutCredentialsCannotPublishAnything() {
        Map<String, Object> anonymous = Map.of("bootstrap.servers", KAFKA.bootstrapServers(), "max.block.ms", "5000");

        assertThatThrownBy(() -> KafkaProbe.send(anonymous, Topics.BACKUP_REQUESTED, "demo", EVENT))
                .rootCause().hasMessageContaining("not present in metadata");
        assertNothingArrivedFrom("anonymous", Topics.BACKUP_REQUESTED);
    }

    @Test
    void aWrongPasswordIsRefused() {
        Map<String, Object> impostor = new HashMap<>(KAFKA.clientProperties(BrokerRights.WORKER));
        impostor.put("sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required "
                + "username=\"dump-worker\" password=\"guessed\";");

        assertThatThrownBy(() -> KafkaProbe.send(impostor, Topics.ARTIFACT_CREATED, "demo", EVENT))
                .rootCause().isInstanceOf(SaslAuthenticationException.class);
    }

    @Test
    void aTeamMayRequestBackupsAndNothingElse() {
        KAFKA.addTeam("team-payments");
        Map<String, Object> team = KAFKA.clientProperties("team-payments");
        String marker = "{\"jobId\":\"team-payments-request\"}";

        KafkaProbe.send(team, Topics.BACKUP_REQUESTED, "payments-db", marker);
        for (String topic : new String[] {Topics.ARTIFACT_CREATED, Topics.BACKUP_VERIFIED, Topics.TARGETS, Topics.RESTORE_REQUESTED}) {
            assertThatThrownBy(() -> KafkaProbe.send(team, topic, "payments-db", EVENT))
                    .as(topic).rootCause().isInstanceOf(TopicAuthorizationException.class);
        }
        try (KafkaProbe admin = new KafkaProbe(KAFKA.bootstrapServers(), Topics.BACKUP_REQUESTED)) {
            admin.await(seen -> marker.equals(seen.value()), Duration.ofSeconds(20));
        }
    }

    @Test
    void aServiceMayWriteOnlyItsOwnEvents() {
        KafkaProbe.send(KAFKA.clientProperties(BrokerRights.WORKER), Topics.ARTIFACT_CREATED, "demo", "{}");

        assertThatThrownBy(() -> KafkaProbe.send(KAFKA.clientProperties(BrokerRights.WORKER), Topics.BACKUP_VERIFIED, "demo", EVENT))
                .rootCause().isInstanceOf(TopicAuthorizationException.class);
        assertThatThrownBy(() -> KafkaProbe.send(KAFKA.clientProperties(BrokerRights.STORAGE), Topics.TARGETS, "demo", EVENT))
                .rootCause().isInstanceOf(TopicAuthorizationException.class);
        assertThatThrownBy(() -> KafkaProbe.send(KAFKA.clientProperties(BrokerRights.NOTIFIER), Topics.BACKUP_FAILED, "demo", EVENT))
                .rootCause().isInstanceOf(TopicAuthorizationException.class);
    }

    @Test
    void aServiceCannotReadInAnotherServicesConsumerGroup() {
        Map<String, Object> settings = new HashMap<>(KAFKA.clientProperties(BrokerRights.NOTIFIER));
        settings.put("group.id", BrokerRights.STORAGE);
        try (var consumer = new KafkaConsumer<String, String>(settings, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(java.util.List.of(Topics.BACKUP_VERIFIED));
            assertThatThrownBy(() -> {
                for (int i = 0; i < 50; i++) {
                    consumer.poll(Duration.ofMillis(200));
                }
            }).isInstanceOf(GroupAuthorizationException.class);
        }
    }

    private static void assertNothingArrivedFrom(String who, String topic) {
        try (KafkaProbe admin = new KafkaProbe(KAFKA.bootstrapServers(), topic)) {
            assertThat(admin.seen(Duration.ofSeconds(2))).as("records %s managed to write", who)
                    .noneMatch(seen -> EVENT.equals(seen.value()));
        }
    }
}
