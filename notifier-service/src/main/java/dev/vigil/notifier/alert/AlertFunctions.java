package dev.vigil.notifier.alert;

import dev.vigil.messaging.IncomingEvent;
import dev.vigil.notifier.NotifierProperties;
import io.micrometer.tracing.Tracer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.mail.javamail.JavaMailSender;
import org.springframework.messaging.Message;

/** Binds the notifier to failures and verdicts (binding {@code alert-in-0}) and wires the configured channels. */
@Configuration(proxyBeanMethods = false)
class AlertFunctions {

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

    @Bean
    Consumer<Message<byte[]>> alert(AlertService service) {
        return message -> {
            try {
                service.handle(IncomingEvent.topic(message), message.getPayload());
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException("alert not delivered, will retry: " + e.getMessage(), e);
            }
        };
    }
}
