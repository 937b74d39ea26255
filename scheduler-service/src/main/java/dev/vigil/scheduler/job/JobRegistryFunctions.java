package dev.vigil.scheduler.job;

import dev.vigil.messaging.IncomingEvent;
import java.util.function.Consumer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.messaging.Message;

/** Binds the job registry to every lifecycle topic (binding {@code trackJobs-in-0}). */
@Configuration(proxyBeanMethods = false)
class JobRegistryFunctions {

    @Bean
    Consumer<Message<byte[]>> trackJobs(JobRegistry registry) {
        return message -> registry.apply(IncomingEvent.topic(message), message.getPayload());
    }
}
