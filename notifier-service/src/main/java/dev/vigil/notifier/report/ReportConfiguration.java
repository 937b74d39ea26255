package dev.vigil.notifier.report;

import dev.vigil.messaging.TargetSettings;
import java.time.Clock;
import javax.sql.DataSource;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/** The report's wiring. */
@Configuration(proxyBeanMethods = false)
class ReportConfiguration {

    @Bean
    ReportStore reportStore(DataSource dataSource, PlatformTransactionManager transactionManager) {
        TransactionTemplate readOnly = new TransactionTemplate(transactionManager);
        readOnly.setReadOnly(true);
        return new ReportStore(JdbcClient.create(dataSource), readOnly);
    }

    @Bean
    WeeklyReport weeklyReport(ReportStore store, TargetSettings targets, Clock clock) {
        return new WeeklyReport(store, targets, clock);
    }
}
