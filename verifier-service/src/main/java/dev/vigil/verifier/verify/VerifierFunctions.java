package dev.vigil.verifier.verify;

import dev.vigil.contracts.ArtifactStored;
import dev.vigil.contracts.Topics;
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

    @Bean(destroyMethod = "close")
    S3Client s3Client(VerifierProperties properties) {
        return S3Clients.create(new S3Settings(properties.endpoint(), properties.region(), properties.pathStyle()));
    }

    @Bean
    VerificationService verificationService(S3Client s3, VerifierProperties properties, DataSource dataSource,
            PlatformTransactionManager transactionManager, Outbox outbox) {
        return new VerificationService(s3, properties, JdbcClient.create(dataSource), new TransactionTemplate(transactionManager), outbox);
    }

    /** Also the binder's container customizer and rebalance listener: it pauses a consumer while its verification runs. */
    @Bean
    OffThreadDispatcher verifyDispatcher() {
        return new OffThreadDispatcher(Topics.ARTIFACT_STORED, "verify-in-0", "verify");
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
}
