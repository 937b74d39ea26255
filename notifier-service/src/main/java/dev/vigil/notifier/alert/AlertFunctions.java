package dev.vigil.notifier.alert;

import dev.vigil.messaging.IncomingEvent;
import java.util.function.Consumer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.messaging.Message;

/** Binds the notifier to failures and verdicts (binding {@code alert-in-0}). */
@Configuration(proxyBeanMethods = false)
class AlertFunctions {

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
