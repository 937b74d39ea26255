package dev.vigil.storage.config;

import dev.vigil.messaging.outbox.Outbox;
import dev.vigil.storage.destination.Destinations;
import dev.vigil.storage.dryrun.DryRunService;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/** The storage service's part of a dry run: the same destinations as every backup, its answer through the outbox. */
@Configuration(proxyBeanMethods = false)
class DryRunConfiguration {

    @Bean
    DryRunService dryRunService(Destinations destinations, PlatformTransactionManager transactionManager, Outbox outbox) {
        return new DryRunService(destinations, new TransactionTemplate(transactionManager), outbox);
    }
}
