package dev.vigil.verifier.verify;

import dev.vigil.contracts.ArtifactStored;
import dev.vigil.messaging.IncomingEvent;
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

    @Bean
    Consumer<Message<byte[]>> verify(VerificationService service) {
        return message -> {
            try {
                service.handle(IncomingEvent.read(message, ArtifactStored.class));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while verifying; the backup will be verified on redelivery", e);
            }
        };
    }
}
