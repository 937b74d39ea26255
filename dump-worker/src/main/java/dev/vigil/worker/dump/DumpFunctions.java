package dev.vigil.worker.dump;

import dev.vigil.contracts.BackupRequested;
import dev.vigil.messaging.IncomingEvent;
import dev.vigil.messaging.OffThreadDispatcher;
import java.util.function.Consumer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.messaging.Message;

/** Binds the worker to {@code vigil.backup.requested} (binding {@code dump-in-0}). */
@Configuration(proxyBeanMethods = false)
class DumpFunctions {

    /** Reads the request on the consumer thread (a malformed one lands in the dead-letter topic), then dumps it on a thread of its own. */
    @Bean
    Consumer<Message<byte[]>> dump(OffThreadDispatcher dispatcher, DumpService service) {
        return message -> {
            BackupRequested request = IncomingEvent.read(message, BackupRequested.class);
            dispatcher.dispatch(message, "dump of job " + request.jobId() + " target " + request.targetId(),
                    cancellation -> service.run(request, cancellation));
        };
    }
}
