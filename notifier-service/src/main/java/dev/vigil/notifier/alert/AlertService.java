package dev.vigil.notifier.alert;

import dev.vigil.contracts.BackupFailed;
import dev.vigil.contracts.BackupVerified;
import dev.vigil.contracts.Topics;
import dev.vigil.contracts.Verdict;
import dev.vigil.contracts.json.EventJson;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Sends one alert per failed job to every configured channel. A channel that already took the
 * alert for a job is skipped, so redeliveries send nothing twice; a channel that fails throws, and
 * the event is retried for the channels still owed.
 */
public class AlertService {

    private static final Logger log = LoggerFactory.getLogger(AlertService.class);

    private final List<AlertChannel> channels;
    private final JdbcClient jdbc;
    private final Tracer tracer;

    AlertService(List<AlertChannel> channels, JdbcClient jdbc, Tracer tracer) {
        this.channels = channels;
        this.jdbc = jdbc;
        this.tracer = tracer;
        if (channels.isEmpty()) {
            log.warn("no alert channel is configured: set VIGIL_SLACK_WEBHOOK_URL and/or VIGIL_ALERT_EMAIL_TO with the SMTP settings");
        }
    }

    public void handle(String topic, byte[] payload) throws Exception {
        Alert alert = switch (topic) {
            case Topics.BACKUP_FAILED -> Alert.of(EventJson.read(payload, BackupFailed.class), traceId());
            case Topics.BACKUP_VERIFIED -> {
                BackupVerified verified = EventJson.read(payload, BackupVerified.class);
                yield verified.verdict() == Verdict.PASSED ? null : Alert.of(verified, traceId());
            }
            default -> throw new IllegalArgumentException("the notifier does not read topic " + topic);
        };
        if (alert == null) {
            return;
        }
        log.info("alert: job {} target {}: {}", alert.jobId(), alert.targetId(), alert.headline());
        for (AlertChannel channel : channels) {
            boolean sent = jdbc.sql("select exists (select 1 from sent_alerts where job_id = ? and channel = ?)")
                    .params(UUID.fromString(alert.jobId()), channel.name()).query(Boolean.class).single();
            if (sent) {
                continue;
            }
            channel.send(alert);
            jdbc.sql("insert into sent_alerts (job_id, channel, target_id, headline) values (?, ?, ?, ?) on conflict do nothing")
                    .params(UUID.fromString(alert.jobId()), channel.name(), alert.targetId(), alert.headline()).update();
            log.info("alert sent by {}: job {} target {}", channel.name(), alert.jobId(), alert.targetId());
        }
    }

    private String traceId() {
        Span span = tracer.currentSpan();
        return span == null ? null : span.context().traceId();
    }
}
