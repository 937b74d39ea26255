package dev.vigil.messaging.outbox;

import dev.vigil.messaging.EventPublisher;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.propagation.Propagator;
import io.micrometer.core.instrument.MeterRegistry;
import javax.sql.DataSource;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/** Switches the outbox on in services that have a DataSource. */
@AutoConfiguration(afterName = {
        "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration",
        "org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration",
        "org.springframework.boot.micrometer.tracing.autoconfigure.MicrometerTracingAutoConfiguration",
        "org.springframework.boot.micrometer.tracing.opentelemetry.autoconfigure.OpenTelemetryTracingAutoConfiguration",
        "dev.vigil.messaging.MessagingAutoConfiguration"})
@ConditionalOnClass(JdbcClient.class)
@ConditionalOnSingleCandidate(DataSource.class)
@EnableConfigurationProperties(OutboxProperties.class)
public class OutboxAutoConfiguration {

    @Bean
    OutboxRelay outboxRelay(DataSource dataSource, PlatformTransactionManager transactionManager, EventPublisher publisher,
            Tracer tracer, Propagator propagator, OutboxProperties properties, MeterRegistry meters) {
        return new OutboxRelay(JdbcClient.create(dataSource), new TransactionTemplate(transactionManager), publisher, tracer,
                propagator, properties, meters);
    }

    @Bean
    Outbox outbox(DataSource dataSource, Tracer tracer, Propagator propagator, OutboxRelay relay) {
        return new Outbox(JdbcClient.create(dataSource), tracer, propagator, relay);
    }
}
