package dev.vigil.storage.config;

import dev.vigil.messaging.TargetSettings;
import dev.vigil.messaging.outbox.Outbox;
import dev.vigil.objectstore.S3Clients;
import dev.vigil.objectstore.S3Settings;
import dev.vigil.storage.StorageProperties;
import dev.vigil.staging.Staging;
import dev.vigil.storage.backups.StoredBackups;
import dev.vigil.storage.backups.CatalogRebuild;
import dev.vigil.storage.backups.Manifests;
import dev.vigil.storage.destination.Destinations;
import dev.vigil.storage.intake.IntakeService;
import dev.vigil.storage.intake.Intakes;
import dev.vigil.storage.recheck.CopyCheck;
import dev.vigil.storage.recheck.SampleRestores;
import dev.vigil.storage.retention.RetentionFloor;
import dev.vigil.storage.retention.RetentionService;
import dev.vigil.storage.store.PendingUploads;
import dev.vigil.storage.store.StorageService;
import java.time.Clock;
import javax.sql.DataSource;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Wires the storage service from {@code vigil.storage.*}: the primary's S3 client and store, the
 * destinations, the catalog and its manifests, and the storing, intake, retention and re-check services.
 */
@Configuration(proxyBeanMethods = false)
class StorageConfiguration {

    @Bean(destroyMethod = "close")
    S3Client s3Client(StorageProperties properties) {
        return S3Clients.create(new S3Settings(properties.endpoint(), properties.region(), properties.pathStyle(), properties.s3Timeouts()));
    }

    /** The primary (a bucket reached with the client above) and the replicas from vigil.storage.replicas. */
    @Bean(destroyMethod = "close")
    Destinations destinations(StorageProperties properties, S3Client s3) {
        return new Destinations(properties, s3);
    }

    @Bean
    StoredBackups catalog(DataSource dataSource) {
        return new StoredBackups(dataSource);
    }

    @Bean
    Manifests manifests(StoredBackups catalog, Destinations destinations) {
        return new Manifests(catalog, destinations);
    }

    @Bean
    CatalogRebuild catalogRebuild(StoredBackups catalog, Destinations destinations, StorageProperties properties) {
        return new CatalogRebuild(catalog, destinations.primary().store(), properties.prefix());
    }

    @Bean
    PendingUploads pendingUploads(DataSource dataSource, StorageProperties properties) {
        return new PendingUploads(JdbcClient.create(dataSource), properties.upload().pendingInitialWait(), properties.upload().pendingMaxWait());
    }

    @Bean
    StorageService storageService(Destinations destinations, StoredBackups catalog, PlatformTransactionManager transactionManager, Outbox outbox,
            PendingUploads pending, Manifests manifests, Staging staging) {
        return new StorageService(destinations, catalog, new TransactionTemplate(transactionManager), outbox, pending, manifests, staging);
    }

    @Bean(destroyMethod = "close")
    IntakeService intakeService(DataSource dataSource, TargetSettings targets, Destinations destinations, StoredBackups catalog,
            PendingUploads pending, Staging staging, StorageService storage, RetentionService retention, Outbox outbox,
            PlatformTransactionManager transactionManager, StorageProperties properties) {
        return new IntakeService(new Intakes(JdbcClient.create(dataSource)), targets, destinations, catalog, pending, staging, storage, retention, outbox,
                new TransactionTemplate(transactionManager), properties.intakePrefix(), properties.intakeAllowPrivateHosts(),
                properties.s3Timeouts().connect(), properties.s3Timeouts().read());
    }

    @Bean
    RetentionService retentionService(StoredBackups catalog, PlatformTransactionManager transactionManager, Outbox outbox,
            Destinations destinations, TargetSettings targets, StorageProperties properties, Manifests manifests) {
        return new RetentionService(catalog, new TransactionTemplate(transactionManager), outbox, destinations, targets,
                properties.retention().policy(), floor(properties.retention().floor()), Clock.systemUTC(), manifests);
    }

    @Bean
    SampleRestores sampleRestores(StoredBackups catalog, PlatformTransactionManager transactionManager, Outbox outbox) {
        return new SampleRestores(catalog, new TransactionTemplate(transactionManager), outbox, Clock.systemUTC());
    }

    @Bean
    CopyCheck copyCheck(StoredBackups catalog, Destinations destinations, PlatformTransactionManager transactionManager, Outbox outbox,
            SampleRestores samples) {
        return new CopyCheck(catalog, destinations, new TransactionTemplate(transactionManager), outbox, samples, Clock.systemUTC());
    }

    private static RetentionFloor floor(StorageProperties.Floor floor) {
        return new RetentionFloor(floor.minVerified(), floor.daily(), floor.keepWithinDays());
    }
}
