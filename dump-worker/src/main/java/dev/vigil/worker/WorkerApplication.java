package dev.vigil.worker;

import dev.vigil.messaging.VigilApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** Runs pg_dump for each requested backup. Stateless; scale out as a consumer group. Configuration: {@code dump-worker.yml}. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class WorkerApplication {

    public static final String NAME = "dump-worker";

    public static void main(String[] args) {
        VigilApplication.builder(WorkerApplication.class, NAME).run(args);
    }
}
