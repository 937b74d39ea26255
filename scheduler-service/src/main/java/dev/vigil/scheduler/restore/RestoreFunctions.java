package dev.vigil.scheduler.restore;

import java.util.function.Consumer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.messaging.Message;

/** Binds the restores to the verifier's answers (binding {@code trackRestores-in-0}). */
@Configuration(proxyBeanMethods = false)
class RestoreFunctions {

    @Bean
    Consumer<Message<byte[]>> trackRestores(Restores restores) {
        return message -> restores.complete(message.getPayload());
    }
}
