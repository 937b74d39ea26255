package dev.vigil.verifier.config;

import dev.vigil.codec.AgeIdentity;
import dev.vigil.codec.Compression;
import dev.vigil.codec.Keyring;
import dev.vigil.codec.WarmUp;
import dev.vigil.contracts.SqlCheck;
import dev.vigil.contracts.TargetId;
import dev.vigil.contracts.Topics;
import dev.vigil.messaging.OffThreadDispatcher;
import dev.vigil.messaging.TargetSettings;
import dev.vigil.messaging.outbox.Outbox;
import dev.vigil.objectstore.S3Clients;
import dev.vigil.objectstore.S3Settings;
import dev.vigil.pgclients.PostgresClients;
import dev.vigil.verifier.VerifierProperties;
import dev.vigil.verifier.pipeline.ArtifactFetch;
import dev.vigil.verifier.pipeline.RestorePipeline;
import dev.vigil.verifier.pipeline.RestoreProgram;
import dev.vigil.verifier.pipeline.RolePrivileges;
import dev.vigil.verifier.restore.RestoreService;
import dev.vigil.verifier.verify.VerificationService;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The verifier's wiring: the store it reads, the restore pipeline, the services verification and restores
 * run in, and the codec's warm-up at start-up.
 */
@Configuration(proxyBeanMethods = false)
class VerifierConfiguration {

    private static final Logger log = LoggerFactory.getLogger(VerifierConfiguration.class);

    @Bean(destroyMethod = "close")
    S3Client s3Client(VerifierProperties properties) {
        return S3Clients.create(new S3Settings(properties.endpoint(), properties.region(), properties.pathStyle(), properties.s3Timeouts()));
    }

    /**
     * Refuses to start restoring as a role that could read or write the servers' files or run programs
     * there (see {@link RolePrivileges}); a server not reachable now is checked before each restore.
     */
    @Bean
    RestorePipeline restorePipeline(S3Client s3, VerifierProperties properties) throws IOException {
        Map<String, VerifierProperties.Server> servers = new java.util.LinkedHashMap<>();
        servers.put("the verification server (vigil.verifier.scratch)", properties.scratch());
        properties.restoreServers().forEach((name, server) -> servers.put("restore server " + name, server));
        servers.forEach((name, server) -> RolePrivileges.checkOnStart(server, name, properties.allowSuperuser())
                .ifPresent(warning -> log.warn("{}", warning)));
        return new RestorePipeline(new ArtifactFetch(s3, keyring(properties)),
                new RestoreProgram(PostgresClients.find("pg_restore", properties.pgBinRoot(), properties.pgBinDir()),
                        PostgresClients.find("psql", properties.pgBinRoot(), properties.pgBinDir()), properties.restoreJobs()),
                properties);
    }

    /** The keyring and, when an identity file is configured, the age identities in it; a mistake stops start-up. */
    static Keyring keyring(VerifierProperties properties) throws IOException {
        Keyring keyring = Keyring.parse(properties.encryptionKeys());
        if (properties.ageIdentityFile().isBlank()) {
            return keyring;
        }
        Path file = Path.of(properties.ageIdentityFile());
        if (!Files.isReadable(file)) {
            throw new IllegalArgumentException("vigil.verifier.age-identity-file (VIGIL_AGE_IDENTITY_FILE) names " + file
                    + ", which is not a readable file");
        }
        Keyring withAge = keyring.withAgeIdentities(AgeIdentity.load(file));
        log.info("age identities for {} read from {}", withAge.ageIds(), file);
        return withAge;
    }

    @Bean
    VerificationService verificationService(RestorePipeline pipeline, VerifierProperties properties, DataSource dataSource,
            PlatformTransactionManager transactionManager, Outbox outbox, TargetSettings targets, MeterRegistry meters) {
        return new VerificationService(pipeline, properties, JdbcClient.create(dataSource),
                new TransactionTemplate(transactionManager), outbox, target -> checksOf(targets, target), meters);
    }

    /** Asks the services' database its name, which no restore may use: the name as the server knows it, however the URL spells it. */
    @Bean
    RestoreService restoreService(RestorePipeline pipeline, VerifierProperties properties, DataSource dataSource,
            PlatformTransactionManager transactionManager, Outbox outbox) {
        JdbcClient jdbc = JdbcClient.create(dataSource);
        String servicesDatabase = jdbc.sql("select current_database()").query(String.class).single();
        return new RestoreService(pipeline, properties, jdbc, new TransactionTemplate(transactionManager), outbox, servicesDatabase);
    }

    /**
     * A target's own checks: none for a target not (or no longer) configured; empty when its settings
     * were not read in time, so that the verification cannot pass without them.
     */
    private static Optional<List<SqlCheck>> checksOf(TargetSettings targets, TargetId target) {
        try {
            return switch (targets.lookup(target)) {
                case TargetSettings.Lookup.Known known -> Optional.of(known.settings().checkList());
                case TargetSettings.Lookup.NotConfigured notConfigured -> Optional.of(List.of());
                case TargetSettings.Lookup.NotReadYet notRead -> {
                    log.warn("the targets topic was not read within {}; verifying {} without its own checks, which cannot pass", notRead.waited(), target);
                    yield Optional.empty();
                }
            };
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    /**
     * The codec's decode paths (zstd; AES-GCM, age, SHA-256) run once as the verifier starts, on a background
     * thread, so the first verification after start-up is not also the one that compiles them ({@link WarmUp});
     * started while the context is still being built, so it is done before the consumers take their first request;
     * start-up and readiness do not wait for it.
     */
    @Bean
    java.util.concurrent.CompletableFuture<WarmUp.Report> codecWarmUp() {
        return WarmUp.inBackground(WarmUp.DEFAULT_MEGABYTES, Compression.ZSTD, 3, 0).whenComplete((report, failure) -> {
            if (failure != null) {
                log.warn("the codec's start-up warm-up failed, so verifications may fail the same way: {}", failure.toString());
            } else {
                log.info("codec warmed up in {} ms: {}", report.took().toMillis(), report.paths());
            }
        });
    }

    /** Also the binder's container customizer and rebalance listener: it runs up to {@code vigil.verifier.concurrency} verifications at once, and one restore and one re-restore. */
    @Bean
    OffThreadDispatcher verifyDispatcher(VerifierProperties properties) {
        return new OffThreadDispatcher(Map.of(Topics.ARTIFACT_STORED, new OffThreadDispatcher.Binding("verify-in-0", properties.concurrency()),
                Topics.RESTORE_REQUESTED, new OffThreadDispatcher.Binding("restore-in-0", 1),
                Topics.RECHECK_REQUESTED, new OffThreadDispatcher.Binding("recheck-in-0", 1)), "verify");
    }
}
