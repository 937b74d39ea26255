package dev.vigil.scheduler.target;

import dev.vigil.contracts.TargetConfigured;
import dev.vigil.contracts.Topics;
import dev.vigil.contracts.TargetId;
import dev.vigil.messaging.BrokerSignIn;
import dev.vigil.messaging.EventPublisher;
import dev.vigil.messaging.TargetSettings;
import dev.vigil.scheduler.SchedulerProperties;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.EventListener;
import org.springframework.scheduling.TaskScheduler;

/**
 * Loads the target list, watches the targets file for changes ({@link TargetsReload}) and announces every
 * target on the compacted targets topic at start-up and whenever the file adds or changes it,
 * so dump workers learn how to reach each target without reading the scheduler's tables, and the
 * notifier its labels and how to watch it (with the schedule's longest gap); a target no longer in
 * the list gets a tombstone, so workers forget it.
 */
@Configuration(proxyBeanMethods = false)
class TargetConfiguration {

    private static final Logger log = LoggerFactory.getLogger(TargetConfiguration.class);

    @Bean
    TargetsReload targetsReload(SchedulerProperties properties) {
        return new TargetsReload(properties.targetsFile(),
                TargetsFile.normalizeCron("vigil.scheduler.default-schedule", properties.defaultSchedule()),
                ZoneId.of(properties.defaultTimeZone()));
    }

    @Bean
    TargetList targetList(TargetsReload reload) {
        return reload.targets();
    }

    @Bean
    TargetAnnouncer targetAnnouncer(TargetList targets, EventPublisher publisher, TargetSettings announced,
            BrokerSignIn signIn) {
        return new TargetAnnouncer(targets, publisher, announced, signIn);
    }

    /** Once the service is ready (after the start-up announcements), the file is watched. */
    @Bean
    ApplicationListener<ApplicationReadyEvent> targetsWatch(TargetsReload reload, TaskScheduler scheduler, SchedulerProperties properties,
            ApplicationEventPublisher events) {
        return ready -> reload.start(scheduler, properties.targetsReloadInterval(), events);
    }

    /**
     * {@code /actuator/health} component {@code targetsFile}: UP (the targets in force work) with {@code valid}
     * false and the {@code error} while the file's newest content is refused.
     */
    @Bean
    HealthIndicator targetsFileHealthIndicator(TargetsReload reload) {
        return () -> {
            Health.Builder health = Health.up().withDetail("valid", reload.error().isEmpty()).withDetail("targets", reload.targets().all().size())
                    .withDetail("appliedAt", reload.appliedAt().toString());
            reload.error().ifPresent(error -> health.withDetail("error", error));
            return health.build();
        };
    }

    /** {@code vigil_targets_file_valid}: 1 while the targets file's newest content is in force, 0 while it is refused. */
    @Bean
    MeterBinder targetsFileValidMetric(TargetsReload reload) {
        return registry -> Gauge.builder("vigil.targets.file.valid", reload, r -> r.error().isEmpty() ? 1 : 0)
                .description("1 while the targets file's newest content is in force, 0 while it is refused").register(registry);
    }

    static final class TargetAnnouncer {

        private final TargetList targets;
        private final EventPublisher publisher;
        private final TargetSettings announced;
        private final BrokerSignIn signIn;

        TargetAnnouncer(TargetList targets, EventPublisher publisher, TargetSettings announced, BrokerSignIn signIn) {
            this.targets = targets;
            this.publisher = publisher;
            this.announced = announced;
            this.signIn = signIn;
        }

        @EventListener(ApplicationReadyEvent.class)
        void announce() throws InterruptedException {
            ensureCompactedTopic();
            Instant now = Instant.now();
            for (Target target : targets.all()) {
                announce(target, now);
            }
            Optional<Set<TargetId>> live = announced.configured();
            if (live.isEmpty()) {
                log.warn("the targets topic could not be read (vigil.targets.read-wait); targets removed from the targets file stay announced "
                        + "until the next start");
                return;
            }
            for (TargetId removed : live.get()) {
                if (!targets.ids().contains(removed.value())) {
                    publisher.withdraw(removed);
                    log.info("target {} is no longer in the targets file: withdrawn from the dump workers", removed);
                }
            }
        }

        /** The targets file changed: what it adds or changes is announced, what it drops tombstoned. */
        @EventListener
        void announce(TargetsChanged change) {
            Instant now = Instant.now();
            for (Target target : concat(change.added(), change.changed())) {
                try {
                    announce(target, now);
                } catch (RuntimeException e) {
                    log.error("target {} could not be announced after the targets file changed: {}", target.id(), e.getMessage());
                }
            }
            for (TargetId removed : change.removed()) {
                try {
                    publisher.withdraw(removed);
                    log.info("target {} was removed from the targets file: withdrawn from the dump workers", removed);
                } catch (RuntimeException e) {
                    log.error("target {} could not be withdrawn after the targets file changed: {}", removed, e.getMessage());
                }
            }
        }

        private void announce(Target target, Instant now) {
            Long interval = ScheduleInterval.longest(target.schedule(), target.timeZone(), now).map(Duration::toSeconds).orElse(null);
            publisher.publish(TargetConfigured.now(target.id(), target.connection(), target.dump(), target.retention(), target.checks(),
                    target.labels(), target.monitoring().withScheduleInterval(interval)));
            log.info("announced target {} ({}), schedule interval {}s", target.id(), target.connection().describe(), interval);
        }

        private static List<Target> concat(List<Target> a, List<Target> b) {
            return java.util.stream.Stream.concat(a.stream(), b.stream()).toList();
        }

        /**
         * The targets topic must keep each target's latest settings (compacted). Where the broker
         * authorizes (as everywhere Vigil is set up by its rights), its administrator created it; on a
         * broker that lets anyone create topics, the scheduler creates it.
         */
        private void ensureCompactedTopic() throws InterruptedException {
            try (Admin admin = Admin.create(signIn.clientProperties())) {
                Set<String> existing = admin.listTopics().names().get();
                if (!existing.contains(Topics.TARGETS)) {
                    admin.createTopics(List.of(new NewTopic(Topics.TARGETS, 3, (short) -1)
                            .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT)))).all().get();
                }
            } catch (ExecutionException e) {
                if (e.getCause() instanceof AuthorizationException) {
                    throw new IllegalStateException("the " + Topics.TARGETS + " topic does not exist and this service may not create it: "
                            + "the broker's administrator creates it, compacted (deploy/kafka/setup.sh)", e.getCause());
                }
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw new IllegalStateException("could not create the " + Topics.TARGETS + " topic: " + e.getCause().getMessage(), e);
                }
            }
        }
    }
}
