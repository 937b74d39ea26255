package dev.vigil.notifier;

import dev.vigil.messaging.VigilApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** Turns failed backups and failed verifications into Slack and email alerts. Configuration: {@code notifier-service.yml}. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class NotifierApplication {

    public static final String NAME = "notifier-service";

    public static void main(String[] args) {
        VigilApplication.builder(NotifierApplication.class, NAME).run(args);
    }
}
