package dev.vigil.notifier;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of the notifier ({@code vigil.notifier.*}).
 *
 * @param slackWebhookUrl  a Slack incoming-webhook URL heard by the default subscription (every target, every
 *                         kind); a secret, so give it by reference ({@code VIGIL_SLACK_WEBHOOK_URL}); never logged
 * @param emailTo          recipients of the default subscription's emails (the SMTP server is {@code spring.mail.*})
 * @param emailFrom        sender of every email
 * @param dashboardUrl     base URL of the scheduler's API, linked from alerts
 * @param channels         named channels: Slack webhooks, email lists, signed JSON webhooks
 * @param subscriptions    who hears what: targets (ids or labels), kinds, minimum severity, channels
 * @param monitoring       defaults for every target that does not set its own (targets file, {@code monitoring:})
 * @param alertHorizon     an event older than this changes incidents without alerting anyone (a new notifier
 *                         reading history must not page for last month's failures)
 * @param reminderInterval how often an open, unacknowledged incident is announced again; zero: never
 * @param checkInterval    how often freshness is checked and the meters refreshed
 * @param deliveryInterval how often owed messages are sent
 * @param deliveryMaxBackoff the longest wait before a channel that is down is tried again
 * @param report           when the weekly report goes to the subscriptions that ask for it
 */
@ConfigurationProperties("vigil.notifier")
public record NotifierProperties(
        @DefaultValue("") String slackWebhookUrl,
        @DefaultValue List<String> emailTo,
        @DefaultValue("vigil@localhost") String emailFrom,
        @DefaultValue("") String dashboardUrl,
        @DefaultValue Map<String, ChannelSettings> channels,
        @DefaultValue List<SubscriptionSettings> subscriptions,
        @DefaultValue MonitoringDefaults monitoring,
        @DefaultValue("24h") Duration alertHorizon,
        @DefaultValue("0s") Duration reminderInterval,
        @DefaultValue("30s") Duration checkInterval,
        @DefaultValue("1s") Duration deliveryInterval,
        @DefaultValue("5m") Duration deliveryMaxBackoff,
        @DefaultValue ReportSettings report) {

    /**
     * One channel.
     *
     * @param type   {@code slack}, {@code email} or {@code webhook}
     * @param url    the Slack incoming webhook, or the webhook's URL (a secret: never logged)
     * @param to     the email recipients
     * @param secret the webhook's shared HMAC-SHA256 key, at least 16 characters (a secret)
     */
    public record ChannelSettings(@DefaultValue("") String type, @DefaultValue("") String url, @DefaultValue List<String> to,
            @DefaultValue("") String secret) {
    }

    /**
     * One routing rule.
     *
     * @param targets     target ids it covers
     * @param labels      labels a target must all carry to be covered, e.g. {@code team: payments}
     * @param allTargets  covers every target
     * @param kinds       the incident kinds it hears; empty: all
     * @param minSeverity the least severe incident it hears
     * @param channels    the channel names its messages go to
     * @param weeklyReport whether its email channels also get the weekly report of the targets it covers
     *                    (kinds and severity do not narrow the report; Slack and webhook channels get none)
     */
    public record SubscriptionSettings(@DefaultValue("") String name, @DefaultValue List<String> targets,
            @DefaultValue Map<String, String> labels, @DefaultValue("false") boolean allTargets, @DefaultValue List<String> kinds,
            @DefaultValue("INFO") Severity minSeverity, @DefaultValue List<String> channels, @DefaultValue("false") boolean weeklyReport) {
    }

    /**
     * The weekly report by email.
     *
     * @param schedule a six-field cron expression (UTC) for sending the report of the 7 days before; {@code -} turns it off
     */
    public record ReportSettings(@DefaultValue("0 0 8 * * MON") String schedule) {

        public ReportSettings {
            if (!"-".equals(schedule) && !org.springframework.scheduling.support.CronExpression.isValidExpression(schedule)) {
                throw new IllegalArgumentException("vigil.notifier.report.schedule must be a six-field cron expression (UTC) or '-' for "
                        + "never, got: " + schedule);
            }
        }
    }

    /**
     * What a target that sets nothing of its own is watched with.
     *
     * @param freshnessLimit       the longest time without a verified backup
     * @param history              how many of the newest verified backups a new one is compared with
     * @param minHistory           fewer verified backups and no size comparison is made
     * @param sizeTolerancePercent size and total rows may stray this far from the median before the spread counts
     * @param tableLossPercent     a table that lost more than this share of its rows is a content anomaly
     * @param tableMinRows         ...when it usually holds at least this many rows
     */
    public record MonitoringDefaults(@DefaultValue("25h") Duration freshnessLimit, @DefaultValue("14") int history,
            @DefaultValue("5") int minHistory, @DefaultValue("25") int sizeTolerancePercent, @DefaultValue("50") int tableLossPercent,
            @DefaultValue("100") long tableMinRows) {
    }
}
