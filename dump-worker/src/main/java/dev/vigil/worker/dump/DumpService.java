package dev.vigil.worker.dump;

import dev.vigil.codec.AgeRecipient;
import dev.vigil.codec.ArtifactCodec;
import dev.vigil.codec.Compression;
import dev.vigil.codec.Keyring;
import dev.vigil.contracts.Artifact;
import dev.vigil.contracts.ArtifactCreated;
import dev.vigil.contracts.BackupFailed;
import dev.vigil.contracts.BackupRequested;
import dev.vigil.contracts.Connection;
import dev.vigil.contracts.DumpOptions;
import dev.vigil.contracts.DumpProgressed;
import dev.vigil.contracts.DumpStarted;
import dev.vigil.contracts.FailureClass;
import dev.vigil.contracts.Stage;
import dev.vigil.contracts.TargetConfigured;
import dev.vigil.messaging.Cancellation;
import dev.vigil.messaging.EventPublisher;
import dev.vigil.messaging.TargetSettings;
import dev.vigil.pgclients.PostgresClients;
import dev.vigil.staging.Staging;
import dev.vigil.worker.WorkerProperties;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.NestedExceptionUtils;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * Dumps one requested backup: resolves the target, opens a snapshot, runs pg_dump on it into
 * staging while counting rows and reading the catalog in the same snapshot beside it ({@link SnapshotDump}), and announces {@link ArtifactCreated} or
 * {@link BackupFailed}. A request for a job already staged re-announces the same artifact.
 * Each request that ends in {@link ArtifactCreated} or {@link BackupFailed} is timed as
 * {@code vigil.dump.duration} (tags {@code target}, {@code outcome} {@code success} or {@code failed}).
 */
public class DumpService {

    private static final Logger log = LoggerFactory.getLogger(DumpService.class);
    /** Prometheus: {@code vigil_dump_duration_seconds_count}, {@code _sum}, {@code _max}. */
    private static final String DURATION_METRIC = "vigil.dump.duration";

    /** How the handling of one request ended. */
    public enum Ended {
        /** pg_dump ran and its artifact was announced. */
        DUMPED,
        /** {@link BackupFailed} was announced. */
        FAILED,
        /** The job was staged before (a request delivered again); the same artifact was announced again, nothing dumped. */
        ALREADY_STAGED
    }

