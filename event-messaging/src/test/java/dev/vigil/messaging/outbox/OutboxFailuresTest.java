package dev.vigil.messaging.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.junit.jupiter.api.Test;
import org.springframework.kafka.KafkaException;
import org.springframework.messaging.MessageHandlingException;

class OutboxFailuresTest {

    @Test
    void onlyAFailureOfTheRowItselfCountsAnAttempt() {
        assertThat(OutboxRelay.isTheRowsOwn(wrapped(new RecordTooLargeException("The message is 60312 bytes")))).isTrue();
        assertThat(OutboxRelay.isTheRowsOwn(new IllegalStateException("the binder did not accept the BackupFailed"))).isTrue();
        assertThat(OutboxRelay.isTheRowsOwn(wrapped(new TimeoutException("Topic not present in metadata after 60000 ms")))).isFalse();
        assertThat(OutboxRelay.isTheRowsOwn(wrapped(new TopicAuthorizationException("Not authorized")))).isFalse();
    }

    @Test
    void theReasonIsTheInnermostCauseNotTheMessageAroundThePayload() {
        assertThat(OutboxRelay.reason(wrapped(new RecordTooLargeException("The message is 60312 bytes when serialized"))))
                .isEqualTo("RecordTooLargeException: The message is 60312 bytes when serialized");
    }

    @Test
    void theBackoffDoublesUpToItsMaximum() {
        OutboxRelay relay = new OutboxRelay(null, null, null, null, null,
                new OutboxProperties(Duration.ofSeconds(1), 10, Duration.ofSeconds(1), Duration.ofSeconds(5), Duration.ofDays(1),
                        Duration.ofMinutes(10)), null);

        assertThat(relay.backoff(1)).isEqualTo(Duration.ofSeconds(1));
        assertThat(relay.backoff(2)).isEqualTo(Duration.ofSeconds(2));
        assertThat(relay.backoff(3)).isEqualTo(Duration.ofSeconds(4));
        assertThat(relay.backoff(4)).isEqualTo(Duration.ofSeconds(5));
        assertThat(relay.backoff(40)).isEqualTo(Duration.ofSeconds(5));
    }

    private static RuntimeException wrapped(Exception cause) {
        return new MessageHandlingException(org.springframework.messaging.support.MessageBuilder.withPayload(new byte[60_000]).build(),
                "error occurred in message handler", new KafkaException("Send failed", cause));
    }
}
