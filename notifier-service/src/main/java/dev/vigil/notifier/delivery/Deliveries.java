package dev.vigil.notifier.delivery;

import dev.vigil.contracts.json.EventJson;
import io.github.resilience4j.core.IntervalFunction;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The messages owed to each channel: written in the same transaction as the incident change that
 * causes them ({@link #enqueue}), or as a report is made ({@link #enqueueReport}), sent by
 * {@link #dispatchDue}. A channel that fails is tried again with a growing wait, and only its own
 * messages wait: the other channels go on. Several notifier instances may dispatch at once; a row is
 * sent by the one that locked it. A crash between a channel's answer and the commit sends that
 * message once more (a webhook receiver can tell by {@code X-Vigil-Delivery}).
 */
public final class Deliveries {

    private static final Logger log = LoggerFactory.getLogger(Deliveries.class);
    private static final int BATCH = 100;
    private static final Duration FIRST_WAIT = Duration.ofSeconds(1);
    /** The kind of a delivery holding a {@link ReportMail}; the others hold a {@link Notice}. */
    private static final String REPORT = "REPORT";

    private final JdbcClient jdbc;
    private final TransactionTemplate transactions;
    private final Map<String, Channel> channels;
    private final IntervalFunction backoff;
    private final Clock clock;

    public Deliveries(JdbcClient jdbc, TransactionTemplate transactions, Map<String, Channel> channels, Duration maxBackoff, Clock clock) {
        this.jdbc = jdbc;
        this.transactions = transactions;
        this.channels = Map.copyOf(channels);
        // 1 s after the first failure, doubling, at most the longest wait: resilience4j's exponential interval, as the outbox's.
        this.backoff = IntervalFunction.ofExponentialBackoff(FIRST_WAIT.compareTo(maxBackoff) > 0 ? maxBackoff : FIRST_WAIT, 2.0, maxBackoff);
        this.clock = clock;
    }

    /** Owes the notice to each channel, once: a notice already owed or sent to a channel is not owed again. Joins the caller's transaction. */
    public void enqueue(Notice notice, Collection<String> channelNames) {
        String json = EventJson.writeString(notice);
        for (String channel : channelNames) {
            jdbc.sql("insert into deliveries (notice_key, channel, notice) values (?, ?, cast(? as jsonb)) on conflict do nothing")
                    .params(notice.key(), channel, json).update();
        }
        if (channelNames.isEmpty()) {
            log.info("{} for target {} ({}): no subscription hears it", notice.type(), notice.targetId(), notice.kind());
        }
    }

    /**
     * Owes the report to those of the channels that take reports (email), once each: a channel that
     * already owes or was sent a report of this key is not owed it again, so several instances, or a
     * second run for the same period, send it once. Answers the channels it is newly owed to. Joins
     * the caller's transaction.
     */
    public List<String> enqueueReport(ReportMail report, Collection<String> channelNames) {
        String json = EventJson.writeString(report);
        List<String> owed = new ArrayList<>();
        for (String channel : channelNames) {
            if (channels.containsKey(channel) && channels.get(channel).takesReports()
                    && jdbc.sql("insert into deliveries (notice_key, channel, notice, kind) values (?, ?, cast(? as jsonb), '" + REPORT + "') "
                            + "on conflict do nothing").params(report.key(), channel, json).update() == 1) {
                owed.add(channel);
            }
        }
        return owed;
    }

    private record Due(long id, String channel, String kind, String notice, int attempts) {
    }

    /** Sends what is due, each channel in turn; answers how many messages went out. */
    public int dispatchDue() {
        Integer sent = transactions.execute(status -> {
            List<Due> due = jdbc.sql("select id, channel, kind, notice::text as notice, attempts from deliveries "
                            + "where sent_at is null and next_attempt_at <= ? order by id limit " + BATCH + " for update skip locked")
                    .param(Timestamp.from(clock.instant()))
                    .query((rs, n) -> new Due(rs.getLong("id"), rs.getString("channel"), rs.getString("kind"), rs.getString("notice"),
                            rs.getInt("attempts"))).list();
            Set<String> down = new HashSet<>();
            int count = 0;
            for (Due delivery : due) {
                if (down.contains(delivery.channel())) {
                    continue;
                }
                Channel channel = channels.get(delivery.channel());
                if (channel == null) {
                    jdbc.sql("update deliveries set last_error = ?, next_attempt_at = 'infinity' where id = ?")
                            .params("channel " + delivery.channel() + " is no longer configured: not sent", delivery.id()).update();
                    log.warn("a message is owed to channel {}, which is no longer configured: it is not sent", delivery.channel());
                    continue;
                }
                try {
                    byte[] json = delivery.notice().getBytes(StandardCharsets.UTF_8);
                    if (REPORT.equals(delivery.kind())) {
                        ReportMail report = EventJson.read(json, ReportMail.class);
                        channel.send(report);
                        log.info("report sent by {}: {}", channel.name(), report.key());
                    } else {
                        Notice notice = EventJson.read(json, Notice.class);
                        channel.send(notice);
                        log.info("{} sent by {}: target {} incident {} ({})", notice.type(), channel.name(), notice.targetId(),
                                notice.incidentId(), notice.kind());
                    }
                    jdbc.sql("update deliveries set sent_at = ?, attempts = attempts + 1, last_error = null where id = ?")
                            .params(Timestamp.from(clock.instant()), delivery.id()).update();
                    count++;
                } catch (Exception e) {
                    if (e instanceof InterruptedException) {
                        Thread.currentThread().interrupt();
                    }
                    down.add(delivery.channel());
                    Instant next = clock.instant().plus(backoff(delivery.attempts() + 1));
                    String error = e.getClass().getSimpleName() + ": " + e.getMessage();
                    jdbc.sql("update deliveries set attempts = attempts + 1, last_error = ?, next_attempt_at = ? where id = ?")
                            .params(error, Timestamp.from(next), delivery.id()).update();
                    // The channel's other messages wait as long, so a channel that is down is not knocked on once per message.
                    int waiting = jdbc.sql("update deliveries set next_attempt_at = ? where channel = ? and sent_at is null and next_attempt_at < ?")
                            .params(Timestamp.from(next), delivery.channel(), Timestamp.from(next)).update();
                    log.warn("channel {} did not take a message (attempt {}): {}; {} message(s) wait for it until {}", delivery.channel(),
                            delivery.attempts() + 1, error, waiting + 1, next);
                }
            }
            return count;
        });
        return sent == null ? 0 : sent;
    }

    private Duration backoff(int attempts) {
        return Duration.ofMillis(backoff.apply(attempts));
    }
}
