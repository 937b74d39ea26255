package dev.vigil.worker.messaging;

import dev.vigil.contracts.BackupRequested;
import dev.vigil.messaging.IncomingEvent;
import dev.vigil.messaging.OffThreadDispatcher;
import dev.vigil.worker.dryrun.DryRunService;
import dev.vigil.worker.dump.DumpService;
import java.util.function.Consumer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.messaging.Message;

/** Binds the worker to {@code vigil.backup.requested} (binding {@code dump-in-0}): a dump, or a dry run where the request asks for one. */
@Configuration(proxyBeanMethods = false)
class DumpFunctions {

    /**
     * Reads the request on the consumer thread (a malformed one lands in the dead-letter topic), then
     * dumps it, or checks it when it asks for a dry run, on a thread of its own. A dry run never reaches
     * the dump service.
     */
    @Bean
    Consumer<Message<byte[]>> dump(OffThreadDispatcher dispatcher, DumpService service, DryRunService dryRuns) {
        return message -> {
            BackupRequested request = IncomingEvent.read(message, BackupRequested.class);
            if (request.dryRunAsked()) {
                dispatcher.dispatch(message, "dry run of job " + request.jobId() + " target " + request.targetId(),
                        cancellation -> dryRuns.run(request, cancellation));
                return;
            }
            dispatcher.dispatch(message, "dump of job " + request.jobId() + " target " + request.targetId(),
                    cancellation -> service.run(request, cancellation));
        };
    }
}
