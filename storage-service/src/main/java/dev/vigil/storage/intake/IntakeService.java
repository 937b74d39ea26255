package dev.vigil.storage.intake;

import dev.vigil.contracts.Artifact;
import dev.vigil.contracts.ArtifactCreated;
import dev.vigil.contracts.BackupFailed;
import dev.vigil.contracts.FailureClass;
import dev.vigil.contracts.JobId;
import dev.vigil.contracts.Sha256;
import dev.vigil.contracts.Stage;
import dev.vigil.contracts.TargetId;
import dev.vigil.messaging.TargetSettings;
import dev.vigil.messaging.outbox.Outbox;
import dev.vigil.staging.Staging;
import dev.vigil.storage.backups.StoredBackups;
import dev.vigil.storage.destination.Destination;
import dev.vigil.storage.destination.Destinations;
import dev.vigil.storage.retention.RetentionService;
import dev.vigil.storage.store.PendingUploads;
import dev.vigil.storage.store.StorageService;
import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.http.HttpClient;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Takes in dumps made outside Vigil and registered against a job. {@link #accept} checks everything
 * that can be checked before anything is recorded (the target, the URL and where it points, that the
 * object can be read and starts as a custom-format archive), then records the intake; the dump is
 * then fetched in the background into staging, hashed and sized on the way, and handed to
 * {@link StorageService#storeRegistered}, which stores it as any staged artifact. A failure after
 * acceptance is announced as {@link BackupFailed} (stage {@code STORE}) and leaves nothing in staging
 * or the store. Accepted intakes survive a restart: an intake whose claim ran out is taken up again
 * ({@link #resumeDue}). Thread-safe.
 */
public final class IntakeService implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(IntakeService.class);
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
    private static final Pattern VERSION = Pattern.compile("^(\\d+(?:\\.\\d+)*)");
    /** Tries of a fetch that failed for a while (a timeout, a 5xx) before the job fails. */
    private static final int ATTEMPTS = 3;

    /** A registration as the operator sends it (through the scheduler). */
    public record Request(@Nullable String jobId, @Nullable String targetId, @Nullable String url, @Nullable String sha256) {
    }

    /** What an accepted registration answers: {@code url} without query string or credentials; {@code sizeBytes} null when unknown. */
    public record Accepted(String jobId, String targetId, String url, @Nullable Long sizeBytes, String format) {
    }

    /** A failure after acceptance that fails the job. */
    private static final class Failed extends Exception {
        private final FailureClass failureClass;

        Failed(FailureClass failureClass, String reason) {
            super(reason);
            this.failureClass = failureClass;
        }
    }

    /** Writing into staging failed (no space, say): the staging area's fault, not the dump's. */
    private static final class StagingWriteFailed extends IOException {
        StagingWriteFailed(IOException cause) {
            super(cause.getMessage(), cause);
        }
    }

    private final Intakes intakes;
    private final TargetSettings targets;
    private final Destinations destinations;
    private final StoredBackups catalog;
    private final PendingUploads pending;
    private final Staging staging;
    private final StorageService storage;
    private final RetentionService retention;
    private final Outbox outbox;
    private final TransactionTemplate transactions;
    private final String prefix;
    private final boolean allowPrivateHosts;
    private final Duration readTimeout;
    private final HttpClient http;
    private final ExecutorService fetchers;
    private final ScheduledExecutorService watchdog;

    public IntakeService(Intakes intakes, TargetSettings targets, Destinations destinations, StoredBackups catalog, PendingUploads pending,
            Staging staging, StorageService storage, RetentionService retention, Outbox outbox, TransactionTemplate transactions, String prefix,
            boolean allowPrivateHosts, Duration connectTimeout, Duration readTimeout) {
        if (prefix == null || prefix.isBlank() || prefix.startsWith("/")) {
            throw new IllegalArgumentException("vigil.storage.intake-prefix must name a key prefix such as incoming/, got: '" + prefix + "'");
        }
        this.intakes = intakes;
        this.targets = targets;
        this.destinations = destinations;
        this.catalog = catalog;
        this.pending = pending;
        this.staging = staging;
        this.storage = storage;
        this.retention = retention;
        this.outbox = outbox;
        this.transactions = transactions;
        this.prefix = prefix;
        this.allowPrivateHosts = allowPrivateHosts;
        this.readTimeout = readTimeout;
        this.http = HttpClient.newBuilder().connectTimeout(connectTimeout).followRedirects(HttpClient.Redirect.NEVER).build();
        this.fetchers = Executors.newFixedThreadPool(2, Thread.ofPlatform().name("intake-", 1).daemon().factory());
        this.watchdog = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("intake-watchdog").daemon().factory());
    }

    /**
     * Checks a registration and records it, or refuses it having recorded nothing.
     *
     * @param requestedBy the signed-in caller, recorded with the intake
     * @throws IntakeRefused what is wrong, with the HTTP status to answer
     */
    public Accepted accept(Request request, @Nullable String requestedBy) throws IntakeRefused, InterruptedException {
        JobId jobId = jobId(request.jobId());
        TargetId targetId = targetId(request.targetId());
        String sha256 = request.sha256() == null || request.sha256().isBlank() ? null : request.sha256().strip();
        if (sha256 != null && !SHA256.matcher(sha256).matches()) {
            throw IntakeRefused.badRequest("sha256 must be 64 lower-case hex digits (sha256sum's output), got '" + abbreviated(sha256)
                    + "'; or leave it out");
        }
        IntakeUrl url = IntakeUrl.parse(request.url());
        switch (targets.lookup(targetId)) {
            case TargetSettings.Lookup.Known known -> {
            }
            case TargetSettings.Lookup.NotConfigured notConfigured -> throw IntakeRefused.badRequest("target '" + targetId
                    + "' is not configured in Vigil; add it to the targets file (or correct targetId) before registering its dumps");
            case TargetSettings.Lookup.NotReadYet notRead -> throw new IntakeRefused(503, "the storage service has not read the targets' "
                    + "settings yet (waited " + notRead.waited() + "); try again shortly");
        }
        if (intakes.contains(jobId) || catalog.contains(jobId) || pending.isWaiting(jobId)) {
            throw new IntakeRefused(409, "job " + jobId + " already has a dump registered or stored; a job takes one dump, register another "
                    + "against a new job");
        }
        IntakeSource source = sourceFor(targetId, url);
        IntakeSource.Head head = source.head(DumpHeader.MAX_LENGTH);
        try {
            DumpHeader header = DumpHeader.read(new ByteArrayInputStream(head.bytes()));
            versionOf(header.serverVersion(), "server");
            versionOf(header.pgDumpVersion(), "pg_dump");
        } catch (DumpHeader.NotADump e) {
            throw IntakeRefused.unusable(url.shown() + ": " + e.getMessage());
        } catch (Failed e) {
            throw IntakeRefused.unusable(url.shown() + ": " + e.getMessage());
        } catch (IOException e) {
            throw new IllegalStateException(e); // read from memory
        }
        if (!intakes.insert(jobId, targetId, url, sha256, head.size(), requestedBy)) {
            throw new IntakeRefused(409, "job " + jobId + " already has a dump registered; register another against a new job");
        }
        log.info("intake accepted: job {} target {} from {} ({} bytes) by {}", jobId, targetId, url.shown(),
                head.size() < 0 ? "unknown" : head.size(), requestedBy);
        Optional<Intakes.Intake> recorded = intakes.find(jobId);
        recorded.ifPresent(intake -> fetchers.execute(() -> run(intake)));
        return new Accepted(jobId.toString(), targetId.value(), url.shown(), head.size() < 0 ? null : head.size(), "custom");
    }

    /** Takes up accepted intakes whose claim ran out: left by a stopped instance, or waiting to be tried again. */
    public void resumeDue() {
        for (Intakes.Intake intake : intakes.claimDue(10)) {
            log.info("intake resumed: job {} target {} from {} (try {})", intake.jobId(), intake.targetId(), intake.shownUrl(), intake.attempts());
            fetchers.execute(() -> run(intake));
        }
    }

    private void run(Intakes.Intake intake) {
        try {
            if (catalog.contains(intake.jobId()) || pending.isWaiting(intake.jobId())) {
                intakes.finish(intake.jobId(), true, null);
                return;
            }
            // Fetched and staged before a stop, but not yet handed over: the staged dump is complete, hand it over.
            Optional<ArtifactCreated> staged = staging.find(intake.targetId(), intake.jobId());
            if (staged.isEmpty()) {
                staged = Optional.of(fetch(intake));
            }
            boolean settled = storage.storeRegistered(staged.get(), intake.shownUrl());
            intakes.finish(intake.jobId(), true, null);
            if (settled) {
                retention.applyQuietly(intake.targetId());
            }
        } catch (Failed e) {
            fail(intake, e.failureClass, e.getMessage());
        } catch (IntakeSource.Unreadable e) {
            if (e.lasting()) {
                fail(intake, FailureClass.STORAGE, e.getMessage());
            } else {
                retryLater(intake, e.getMessage());
            }
        } catch (StagingWriteFailed e) {
            fail(intake, FailureClass.STAGING, "could not write the dump from " + intake.shownUrl() + " into staging (" + e.getMessage()
                    + "); make room in vigil.staging.dir (or fix its bucket), then register the dump against a new job");
        } catch (java.io.InterruptedIOException e) {
            // Stopping: left claimed; another instance, or this one after its start, takes it up when the claim runs out.
            log.info("intake of job {} target {} stopped; it resumes later", intake.jobId(), intake.targetId());
        } catch (IOException | RuntimeException e) {
            retryLater(intake, e.toString());
        }
    }

    /** Reads the whole object into staging, hashing and counting on the way, and checks it. */
    private ArtifactCreated fetch(Intakes.Intake intake) throws Failed, IOException {
        IntakeUrl url;
        IntakeSource source;
        try {
            url = IntakeUrl.parse(intake.url());
            source = sourceFor(intake.targetId(), url);
        } catch (IntakeRefused e) {
            // The settings changed since the registration (a destination removed, private hosts no longer allowed).
            throw new Failed(FailureClass.STORAGE, e.getMessage());
        }
        long started = System.nanoTime();
        Staging.Write write;
        try {
            write = staging.open(intake.targetId(), intake.jobId(), Artifact.extensionFor("custom", "none", false));
        } catch (IOException e) {
            throw new StagingWriteFailed(e);
        }
        try (Staging.Write closing = write; InputStream raw = source.open()) {
            MessageDigest digest = Sha256.digest();
            Counting counted = new Counting(new DigestInputStream(raw, digest), intake.jobId());
            BufferedInputStream in = new BufferedInputStream(counted, 64 * 1024);
            in.mark(DumpHeader.MAX_LENGTH + 1);
            DumpHeader header;
            try {
                header = DumpHeader.read(in);
            } catch (DumpHeader.NotADump e) {
                throw new Failed(FailureClass.STORAGE, url.shown() + ": " + e.getMessage() + "; then register it against a new job");
            }
            in.reset();
            in.transferTo(new StagingOut(closing.stream()));
            String sha256 = Sha256.hex(digest);
            long size = counted.count;
            if (intake.sha256() != null && !intake.sha256().equals(sha256)) {
                throw new Failed(FailureClass.STORAGE, "the dump read from " + url.shown() + " has SHA-256 " + sha256 + " but the registration "
                        + "gave " + intake.sha256() + "; the upload is damaged or another file: upload it again and register it against a new job");
            }
            if (intake.sizeBytes() > 0 && intake.sizeBytes() != size) {
                throw new Failed(FailureClass.STORAGE, "the dump at " + url.shown() + " was " + intake.sizeBytes() + " bytes when registered but "
                        + size + " bytes were read; it changed or was cut short: upload it again and register it against a new job");
            }
            Artifact artifact = new Artifact("custom", size, sha256, versionOf(header.serverVersion(), "server"),
                    versionOf(header.pgDumpVersion(), "pg_dump"), List.of(), "none", null, null);
            ArtifactCreated staged = closing.commit(artifact);
            log.info("intake fetched: job {} target {} from {}: {} bytes in {} ms, archive {} of database {} (server {}, pg_dump {})",
                    intake.jobId(), intake.targetId(), url.shown(), size, (System.nanoTime() - started) / 1_000_000, header.archiveVersion(),
                    header.database(), header.serverVersion(), header.pgDumpVersion());
            return staged;
        }
    }

    /** Where the URL may be read from, for this target; refused when it points anywhere else. */
    private IntakeSource sourceFor(TargetId targetId, IntakeUrl url) throws IntakeRefused {
        if (!url.isS3()) {
            HttpsIntakeSource.checkHost(url.uri(), allowPrivateHosts);
            return new HttpsIntakeSource(http, url, allowPrivateHosts, readTimeout, watchdog);
        }
        List<Destination> s3 = destinations.forTarget(targetId).stream().filter(d -> d.store().isS3()).toList();
        Optional<Destination> destination = s3.stream().filter(d -> d.store().bucket().equals(url.bucket())).findFirst();
        if (destination.isEmpty()) {
            throw IntakeRefused.badRequest("bucket '" + url.bucket() + "' is not one of target " + targetId + "'s S3 destinations ("
                    + String.join(", ", s3.stream().map(d -> d.store().bucket()).distinct().toList()) + "); upload the dump to s3://"
                    + (s3.isEmpty() ? "<bucket>" : s3.getFirst().store().bucket()) + "/" + prefix + "…");
        }
        String key = url.key();
        if (!key.startsWith(prefix) || key.length() == prefix.length()) {
            throw IntakeRefused.badRequest("key '" + key + "' is outside the intake prefix '" + prefix + "'; upload the dump under s3://"
                    + url.bucket() + "/" + prefix + "… (stored backups are never taken in again)");
        }
        for (String segment : key.split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                throw IntakeRefused.badRequest("key '" + key + "' has an empty, '.' or '..' segment; name the object plainly under " + prefix);
            }
        }
        Optional<JobId> stored = catalog.storedAt(url.bucket(), key);
        if (stored.isPresent()) {
            throw IntakeRefused.badRequest("s3://" + url.bucket() + "/" + key + " is the stored backup of job " + stored.get()
                    + "; upload a dump of your own under " + prefix);
        }
        return new S3IntakeSource(destination.get().store(), url);
    }

    private void retryLater(Intakes.Intake intake, String problem) {
        if (intake.attempts() >= ATTEMPTS) {
            fail(intake, FailureClass.STORAGE, "could not read the dump from " + intake.shownUrl() + " in " + ATTEMPTS + " tries (last: " + problem
                    + "); check that the source answers, then register the dump against a new job");
            return;
        }
        Duration wait = Duration.ofSeconds(30L * Math.max(1, intake.attempts()));
        log.warn("intake of job {} target {} from {} failed (try {} of {}): {}; tried again in {}", intake.jobId(), intake.targetId(),
                intake.shownUrl(), intake.attempts(), ATTEMPTS, problem, wait);
        intakes.release(intake.jobId(), wait, problem);
    }

    private void fail(Intakes.Intake intake, FailureClass failureClass, String reason) {
        log.warn("intake failed: job {} target {} from {}: {} {}", intake.jobId(), intake.targetId(), intake.shownUrl(), failureClass, reason);
        transactions.executeWithoutResult(s -> {
            intakes.finish(intake.jobId(), false, reason);
            outbox.append(BackupFailed.now(intake.jobId(), intake.targetId(), Stage.STORE, failureClass, reason));
        });
    }

    private static String versionOf(String reported, String what) throws Failed {
        Matcher matcher = VERSION.matcher(reported.strip());
        if (!matcher.find()) {
            throw new Failed(FailureClass.STORAGE, "the archive names its " + what + " version as '" + abbreviated(reported)
                    + "', which is not a version number; make the dump with a released pg_dump -Fc");
        }
        return matcher.group(1);
    }

    private static JobId jobId(@Nullable String value) throws IntakeRefused {
        if (value == null || value.isBlank()) {
            throw IntakeRefused.badRequest("jobId is missing; give the id of the job the scheduler created for this dump");
        }
        try {
            return new JobId(UUID.fromString(value.strip()));
        } catch (IllegalArgumentException e) {
            throw IntakeRefused.badRequest("jobId '" + abbreviated(value) + "' is not a job id (a UUID)");
        }
    }

    private static TargetId targetId(@Nullable String value) throws IntakeRefused {
        if (value == null || value.isBlank()) {
            throw IntakeRefused.badRequest("targetId is missing; give the target the dump was made of");
        }
        try {
            return new TargetId(value.strip());
        } catch (IllegalArgumentException e) {
            throw IntakeRefused.badRequest(e.getMessage());
        }
    }

    private static String abbreviated(String value) {
        return value.length() > 80 ? value.substring(0, 80) + "…" : value;
    }

    /** Counts what was read, and renews the intake's claim while bytes move. */
    private final class Counting extends FilterInputStream {
        private final JobId jobId;
        private long count;
        private long renewed = System.nanoTime();

        Counting(InputStream in, JobId jobId) {
            super(in);
            this.jobId = jobId;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                moved(1);
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                moved(n);
            }
            return n;
        }

        private void moved(int n) {
            count += n;
            if (System.nanoTime() - renewed > Intakes.LEASE.toNanos() / 4) {
                renewed = System.nanoTime();
                intakes.renew(jobId);
            }
        }
    }

    /** Tells a failing write into staging apart from a failing read of the source. */
    private static final class StagingOut extends FilterOutputStream {
        StagingOut(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            try {
                out.write(b, off, len);
            } catch (IOException e) {
                throw new StagingWriteFailed(e);
            }
        }

        @Override
        public void write(int b) throws IOException {
            try {
                out.write(b);
            } catch (IOException e) {
                throw new StagingWriteFailed(e);
            }
        }
    }

    @Override
    public void close() {
        fetchers.shutdownNow();
        watchdog.shutdownNow();
        http.close();
    }
}
