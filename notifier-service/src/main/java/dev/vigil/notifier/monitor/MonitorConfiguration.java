package dev.vigil.notifier.monitor;

import dev.vigil.messaging.TargetSettings;
import dev.vigil.notifier.NotifierProperties;
import dev.vigil.notifier.delivery.Deliveries;
import dev.vigil.notifier.delivery.Subscriptions;
import dev.vigil.notifier.incident.Incidents;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.Map;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/** The notifier's wiring: incidents, the monitor and the start-up check of subscriptions. */
@Configuration(proxyBeanMethods = false)
class MonitorConfiguration {

    private static final Logger log = LoggerFactory.getLogger(MonitorConfiguration.class);

    @Bean
    Incidents incidents(DataSource dataSource, Deliveries deliveries, Subscriptions subscriptions, TargetSettings targets, Clock clock) {
        return new Incidents(JdbcClient.create(dataSource), deliveries, subscriptions, id -> labels(targets, id), clock);
    }

    @Bean
    MonitorService monitorService(DataSource dataSource, Incidents incidents, TargetSettings targets, NotifierProperties properties,
            TransactionTemplate transactions, MeterRegistry registry, Clock clock) {
        return new MonitorService(new BackupHistory(JdbcClient.create(dataSource)), incidents, targets, properties, transactions,
                new MonitoringMeters(registry), clock);
    }

    /** A subscription covering none of the configured targets stops the notifier: a typo would leave a team unwarned. */
    @EventListener(ApplicationReadyEvent.class)
    void checkSubscriptions(ApplicationReadyEvent ready) throws InterruptedException {
        Subscriptions subscriptions = ready.getApplicationContext().getBean(Subscriptions.class);
        TargetSettings targets = ready.getApplicationContext().getBean(TargetSettings.class);
        var configured = targets.current();
        if (configured.isEmpty() || configured.get().isEmpty()) {
            log.warn("no target is configured yet (vigil.targets): the subscriptions' targets are not checked now");
            return;
        }
        subscriptions.checkEachCoversATarget(configured.get());
    }

    private static Map<String, String> labels(TargetSettings targets, String id) {
        try {
            if (targets.lookup(new dev.vigil.contracts.TargetId(id)) instanceof TargetSettings.Lookup.Known known) {
                return known.settings().labelMap();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return Map.of();
    }
}
