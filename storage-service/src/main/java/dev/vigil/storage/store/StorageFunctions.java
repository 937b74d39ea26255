package dev.vigil.storage.store;

import dev.vigil.contracts.ArtifactCreated;
import dev.vigil.messaging.IncomingEvent;
import dev.vigil.messaging.outbox.Outbox;
import dev.vigil.objectstore.S3Clients;
import dev.vigil.objectstore.S3Settings;
import dev.vigil.storage.StorageProperties;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.messaging.Message;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import software.amazon.awssdk.services.s3.S3Client;

/** Binds the storage service to {@code vigil.artifact.created} (binding {@code store-in-0}). */
@Configuration(proxyBeanMethods = false)
class StorageFunctions {

    @Bean(destroyMethod = "close")
    S3Client s3Client(StorageProperties properties) {
        return S3Clients.create(new S3Settings(properties.endpoint(), properties.region(), properties.pathStyle()));
    }

    @Bean
    ArtifactStore artifactStore(S3Client s3, StorageProperties properties) {
        return new S3ArtifactStore(s3, properties.bucket(), properties.createBucket(), properties.partSizeMb() * 1024 * 1024);
    }

    @Bean
    StorageService storageService(ArtifactStore store, StorageProperties properties, DataSource dataSource,
            PlatformTransactionManager transactionManager, Outbox outbox) {
        return new StorageService(store, properties, JdbcClient.create(dataSource), new TransactionTemplate(transactionManager), outbox);
    }

    @Bean
    Consumer<Message<byte[]>> store(StorageService service) {
        return message -> service.handle(IncomingEvent.read(message, ArtifactCreated.class));
    }
}
