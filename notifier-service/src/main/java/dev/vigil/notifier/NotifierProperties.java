package dev.vigil.notifier;

import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of the notifier ({@code vigil.notifier.*}). A channel without settings is off.
 *
 * @param slackWebhookUrl a Slack incoming-webhook URL; a secret, so give it by reference
 *                        ({@code VIGIL_SLACK_WEBHOOK_URL}); it is never logged
 * @param emailTo         recipients of alert emails (the SMTP server is {@code spring.mail.*})
 * @param emailFrom       sender of alert emails
 * @param dashboardUrl    base URL of the scheduler's API, linked from alerts
 */
@ConfigurationProperties("vigil.notifier")
public record NotifierProperties(
        @DefaultValue("") String slackWebhookUrl,
        @DefaultValue List<String> emailTo,
        @DefaultValue("vigil@localhost") String emailFrom,
        @DefaultValue("") String dashboardUrl) {
}
