package dev.vigil.storage.store;

import dev.vigil.contracts.ArtifactCreated;
import dev.vigil.contracts.BackupVerified;
import dev.vigil.contracts.Verdict;
import dev.vigil.messaging.TargetDirectory;
import dev.vigil.storage.catalog.Catalog;
import dev.vigil.storage.catalog.CatalogRebuild;
import dev.vigil.storage.catalog.Manifests;
import dev.vigil.storage.retention.RetentionService;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Clock;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.scheduling.annotation.Scheduled;
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

/**
 * Binds the storage service to {@code vigil.artifact.created} (binding {@code store-in-0}) and
 * {@code vigil.backup.verified} (binding {@code verified-in-0}).
 */
@Configuration(proxyBeanMethods = false)
@EnableScheduling
class StorageFunctions {

    private static final Logger log = LoggerFactory.getLogger(StorageFunctions.class);

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
    PendingUploads pendingUploads(DataSource dataSource, StorageProperties properties) {
        return new PendingUploads(JdbcClient.create(dataSource), properties.upload().pendingInitialWait(), properties.upload().pendingMaxWait());
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
    StorageService storageService(Destinations destinations, Catalog catalog, PlatformTransactionManager transactionManager, Outbox outbox,
            PendingUploads pending, Manifests manifests) {
        return new StorageService(destinations, catalog, new TransactionTemplate(transactionManager), outbox, pending, manifests);
    }

    /**
     * {@code /actuator/health} component {@code objectStore}: DOWN while a destination's circuit is
     * open; each destination's circuit (the primary's as {@code circuit}) and how many artifacts wait in staging.
     */
    @Bean
    HealthIndicator objectStoreHealthIndicator(Destinations destinations, PendingUploads pending) {
        return () -> {
            java.util.Map<String, String> circuits = new java.util.LinkedHashMap<>();
            destinations.all().forEach(d -> circuits.put(d.name(), d.guard().state().name()));
            boolean open = destinations.all().stream().anyMatch(d -> d.guard().state() == CircuitBreaker.State.OPEN);
            return (open ? Health.down() : Health.up()).withDetail("circuit", destinations.primary().guard().state().name())
                    .withDetail("destinations", circuits).withDetail("pendingUploads", pending.count()).build();
        };
    }

    /** {@code vigil_storage_pending_uploads}: artifacts waiting in staging for the object store. */
    @Bean
    MeterBinder pendingUploadsMetric(PendingUploads pending) {
        return registry -> Gauge.builder("vigil.storage.pending.uploads", pending, PendingUploads::count)
                .description("Artifacts waiting in staging because the object store failed").register(registry);
    }

    /** Tries again, when their wait is over, the artifacts that wait in staging. */
    @Bean
    PendingUploadRetrier pendingUploadRetrier(PendingUploads pending, StorageService service, RetentionService retention) {
        return new PendingUploadRetrier(pending, service, retention);
    }

    static final class PendingUploadRetrier {

        private final PendingUploads pending;
        private final StorageService service;
        private final RetentionService retention;

        PendingUploadRetrier(PendingUploads pending, StorageService service, RetentionService retention) {
            this.pending = pending;
            this.service = service;
            this.retention = retention;
        }

        @Scheduled(fixedDelayString = "${vigil.storage.upload.pending-check:5s}")
        void retry() {
            for (ArtifactCreated created : pending.claimDue(20)) {
                if (service.retryPending(created)) {
                    retention.applyQuietly(created.targetId());
                }
            }
        }
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

    /** Stores the artifact, then applies the target's retention (which never deletes the backup just stored: it is pending verification). */
    @Bean
    Consumer<Message<byte[]>> store(StorageService service, RetentionService retention) {
        return message -> {
            ArtifactCreated created = IncomingEvent.read(message, ArtifactCreated.class);
            service.handle(created);
            retention.applyQuietly(created.targetId());
        };
    }

    /** Records the verifier's verdict in the catalog, then applies the target's retention. */
    @Bean
    Consumer<Message<byte[]>> verified(RetentionService retention) {
        return message -> {
            BackupVerified verified = IncomingEvent.read(message, BackupVerified.class);
            if (verified.verdict() == Verdict.INCONCLUSIVE) {
                // Not judged: it stays pending, which retention never deletes.
                log.warn("backup {} of target {} could not be verified (the verification server lacks something); kept as unverified",
                        verified.jobId(), verified.targetId());
            } else if (!retention.recordVerdict(verified.jobId(), verified.verdict() == Verdict.PASSED)) {
                log.warn("verdict {} for job {} of target {}: no such backup in the catalog", verified.verdict(), verified.jobId(),
                        verified.targetId());
                return;
            }
            retention.applyQuietly(verified.targetId());
        };
    }

    /** The daily sweep, for targets whose backups have not changed for a while. */
    @Bean
    RetentionSweep retentionSweep(RetentionService retention) {
        return new RetentionSweep(retention);
    }

    static final class RetentionSweep {

        private final RetentionService retention;

        RetentionSweep(RetentionService retention) {
            this.retention = retention;
        }

        @Scheduled(cron = "${vigil.storage.retention.sweep:0 30 4 * * *}", zone = "UTC")
        void sweep() {
            retention.sweep();
        }
    }
}
