package dev.vigil.verifier.verify;

import dev.vigil.contracts.ArtifactStored;
import dev.vigil.contracts.SqlCheck;
import dev.vigil.contracts.TargetConfigured;
import dev.vigil.contracts.TargetId;
import dev.vigil.contracts.Topics;
import dev.vigil.messaging.TargetDirectory;
import java.time.Duration;
import java.util.Map;
import dev.vigil.codec.Keyring;
import dev.vigil.contracts.RestoreRequested;
import dev.vigil.pgclients.PostgresClients;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import dev.vigil.messaging.IncomingEvent;
import dev.vigil.messaging.OffThreadDispatcher;
import dev.vigil.messaging.outbox.Outbox;
import dev.vigil.objectstore.S3Clients;
import dev.vigil.objectstore.S3Settings;
import dev.vigil.verifier.VerifierProperties;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.messaging.Message;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import software.amazon.awssdk.services.s3.S3Client;

/** Binds the verifier to {@code vigil.artifact.stored} (binding {@code verify-in-0}). */
@Configuration(proxyBeanMethods = false)
class VerifierFunctions {

    private static final Logger log = LoggerFactory.getLogger(VerifierFunctions.class);

    @Bean(destroyMethod = "close")
    S3Client s3Client(VerifierProperties properties) {
        return S3Clients.create(new S3Settings(properties.endpoint(), properties.region(), properties.pathStyle()));
    }

    /** Every target's settings, for its own checks. */
    @Bean
    TargetDirectory targetDirectory(@Value("${spring.cloud.stream.kafka.binder.brokers}") String brokers) {
        return new TargetDirectory(brokers);
    }

    @Bean
    ArtifactRestore artifactRestore(S3Client s3, VerifierProperties properties) {
        return new ArtifactRestore(s3, Keyring.parse(properties.encryptionKeys()), properties.restoreJobs(),
                PostgresClients.find("pg_restore", properties.pgBinRoot(), properties.pgBinDir()),
                PostgresClients.find("psql", properties.pgBinRoot(), properties.pgBinDir()));
    }

    @Bean
    VerificationService verificationService(ArtifactRestore artifacts, VerifierProperties properties, DataSource dataSource,
            PlatformTransactionManager transactionManager, Outbox outbox, TargetDirectory targets) {
        return new VerificationService(artifacts, properties, JdbcClient.create(dataSource),
                new TransactionTemplate(transactionManager), outbox, target -> checksOf(targets, target));
    }

    @Bean
    RestoreService restoreService(ArtifactRestore artifacts, VerifierProperties properties, DataSource dataSource,
            PlatformTransactionManager transactionManager, Outbox outbox) {
        return new RestoreService(artifacts, properties, JdbcClient.create(dataSource),
                new TransactionTemplate(transactionManager), outbox);
    }

    /** A target's checks once the targets topic has been read; none for a target not (or no longer) configured. */
    private static List<SqlCheck> checksOf(TargetDirectory targets, TargetId target) {
        try {
            if (!targets.awaitCaughtUp(Duration.ofSeconds(30))) {
                log.warn("the targets topic has not been read within 30 s; verifying {} without its own checks", target);
                return List.of();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return List.of();
        }
        return targets.current(target).map(TargetConfigured::checkList).orElse(List.of());
    }

    /** Also the binder's container customizer and rebalance listener: it pauses a consumer while its verification or restore runs. */
    @Bean
    OffThreadDispatcher verifyDispatcher() {
        return new OffThreadDispatcher(Map.of(Topics.ARTIFACT_STORED, "verify-in-0", Topics.RESTORE_REQUESTED, "restore-in-0"), "verify");
    }

    /** Reads the event on the consumer thread (a malformed one lands in the dead-letter topic), then verifies on a thread of its own. */
    @Bean
    Consumer<Message<byte[]>> verify(OffThreadDispatcher dispatcher, VerificationService service) {
        return message -> {
            ArtifactStored stored = IncomingEvent.read(message, ArtifactStored.class);
            dispatcher.dispatch(message, "verification of job " + stored.jobId() + " target " + stored.targetId(),
                    cancellation -> service.handle(stored, cancellation));
        };
    }

    /** Restores on demand ({@code vigil.restore.requested}, binding {@code restore-in-0}), on a thread of its own like a verification. */
    @Bean
    Consumer<Message<byte[]>> restore(OffThreadDispatcher dispatcher, RestoreService service) {
        return message -> {
            RestoreRequested request = IncomingEvent.read(message, RestoreRequested.class);
            dispatcher.dispatch(message, "restore " + request.restoreId() + " of target " + request.targetId() + " into " + request.database(),
                    cancellation -> service.handle(request, cancellation));
        };
    }
}
