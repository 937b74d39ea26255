package dev.vigil.storage.config;

import dev.vigil.messaging.TargetDirectory;
import dev.vigil.messaging.outbox.Outbox;
import dev.vigil.objectstore.S3Clients;
import dev.vigil.objectstore.S3Settings;
import dev.vigil.storage.StorageProperties;
import dev.vigil.storage.catalog.Catalog;
import dev.vigil.storage.catalog.CatalogRebuild;
import dev.vigil.storage.catalog.Manifests;
import dev.vigil.storage.destination.ArtifactStore;
import dev.vigil.storage.destination.Destination;
import dev.vigil.storage.destination.Destinations;
import dev.vigil.storage.destination.ObjectOptions;
import dev.vigil.storage.destination.S3ArtifactStore;
import dev.vigil.storage.destination.StoreGuard;
import dev.vigil.storage.retention.RetentionService;
import dev.vigil.storage.store.PendingUploads;
import dev.vigil.storage.store.StorageService;
import java.time.Clock;
import javax.sql.DataSource;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Wires the storage service from {@code vigil.storage.*}: the primary's S3 client and store, the
 * destinations, the catalog and its manifests, and the storing and retention services.
 */
@Configuration(proxyBeanMethods = false)
class StorageConfiguration {

    @Bean(destroyMethod = "close")
    S3Client s3Client(StorageProperties properties) {
        return S3Clients.create(new S3Settings(properties.endpoint(), properties.region(), properties.pathStyle()));
    }

    @Bean
    ArtifactStore artifactStore(S3Client s3, StorageProperties properties) {
        return new S3ArtifactStore(s3, properties.bucket(), properties.createBucket(), properties.partSizeMb() * 1024 * 1024, properties.maxParts(),
                new ObjectOptions(properties.serverSideEncryption(), properties.kmsKeyId(), properties.storageClass(),
                        properties.objectLockMode()));
    }

    /** The primary (the store above) and the replicas from vigil.storage.replicas. */
    @Bean(destroyMethod = "close")
    Destinations destinations(ArtifactStore primary, StorageProperties properties) {
        return new Destinations(new Destination(properties.destination(), primary, properties.prefix(),
                new StoreGuard(properties.destination(), properties.upload())), properties);
    }

    @Bean
    Catalog catalog(DataSource dataSource) {
        return new Catalog(JdbcClient.create(dataSource));
    }

    @Bean
    Manifests manifests(Catalog catalog, Destinations destinations) {
        return new Manifests(catalog, destinations);
    }

    @Bean
    CatalogRebuild catalogRebuild(Catalog catalog, ArtifactStore store, StorageProperties properties) {
        return new CatalogRebuild(catalog, store, properties.prefix());
    }

    @Bean
    PendingUploads pendingUploads(DataSource dataSource, StorageProperties properties) {
        return new PendingUploads(JdbcClient.create(dataSource), properties.upload().pendingInitialWait(), properties.upload().pendingMaxWait());
    }

    @Bean
    StorageService storageService(Destinations destinations, Catalog catalog, PlatformTransactionManager transactionManager, Outbox outbox,
            PendingUploads pending, Manifests manifests) {
        return new StorageService(destinations, catalog, new TransactionTemplate(transactionManager), outbox, pending, manifests);
    }

    @Bean
    TargetDirectory targetDirectory(@Value("${spring.cloud.stream.kafka.binder.brokers}") String brokers) {
        return new TargetDirectory(brokers);
    }

    @Bean
    RetentionService retentionService(Catalog catalog, PlatformTransactionManager transactionManager, Outbox outbox,
            Destinations destinations, TargetDirectory targets, StorageProperties properties, Manifests manifests) {
        return new RetentionService(catalog, new TransactionTemplate(transactionManager), outbox, destinations, targets,
                properties.retention().policy(), Clock.systemUTC(), manifests);
    }
}
