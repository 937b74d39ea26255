package dev.vigil.storage.dryrun;

import dev.vigil.contracts.DryRunChecked;
import dev.vigil.messaging.IncomingEvent;
import java.util.function.Consumer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.messaging.Message;

/** The storage service's part of a dry run: {@code dryRun} (binding {@code dryRun-in-0}, topic {@code vigil.dryrun.checked}). */
@Configuration(proxyBeanMethods = false)
class DryRunFunctions {

    /** Probes every destination of the target for the worker's part of a dry run; ignores the other answers. */
    @Bean
    Consumer<Message<byte[]>> dryRun(DryRunService service) {
        return message -> service.handle(IncomingEvent.read(message, DryRunChecked.class));
    }
}
