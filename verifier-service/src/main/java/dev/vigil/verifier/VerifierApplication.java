package dev.vigil.verifier;

import dev.vigil.messaging.VigilApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** Restores every stored backup into a scratch database and compares it with its source. Configuration: {@code verifier-service.yml}. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class VerifierApplication {

    public static final String NAME = "verifier-service";

    public static void main(String[] args) {
        VigilApplication.builder(VerifierApplication.class, NAME).run(args);
    }
}
