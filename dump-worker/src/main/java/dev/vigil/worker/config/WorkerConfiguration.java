package dev.vigil.worker.config;

import dev.vigil.codec.Compression;
import dev.vigil.codec.WarmUp;
import dev.vigil.contracts.Topics;
import dev.vigil.messaging.EventPublisher;
import dev.vigil.messaging.OffThreadDispatcher;
import dev.vigil.messaging.TargetSettings;
import dev.vigil.pgclients.PostgresClients;
import dev.vigil.staging.Staging;
import dev.vigil.worker.WorkerProperties;
import dev.vigil.worker.dryrun.DryRunChecks;
import dev.vigil.worker.dryrun.DryRunService;
import dev.vigil.worker.dump.DumpService;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.actuate.info.InfoContributor;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The worker's wiring: the pg_dump programs it has and reports, the dump and dry-run services, the
 * dispatcher that runs dumps off the consumer thread, and the codec's warm-up at start-up.
 */
@Configuration(proxyBeanMethods = false)
class WorkerConfiguration {

    private static final Logger log = LoggerFactory.getLogger(WorkerConfiguration.class);

    /** The pg_dump programs this worker has, found once at start-up. */
    @Bean
    PostgresClients pgDumps(WorkerProperties properties) {
        return PostgresClients.find("pg_dump", properties.pgBinRoot(), properties.pgBinDir());
    }

    /** {@code /actuator/info}: which pg_dump versions this worker has, so operators see what servers it can dump. */
    @Bean
    InfoContributor pgDumpInfo(PostgresClients pgDumps) {
        return info -> info.withDetail("pgDump", Map.of(
                "versions", pgDumps.installed().stream().map(PostgresClients.Program::version).toList(),
                "majors", pgDumps.installed().stream().map(PostgresClients.Program::major).toList()));
    }

    /** {@code vigil_worker_pg_dump_available{major="15"} 1} per installed major; no series at all means no pg_dump. */
    @Bean
    MeterBinder pgDumpMetric(PostgresClients pgDumps) {
        return registry -> pgDumps.installed().forEach(program -> Gauge.builder("vigil.worker.pg_dump.available", () -> 1)
                .description("A pg_dump of this major version is installed on the worker")
                .tag("major", String.valueOf(program.major()))
                .register(registry));
    }

    @Bean
    DumpService dumpService(TargetSettings targets, EventPublisher publisher, WorkerProperties properties, PostgresClients pgDumps,
            Staging staging, MeterRegistry meters) {
        return new DumpService(targets, publisher, properties, pgDumps, staging, meters);
    }

    /**
     * The codec's encode and decode paths run once as the worker starts, on a background thread, so the first
     * dump after start-up is not also the one that loads zstd and compiles SHA-256 and the ciphers ({@link WarmUp});
     * started while the context is still being built, so it is done before the consumers take their first request;
     * start-up and readiness do not wait for it.
     */
    @Bean
    java.util.concurrent.CompletableFuture<WarmUp.Report> codecWarmUp(WorkerProperties properties) {
        return WarmUp.inBackground(WarmUp.DEFAULT_MEGABYTES, Compression.of(properties.compression()), properties.compressionLevel(),
                properties.compressionWorkers()).whenComplete((report, failure) -> {
                    if (failure != null) {
                        log.warn("the codec's start-up warm-up failed, so dumps may fail the same way: {}", failure.toString());
                    } else {
                        log.info("codec warmed up in {} ms: {}", report.took().toMillis(), report.paths());
                    }
                });
    }

    /** Dry runs: the same settings, pg_dump programs and staging as a dump, checked instead of dumped. */
    @Bean
    DryRunService dryRunService(TargetSettings targets, EventPublisher publisher, WorkerProperties properties, PostgresClients pgDumps,
            Staging staging) {
        return new DryRunService(targets, new DryRunChecks(properties, pgDumps, staging), publisher, properties);
    }

    /** Also the binder's container customizer and rebalance listener: it runs up to {@code vigil.worker.concurrency} dumps at once. */
    @Bean
    OffThreadDispatcher dumpDispatcher(WorkerProperties properties) {
        return new OffThreadDispatcher(Topics.BACKUP_REQUESTED, new OffThreadDispatcher.Binding("dump-in-0", properties.concurrency()), "dump");
    }
}
