package dev.vigil.verifier.restore;

import dev.vigil.contracts.RestoreRequested;
import dev.vigil.messaging.IncomingEvent;
import dev.vigil.messaging.OffThreadDispatcher;
import java.util.function.Consumer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.messaging.Message;

/** Binds restores on demand to {@code vigil.restore.requested} (binding {@code restore-in-0}). */
@Configuration(proxyBeanMethods = false)
class RestoreFunctions {

    /** Reads the request on the consumer thread, then restores on a thread of its own, like a verification. */
    @Bean
    Consumer<Message<byte[]>> restore(OffThreadDispatcher dispatcher, RestoreService service) {
        return message -> {
            RestoreRequested request = IncomingEvent.read(message, RestoreRequested.class);
            dispatcher.dispatch(message, "restore " + request.restoreId() + " of target " + request.targetId() + " into " + request.database(),
                    cancellation -> service.handle(request, cancellation));
        };
    }
}
