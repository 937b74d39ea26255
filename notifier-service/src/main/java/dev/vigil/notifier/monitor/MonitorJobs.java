package dev.vigil.notifier.monitor;

import dev.vigil.notifier.delivery.Deliveries;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.scheduling.annotation.Scheduled;

/**
 * The notifier's periodic work, each with a fixed delay between runs, the first one delay after
 * start-up: the freshness check, reminders and meters ({@code vigil.notifier.check-interval}), and
 * sending the messages owed ({@code vigil.notifier.delivery-interval}). The scheduler has a thread
 * for each job ({@code spring.task.scheduling.pool.size} in notifier-service.yml). A run that fails
 * is logged and the next one comes.
 */
@Configuration(proxyBeanMethods = false)
@EnableScheduling
class MonitorJobs {

    private static final Logger log = LoggerFactory.getLogger(MonitorJobs.class);

    private final MonitorService service;
    private final Deliveries deliveries;

    MonitorJobs(MonitorService service, Deliveries deliveries) {
        this.service = service;
        this.deliveries = deliveries;
    }

    @Scheduled(fixedDelayString = "${vigil.notifier.check-interval:30s}", initialDelayString = "${vigil.notifier.check-interval:30s}")
    void checkFreshness() {
        try {
            service.checkFreshness();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            log.warn("freshness check failed, trying again in vigil.notifier.check-interval: {}", e.toString());
        }
    }

    @Scheduled(fixedDelayString = "${vigil.notifier.delivery-interval:1s}", initialDelayString = "${vigil.notifier.delivery-interval:1s}")
    void deliver() {
        try {
            deliveries.dispatchDue();
        } catch (RuntimeException e) {
            log.warn("delivery failed, trying again in vigil.notifier.delivery-interval: {}", e.toString());
        }
    }
}
