package dev.vigil.verifier.config;

import dev.vigil.messaging.outbox.Outbox;
import dev.vigil.pgclients.PostgresClients;
import dev.vigil.verifier.VerifierProperties;
import dev.vigil.verifier.dryrun.DryRunService;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/** The verifier's part of a dry run: the verification server and the pg_restore programs a verification would use. */
@Configuration(proxyBeanMethods = false)
class DryRunConfiguration {

    @Bean
    DryRunService dryRunService(VerifierProperties properties, PlatformTransactionManager transactionManager, Outbox outbox) {
        return new DryRunService(properties, PostgresClients.find("pg_restore", properties.pgBinRoot(), properties.pgBinDir()),
                new TransactionTemplate(transactionManager), outbox);
    }
}
