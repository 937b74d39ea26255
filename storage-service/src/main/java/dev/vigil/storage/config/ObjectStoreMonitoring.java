package dev.vigil.storage.config;

import dev.vigil.storage.destination.Destinations;
import dev.vigil.storage.store.PendingUploads;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** What operators see of the object store: a health component and a gauge of the artifacts waiting in staging. */
@Configuration(proxyBeanMethods = false)
class ObjectStoreMonitoring {

    /**
     * {@code /actuator/health} component {@code objectStore}: DOWN while a destination's circuit is
     * open; each destination's circuit (the primary's as {@code circuit}) and how many artifacts wait in staging.
     */
    @Bean
    HealthIndicator objectStoreHealthIndicator(Destinations destinations, PendingUploads pending) {
        return () -> {
            Map<String, String> circuits = new LinkedHashMap<>();
            destinations.all().forEach(d -> circuits.put(d.name(), d.guard().state().name()));
            boolean open = destinations.all().stream().anyMatch(d -> d.guard().state() == CircuitBreaker.State.OPEN);
            return (open ? Health.down() : Health.up()).withDetail("circuit", destinations.primary().guard().state().name())
                    .withDetail("destinations", circuits).withDetail("pendingUploads", pending.count()).build();
        };
    }

    /** {@code vigil_storage_pending_uploads}: artifacts waiting in staging for the object store. */
    @Bean
    MeterBinder pendingUploadsMetric(PendingUploads pending) {
        return registry -> Gauge.builder("vigil.storage.pending.uploads", pending, PendingUploads::count)
                .description("Artifacts waiting in staging because the object store failed").register(registry);
    }
}
