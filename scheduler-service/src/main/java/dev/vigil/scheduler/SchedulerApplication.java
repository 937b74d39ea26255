package dev.vigil.scheduler;

import dev.vigil.messaging.VigilApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.scheduling.annotation.EnableScheduling;

/** Target list, schedules, job registry and REST API. Configuration: {@code scheduler-service.yml}. */
@SpringBootApplication
@ConfigurationPropertiesScan
@EnableScheduling
public class SchedulerApplication {

    public static final String NAME = "scheduler-service";

    public static void main(String[] args) {
        VigilApplication.builder(SchedulerApplication.class, NAME).run(args);
    }
}
