package dev.vigil.notifier.monitor;

import dev.vigil.messaging.IncomingEvent;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import java.util.function.Consumer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.messaging.Message;

/** Binds the notifier to stored artifacts, verdicts, failures, re-checks of copies and retention runs (binding {@code monitor-in-0}). */
@Configuration(proxyBeanMethods = false)
class MonitorFunctions {

    @Bean
    Consumer<Message<byte[]>> monitor(MonitorService service, Tracer tracer) {
        return message -> {
            Span span = tracer.currentSpan();
            service.handle(IncomingEvent.topic(message), message.getPayload(), span == null ? null : span.context().traceId());
        };
    }
}
