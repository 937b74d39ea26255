package dev.vigil.scheduler.audit;

import java.util.function.Consumer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.messaging.Message;

/** Binds the audit log to every service's audited requests (binding {@code recordRequests-in-0}). */
@Configuration(proxyBeanMethods = false)
class AuditFunctions {

    @Bean
    Consumer<Message<byte[]>> recordRequests(RequestAuditLog log) {
        return message -> log.record(message.getPayload());
    }
}
