package dev.vigil.storage;

import dev.vigil.messaging.VigilApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** Moves staged artifacts into S3-compatible storage and keeps the catalog of stored backups. Configuration: {@code storage-service.yml}. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class StorageApplication {

    public static final String NAME = "storage-service";

    public static void main(String[] args) {
        VigilApplication.builder(StorageApplication.class, NAME).run(args);
    }
}