    private final TargetSettings targets;
    private final EventPublisher publisher;
    private final WorkerProperties properties;
    private final PostgresClients pgDumps;
    private final Credentials credentials;
    private final PgDumpProcess.Wrapping wrapping;
    private final Staging staging;
    private final String workerId;
    private final MeterRegistry meters;
    private final ScheduledExecutorService progressReports = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("dump-progress").daemon().factory());

    public DumpService(TargetSettings targets, EventPublisher publisher, WorkerProperties properties, PostgresClients pgDumps, Staging staging,
            MeterRegistry meters) {
        this.staging = staging;
        this.meters = meters;
        this.targets = targets;
        this.publisher = publisher;
        this.properties = properties;
        this.pgDumps = pgDumps;
        this.credentials = Credentials.of(properties);
        this.wrapping = wrapping(properties);
        this.workerId = properties.workerId() != null ? properties.workerId() : defaultWorkerId();
        log.info("dump worker {} staging in {}; {} level {}, {}; pg_dump versions available: {}", workerId, staging,
                wrapping.compression().wireName(), wrapping.level(), wrapping.key() == null ? "not encrypted" : "encrypted under key " + wrapping.key().id(),
                pgDumps.installed().stream().map(PostgresClients.Program::version).toList());
    }

    /**
     * {@link #handle}, with an unexpected error (not a classified failure; the broker unavailable
     * while announcing, say) tried again with the retry backoff, and then reported as the job's failure.
     * Times the request from here to its announced outcome, retries included; a cancelled one
     * (announcing nothing) and a re-announced one (dumping nothing) are not timed.
     */
    public void run(BackupRequested request, Cancellation cancellation) throws InterruptedException {
        Timer.Sample started = Timer.start(meters);
        Retry retry = retry("unexpected", e -> e instanceof RuntimeException && !(e instanceof CancellationException) && !cancellation.isCancelled());
        retry.getEventPublisher().onRetry(event -> log.warn("dump of job {} target {} failed unexpectedly (attempt {} of {}), trying again in {} ms: {}",
                request.jobId(), request.targetId(), event.getNumberOfRetryAttempts(), properties.retry().attempts(),
                event.getWaitInterval().toMillis(), event.getLastThrowable().toString()));
        AtomicInteger attempts = new AtomicInteger();
        Ended ended;
        try {
            ended = retry.executeCheckedSupplier(() -> {
                attempts.incrementAndGet();
                return handle(request, cancellation);
            });
            if (ended == Ended.ALREADY_STAGED && attempts.get() > 1) {
                // Staged by an earlier attempt of this run whose announcement failed: this run's dump.
                ended = Ended.DUMPED;
            }
        } catch (InterruptedException e) {
            throw e;
        } catch (RuntimeException e) {
            if (e instanceof CancellationException || cancellation.isCancelled()) {
                throw new CancellationException("cancelled");
            }
            reportUnexpected(request, e);
            ended = Ended.FAILED;
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
        if (ended != Ended.ALREADY_STAGED) {
            started.stop(Timer.builder(DURATION_METRIC)
                    .description("A dump from its request to its announced outcome, retries included")
                    .tag("target", request.targetId().value())
                    .tag("outcome", ended == Ended.DUMPED ? "success" : "failed")
                    .register(meters));
        }
    }

    /** A retry with the worker's backoff ({@code vigil.worker.retry.*}) for the failures {@code worthRetrying} accepts. */
    private Retry retry(String name, java.util.function.Predicate<Throwable> worthRetrying) {
        WorkerProperties.Retry settings = properties.retry();
        return Retry.of(name, RetryConfig.custom()
                .maxAttempts(Math.max(1, settings.attempts()))
                .intervalFunction(settings.intervals())
                .retryOnException(worthRetrying)
                .failAfterMaxAttempts(false)
                .build());
    }

    /**
     * Dumps the requested job and announces the outcome. A cancelled dump announces nothing and ends
     * with {@link CancellationException} (or {@link InterruptedException}), so the request is delivered again.
     */
    public Ended handle(BackupRequested request, Cancellation cancellation) throws InterruptedException {
        try {
            Optional<ArtifactCreated> staged = staging.find(request.targetId(), request.jobId());
            if (staged.isPresent()) {
                log.info("job {} target {} already staged; announcing it again", request.jobId(), request.targetId());
                publisher.publish(ArtifactCreated.now(request.jobId(), request.targetId(), staged.get().stagingUri(), staged.get().artifact()));
                return Ended.ALREADY_STAGED;
            }
        } catch (IOException | SdkException e) {
            fail(request, FailureClass.STAGING, "could not read staging: " + e.getMessage());
            return Ended.FAILED;
        }
        TargetConfigured settings;
        switch (targets.lookup(request.targetId(), properties.unknownTargetWait())) {
            case TargetSettings.Lookup.Known known -> settings = known.settings();
            case TargetSettings.Lookup.NotConfigured notConfigured -> {
                fail(request, FailureClass.UNKNOWN_TARGET, "no target named '" + request.targetId()
                        + "' is configured; add it to the scheduler's targets file, or fix the targetId of the request");
                return Ended.FAILED;
            }
            case TargetSettings.Lookup.NotReadYet notRead -> {
                fail(request, FailureClass.INTERNAL, "this worker could not read the targets topic within " + notRead.waited()
                        + " (vigil.targets.read-wait), so the settings of target " + request.targetId() + " are not known; check that it "
                        + "reaches the broker, then request the backup again");
                return Ended.FAILED;
            }
        }
        Connection target = settings.connection();
        DumpOptions options = settings.dumpOptions();
        cancellation.check();
        publisher.publish(DumpStarted.now(request.jobId(), request.targetId(), workerId));
        log.info("dump started: job {} target {} ({})", request.jobId(), request.targetId(), target.describe());
        Optional<String> password = Optional.empty();
        try {
            password = credentials.password(target);
            ArtifactCreated created = dumpWithRetries(request, target, options, password, cancellation);
            publisher.publish(created);
            log.info("dump finished: job {} target {}: {} bytes, {} tables", request.jobId(), request.targetId(),
                    created.artifact().sizeBytes(), created.artifact().tables().size());
            return Ended.DUMPED;
        } catch (DumpFailure e) {
            cancellation.check();
            fail(request, e.failureClass(), redact(e.getMessage(), password));
        } catch (IOException | SdkException e) {
            cancellation.check();
            fail(request, FailureClass.STAGING, "could not write to staging: " + e.getMessage());
        }
        return Ended.FAILED;
    }

    /** Retries transient failures with backoff; the last failure says how often it was tried. */
    private ArtifactCreated dumpWithRetries(BackupRequested request, Connection target, DumpOptions options, Optional<String> password,
            Cancellation cancellation) throws DumpFailure, IOException, InterruptedException {
        Retry retry = retry("dump", e -> e instanceof DumpFailure failure && isTransient(failure.failureClass()) && !cancellation.isCancelled());
        retry.getEventPublisher().onRetry(event -> log.warn("dump attempt {} of {} failed: job {} target {}: {}; retrying in {} ms",
                event.getNumberOfRetryAttempts(), properties.retry().attempts(), request.jobId(), request.targetId(),
                ((DumpFailure) event.getLastThrowable()).failureClass(), event.getWaitInterval().toMillis()));
        try {
            return retry.executeCheckedSupplier(() -> dump(request, target, options, password, cancellation));
        } catch (DumpFailure e) {
            // A transient failure gets out only once every attempt is used up (or the dump was cancelled).
            if (isTransient(e.failureClass()) && !cancellation.isCancelled()) {
                throw new DumpFailure(e.failureClass(), e.getMessage() + " (gave up after " + Math.max(1, properties.retry().attempts())
                        + " attempts)");
            }
            throw e;
        } catch (IOException | InterruptedException | RuntimeException e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }

    /** Failures that can pass by themselves: a server restarting, a network blip. */
    public static boolean isTransient(FailureClass failureClass) {
        return failureClass == FailureClass.UNREACHABLE;
    }

    private void reportProgress(BackupRequested request, DumpProgress progress) {
        try {
            publisher.publish(DumpProgressed.now(request.jobId(), request.targetId(), progress.bytesWritten(), progress.currentTable()));
        } catch (RuntimeException e) {
            // Progress is advice; a lost report must not fail the dump.
            log.debug("progress report for job {} not sent: {}", request.jobId(), e.getMessage());
        }
    }

    private long interval() {
        return Math.max(10, properties.progressInterval().toMillis());
    }

    private ArtifactCreated dump(BackupRequested request, Connection target, DumpOptions options, Optional<String> password,
            Cancellation cancellation) throws DumpFailure, IOException, InterruptedException {
        String extension = Artifact.extensionFor(options.format(), wrapping.compression().wireName(), wrapping.key() != null);
        long began = System.nanoTime();
        try (Staging.Write write = staging.open(request.targetId(), request.jobId(), extension);
                SourceSnapshot snapshot = SourceSnapshot.open(target, password, properties.connectTimeout(), properties.countTimeout())) {
            // Counting rows can take long on a big source; a cancellation ends it by dropping the connection.
            cancellation.onCancel(snapshot::abort);
            PostgresClients.Program pgDump = pgDumps.forServer(snapshot.serverMajor()).orElseThrow(() -> new DumpFailure(
                    FailureClass.VERSION_MISMATCH, pgDumps.noneFits(snapshot.serverMajor(), snapshot.serverVersion())));
            long opened = System.nanoTime();
            DumpProgress progress = new DumpProgress();
            ScheduledFuture<?> reporting = progressReports.scheduleAtFixedRate(
                    () -> reportProgress(request, progress), interval(), interval(), TimeUnit.MILLISECONDS);
            SnapshotDump.Result dumped;
            try {
                dumped = SnapshotDump.run(snapshot, target, options, cancellation, stop -> PgDumpProcess.run(pgDump.executable(), target,
                        password, snapshot.snapshotId(), write.stream(), write.workDir(), request.jobId().toString(),
                        properties.connectTimeout().toSeconds(), options, wrapping, progress, stop));
            } finally {
                reporting.cancel(false);
            }
            cancellation.check();
            long dumpedAt = System.nanoTime();
            ArtifactCreated created = write.commit(new Artifact(options.format(), dumped.output().sizeBytes(), dumped.output().sha256(),
                    snapshot.serverVersion(), pgDump.version(), dumped.counts(), wrapping.compression().wireName(),
                    wrapping.key() == null ? null : wrapping.key().id(), dumped.catalog()));
            long staged = System.nanoTime();
            // Where a dump's time goes, for comparing a first dump after start-up with later ones (benchmarks/run-product.sh).
            log.info("dump of job {} took {} ms: connect and snapshot {} ms, {} and encoding {} ms (row counts and catalog beside it {} ms), "
                    + "staging {} ms", request.jobId(), millis(began, staged), millis(began, opened), pgDump.executable().getFileName(),
                    millis(opened, dumpedAt), dumped.readMillis(), millis(dumpedAt, staged));
            return created;
        }
    }

    private static long millis(long from, long to) {
        return (to - from) / 1_000_000;
    }

    /** Checks the compression and encryption settings once, at start-up, so a mistake stops the worker with a clear message. */
    static PgDumpProcess.Wrapping wrapping(WorkerProperties properties) {
        Compression compression = Compression.of(properties.compression());
        compression.checkLevel(properties.compressionLevel());
        return new PgDumpProcess.Wrapping(compression, properties.compressionLevel(), Math.max(0, properties.compressionWorkers()),
                encryption(properties));
    }

    /**
     * What the worker encrypts every artifact with, as its settings say: a key of the keyring, an age
     * recipient, or nothing (null).
     *
     * @throws IllegalArgumentException the settings contradict each other or name a key the keyring lacks, saying which
     */
    public static ArtifactCodec.Encryption encryption(WorkerProperties properties) {
        if (!properties.ageRecipient().isBlank()) {
            if (!properties.encryptionKeyId().isBlank()) {
                throw new IllegalArgumentException("vigil.worker.age-recipient and vigil.worker.encryption-key-id are both set;"
                        + " an artifact is encrypted one way: set VIGIL_AGE_RECIPIENT or VIGIL_ENCRYPTION_KEY_ID, not both");
            }
            return AgeRecipient.parse(properties.ageRecipient());
        }
        if (!properties.encryptionKeyId().isBlank()) {
            Keyring keyring = Keyring.parse(properties.encryptionKeys());
            return new ArtifactCodec.EncryptionKey(properties.encryptionKeyId(), keyring.key(properties.encryptionKeyId()).orElseThrow(() ->
                    new IllegalArgumentException("vigil.worker.encryption-key-id is '" + properties.encryptionKeyId()
                            + "' but VIGIL_ENCRYPTION_KEYS holds no key of that id (it holds: " + keyring.ids() + ")")));
        }
        return null;
    }

    /** An error no classification expected (a bug, the broker gone while announcing), reported as the job's failure. */
    public void reportUnexpected(BackupRequested request, RuntimeException e) {
        log.error("dump of job {} target {} failed unexpectedly", request.jobId(), request.targetId(), e);
        Throwable cause = NestedExceptionUtils.getMostSpecificCause(e);
        String detail = cause.getMessage() == null ? "" : ": " + cause.getMessage();
        fail(request, FailureClass.DUMP_ERROR, "the worker failed unexpectedly: " + cause.getClass().getSimpleName()
                + detail.substring(0, Math.min(detail.length(), 300)) + "; see the log of worker " + workerId + " for job " + request.jobId());
    }

    private void fail(BackupRequested request, FailureClass failureClass, String reason) {
        log.warn("dump failed: job {} target {}: {} {}", request.jobId(), request.targetId(), failureClass, reason);
        publisher.publish(BackupFailed.now(request.jobId(), request.targetId(), Stage.DUMP, failureClass, reason));
    }

    /** Belt and braces: whatever a driver or pg_dump said, the password never leaves in a message. */
    public static String redact(String message, Optional<String> password) {
        return password.filter(p -> !p.isEmpty()).map(p -> message.replace(p, "****")).orElse(message);
    }

    private static String defaultWorkerId() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            host = "worker";
        }
        return host + "-" + ManagementFactory.getRuntimeMXBean().getPid();
    }
}
