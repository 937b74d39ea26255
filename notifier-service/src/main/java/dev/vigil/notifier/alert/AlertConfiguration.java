package dev.vigil.notifier.alert;

import dev.vigil.notifier.NotifierProperties;
import io.micrometer.tracing.Tracer;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.mail.javamail.JavaMailSender;

/** The notifier's wiring: the alert channels that are configured (Slack, email) and the service that sends through them. */
@Configuration(proxyBeanMethods = false)
class AlertConfiguration {

    @Bean
    AlertService alertService(NotifierProperties properties, ObjectProvider<JavaMailSender> mail, DataSource dataSource, Tracer tracer,
            @Value("${spring.mail.host:}") String smtpHost) {
        List<AlertChannel> channels = new ArrayList<>();
        if (!properties.slackWebhookUrl().isBlank()) {
            channels.add(new SlackChannel(properties.slackWebhookUrl(), properties.dashboardUrl()));
        }
        List<String> to = properties.emailTo().stream().filter(address -> !address.isBlank()).toList();
        JavaMailSender sender = mail.getIfAvailable();
        if (!to.isEmpty()) {
            if (sender == null || smtpHost.isBlank()) {
                throw new IllegalStateException("vigil.notifier.email-to is set but no SMTP server is: set VIGIL_SMTP_HOST (spring.mail.host)");
            }
            channels.add(new EmailChannel(sender, to, properties.emailFrom(), properties.dashboardUrl()));
        }
        return new AlertService(channels, JdbcClient.create(dataSource), tracer);
    }
}
