package dev.vigil.worker.dump;

import dev.vigil.contracts.BackupRequested;
import dev.vigil.messaging.EventPublisher;
import dev.vigil.messaging.IncomingEvent;
import dev.vigil.worker.WorkerProperties;
import dev.vigil.worker.target.TargetDirectory;
import java.util.function.Consumer;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.messaging.Message;

/** Binds the worker to {@code vigil.backup.requested} (binding {@code dump-in-0}). */
@Configuration(proxyBeanMethods = false)
class DumpFunctions {

    @Bean
    TargetDirectory targetDirectory(@Value("${spring.cloud.stream.kafka.binder.brokers}") String brokers) {
        return new TargetDirectory(brokers);
    }

    @Bean
    DumpService dumpService(TargetDirectory targets, EventPublisher publisher, WorkerProperties properties) {
        return new DumpService(targets, publisher, properties);
    }

    @Bean
    Consumer<Message<byte[]>> dump(DumpService service) {
        return message -> {
            try {
                service.handle(IncomingEvent.read(message, BackupRequested.class));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while dumping; the request will be redelivered", e);
            }
        };
    }
}
