package dev.vigil.notifier.delivery;

import dev.vigil.notifier.NotifierProperties;
import dev.vigil.notifier.NotifierProperties.ChannelSettings;
import dev.vigil.notifier.NotifierProperties.SubscriptionSettings;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.mail.javamail.JavaMailSender;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The channels and subscriptions as set, checked at start-up: a channel without the settings it
 * needs, or a subscription naming a channel that does not exist, stops the notifier saying what to
 * set. {@code slack-webhook-url} and {@code email-to} are the channels {@code slack} and
 * {@code email} of a subscription {@code default} covering every target.
 */
@Configuration(proxyBeanMethods = false)
class DeliveryConfiguration {

    private static final Logger log = LoggerFactory.getLogger(DeliveryConfiguration.class);

    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }

    @Bean
    Map<String, Channel> channels(NotifierProperties properties, ObjectProvider<JavaMailSender> mail, Clock clock,
            @Value("${spring.mail.host:}") String smtpHost) {
        Map<String, Channel> channels = new LinkedHashMap<>();
        if (!properties.slackWebhookUrl().isBlank()) {
            channels.put("slack", slack("slack", properties.slackWebhookUrl(), properties));
        }
        List<String> to = properties.emailTo().stream().filter(address -> !address.isBlank()).toList();
        if (!to.isEmpty()) {
            channels.put("email", email("email", to, properties, mail, smtpHost, "vigil.notifier.email-to"));
        }
        properties.channels().forEach((name, settings) -> {
            if (channels.containsKey(name)) {
                throw new IllegalStateException("vigil.notifier.channels." + name + ": the name '" + name
                        + "' is taken by vigil.notifier.slack-webhook-url or email-to; choose another");
            }
            channels.put(name, channel(name, settings, properties, mail, smtpHost, clock));
        });
        if (channels.isEmpty()) {
            log.warn("no alert channel is configured: set VIGIL_SLACK_WEBHOOK_URL and/or VIGIL_ALERT_EMAIL_TO with the SMTP settings, "
                    + "or vigil.notifier.channels and subscriptions; incidents are still recorded and listed at /api/v1/incidents");
        }
        return channels;
    }

    @Bean
    Subscriptions subscriptions(NotifierProperties properties, Map<String, Channel> channels) {
        List<Subscriptions.Rule> rules = new java.util.ArrayList<>(Subscriptions.checked(properties.subscriptions(), channels.keySet()));
        List<String> defaults = channels.keySet().stream().filter(name -> name.equals("slack") || name.equals("email"))
                .filter(name -> !properties.channels().containsKey(name)).toList();
        if (!defaults.isEmpty()) {
            if (rules.stream().anyMatch(rule -> rule.name().equals("default"))) {
                throw new IllegalStateException("a subscription is named 'default', the name of the subscription of "
                        + "vigil.notifier.slack-webhook-url and email-to; choose another name");
            }
            rules.addAll(Subscriptions.checked(List.of(new SubscriptionSettings("default", List.of(), Map.of(), true, List.of(),
                    dev.vigil.notifier.Severity.INFO, defaults, false)), channels.keySet()));
        }
        Subscriptions.checkReportChannels(rules, name -> channels.get(name).takesReports());
        rules.forEach(rule -> log.info("subscription {}: targets {} labels {}{}, kinds {}, from {}, to {}{}", rule.name(), rule.targets(),
                rule.labels(), rule.allTargets() ? " (all targets)" : "", rule.kinds(), rule.minSeverity(), rule.channels(),
                rule.weeklyReport() ? ", weekly report by email" : ""));
        return new Subscriptions(rules);
    }

    @Bean
    Deliveries deliveries(DataSource dataSource, TransactionTemplate transactions, Map<String, Channel> channels, NotifierProperties properties,
            Clock clock) {
        return new Deliveries(JdbcClient.create(dataSource), transactions, channels, properties.deliveryMaxBackoff(), clock);
    }

    private static Channel channel(String name, ChannelSettings settings, NotifierProperties properties, ObjectProvider<JavaMailSender> mail,
            String smtpHost, Clock clock) {
        String where = "vigil.notifier.channels." + name;
        return switch (settings.type().trim().toLowerCase(java.util.Locale.ROOT)) {
            case "slack" -> {
                requireUrl(where, settings.url(), "the Slack incoming-webhook URL");
                yield slack(name, settings.url(), properties);
            }
            case "email" -> {
                List<String> to = settings.to().stream().filter(address -> !address.isBlank()).toList();
                if (to.isEmpty()) {
                    throw new IllegalStateException(where + ".to is empty: list the recipients, e.g. to: [oncall@example.com]");
                }
                yield email(name, to, properties, mail, smtpHost, where + ".to");
            }
            case "webhook" -> {
                requireUrl(where, settings.url(), "the receiver's URL");
                if (settings.secret().length() < 16) {
                    throw new IllegalStateException(where + ".secret must be set, at least 16 characters: the receiver checks each message's "
                            + "HMAC-SHA256 signature with it (give it by reference, e.g. ${PAYMENTS_WEBHOOK_SECRET})");
                }
                yield new WebhookChannel(name, settings.url(), settings.secret(), clock);
            }
            case "" -> throw new IllegalStateException(where + ".type is not set: slack, email or webhook");
            default -> throw new IllegalStateException(where + ".type '" + settings.type() + "' is not a channel type: slack, email or webhook");
        };
    }

    private static void requireUrl(String where, String url, String what) {
        if (url.isBlank()) {
            throw new IllegalStateException(where + ".url is not set: " + what);
        }
        if (!url.startsWith("https://") && !url.startsWith("http://")) {
            throw new IllegalStateException(where + ".url must be an http(s) URL: " + what);
        }
    }

    private static Channel slack(String name, String url, NotifierProperties properties) {
        return new SlackChannel(name, url, properties.dashboardUrl());
    }

    private static Channel email(String name, List<String> to, NotifierProperties properties, ObjectProvider<JavaMailSender> mail,
            String smtpHost, String where) {
        JavaMailSender sender = mail.getIfAvailable();
        if (sender == null || smtpHost.isBlank()) {
            throw new IllegalStateException(where + " is set but no SMTP server is: set VIGIL_SMTP_HOST (spring.mail.host)");
        }
        return new EmailChannel(name, sender, to, properties.emailFrom(), properties.dashboardUrl());
    }
}
