package dev.vigil.verifier.verify;

import dev.vigil.contracts.ArtifactStored;
import dev.vigil.contracts.RecheckRequested;
import dev.vigil.messaging.IncomingEvent;
import dev.vigil.messaging.OffThreadDispatcher;
import java.util.function.Consumer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.messaging.Message;

/**
 * Binds verification to {@code vigil.artifact.stored} (binding {@code verify-in-0}) and re-restores
 * to {@code vigil.recheck.requested} (binding {@code recheck-in-0}).
 */
@Configuration(proxyBeanMethods = false)
class VerifierFunctions {

    /** Reads the event on the consumer thread (a malformed one lands in the dead-letter topic), then verifies on a thread of its own. */
    @Bean
    Consumer<Message<byte[]>> verify(OffThreadDispatcher dispatcher, VerificationService service) {
        return message -> {
            ArtifactStored stored = IncomingEvent.read(message, ArtifactStored.class);
            dispatcher.dispatch(message, "verification of job " + stored.jobId() + " target " + stored.targetId(),
                    cancellation -> service.handle(stored, cancellation));
        };
    }

    /** Reads the request on the consumer thread, then restores the backup again on a thread of its own, like a verification. */
    @Bean
    Consumer<Message<byte[]>> recheck(OffThreadDispatcher dispatcher, VerificationService service) {
        return message -> {
            RecheckRequested request = IncomingEvent.read(message, RecheckRequested.class);
            dispatcher.dispatch(message, "re-restore " + request.checkId() + " of job " + request.jobId() + " target " + request.targetId(),
                    cancellation -> service.recheck(request, cancellation));
        };
    }
}
