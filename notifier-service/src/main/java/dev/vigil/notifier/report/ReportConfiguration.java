package dev.vigil.notifier.report;

import dev.vigil.messaging.TargetSettings;
import dev.vigil.notifier.delivery.Deliveries;
import dev.vigil.notifier.delivery.Subscriptions;
import java.time.Clock;
import javax.sql.DataSource;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The report's wiring, and its schedule: {@code vigil.notifier.report.schedule} (cron, UTC; {@code -}
 * never) sends the weekly report by email to the subscriptions that ask for it.
 */
@Configuration(proxyBeanMethods = false)
@EnableScheduling
class ReportConfiguration {

    @Bean
    ReportStore reportStore(DataSource dataSource, PlatformTransactionManager transactionManager) {
        TransactionTemplate readOnly = new TransactionTemplate(transactionManager);
        readOnly.setReadOnly(true);
        return new ReportStore(JdbcClient.create(dataSource), readOnly);
    }

    @Bean
    WeeklyReport weeklyReport(ReportStore store, TargetSettings targets, Subscriptions subscriptions, Deliveries deliveries,
            TransactionTemplate transactions, Clock clock) {
        return new WeeklyReport(store, targets, subscriptions, deliveries, transactions, clock);
    }

    /** Runs the weekly report on its schedule. */
    @Configuration(proxyBeanMethods = false)
    static class Schedule {

        private final WeeklyReport report;

        Schedule(WeeklyReport report) {
            this.report = report;
        }

        @Scheduled(cron = "${vigil.notifier.report.schedule:0 0 8 * * MON}", zone = "UTC")
        void send() throws InterruptedException {
            report.sendScheduled();
        }
    }
}
