package dev.vigil.verifier.dryrun;

import dev.vigil.contracts.DryRunChecked;
import dev.vigil.messaging.IncomingEvent;
import java.util.function.Consumer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.messaging.Message;

/** The verifier's part of a dry run: {@code dryRun} (binding {@code dryRun-in-0}, topic {@code vigil.dryrun.checked}). */
@Configuration(proxyBeanMethods = false)
class DryRunFunctions {

    /** Checks the verification server against the worker's part of a dry run; ignores the other answers. Quick: on the consumer thread. */
    @Bean
    Consumer<Message<byte[]>> dryRun(DryRunService service) {
        return message -> service.handle(IncomingEvent.read(message, DryRunChecked.class));
    }
}
