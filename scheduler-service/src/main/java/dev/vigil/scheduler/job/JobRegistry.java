package dev.vigil.scheduler.job;

import dev.vigil.contracts.ArtifactCreated;
import dev.vigil.contracts.ArtifactStored;
import dev.vigil.contracts.BackupFailed;
import dev.vigil.contracts.BackupRequested;
import dev.vigil.contracts.BackupVerified;
import dev.vigil.contracts.DryRunChecked;
import dev.vigil.contracts.DumpProgressed;
import dev.vigil.contracts.DumpStarted;
import dev.vigil.contracts.FailureClass;
import dev.vigil.contracts.JobId;
import dev.vigil.contracts.Stage;
import dev.vigil.contracts.TargetId;
import dev.vigil.contracts.Topics;
import dev.vigil.contracts.Trigger;
import dev.vigil.contracts.Verdict;
import dev.vigil.contracts.JobEvent;
import dev.vigil.contracts.json.EventJson;
import dev.vigil.messaging.outbox.Outbox;
import dev.vigil.scheduler.target.TargetList;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * The job registry: starts jobs (recording them and emitting {@link BackupRequested} through the
 * outbox in one transaction) and follows each job through the lifecycle events the other services
 * publish. Idempotent: a redelivered event changes nothing.
 */
@Service
public class JobRegistry {

    private static final Logger log = LoggerFactory.getLogger(JobRegistry.class);

    private final JobRepository jobs;
    private final TargetList targets;
    private final Outbox outbox;
    private final Tracer tracer;

    JobRegistry(JobRepository jobs, TargetList targets, Outbox outbox, Tracer tracer) {
        this.jobs = jobs;
        this.targets = targets;
        this.outbox = outbox;
        this.tracer = tracer;
    }

    /**
     * Starts a backup of a known target, with a note saying why (or none); throws
     * {@link UnknownTargetException} otherwise, and {@link IllegalArgumentException} for a note longer
     * than {@code BackupRequested} carries.
     */
    @Transactional
    public JobId request(TargetId targetId, Trigger trigger, String requestedBy, @Nullable String note) {
        return request(targetId, trigger, requestedBy, note, false);
    }

    /** Starts a backup, or with {@code dryRun} a dry run: every check short of pg_dump, no backup. */
    @Transactional
    public JobId request(TargetId targetId, Trigger trigger, String requestedBy, @Nullable String note, boolean dryRun) {
        known(targetId);
        BackupRequested event = dryRun ? BackupRequested.dryRun(JobId.random(), targetId, trigger, requestedBy, note)
                : BackupRequested.now(JobId.random(), targetId, trigger, requestedBy, note);
        jobs.requested(event.jobId(), targetId, trigger.name(), requestedBy, event.note(), event.occurredAt(), traceId(), dryRun);
        outbox.append(event);
        log.info("{} requested: job {} target {} by {}", dryRun ? "dry run" : "backup", event.jobId(), targetId, trigger);
        return event.jobId();
    }

    /**
     * Records a scheduled or catch-up backup that waits for a place among the jobs in flight: QUEUED, its
     * {@link BackupRequested} appended to the outbox only when {@link JobQueue#release} releases it.
     */
    @Transactional
    public JobId queue(TargetId targetId, Trigger trigger, String requestedBy, @Nullable String note) {
        known(targetId);
        // The note as the request will carry it (checked the same way now, not when it is released).
        BackupRequested event = BackupRequested.now(JobId.random(), targetId, trigger, requestedBy, note);
        jobs.queued(event.jobId(), targetId, trigger.name(), requestedBy, event.note(), event.occurredAt(), traceId());
        log.info("backup queued: job {} target {} by {}", event.jobId(), targetId, trigger);
        return event.jobId();
    }

    /**
     * Registers a job for a dump made outside Vigil: queued, no worker takes it (nothing is published);
     * its runner reports it with {@link #claimReport} or {@link #reportFailed}.
     */
    @Transactional
    public JobId register(TargetId targetId, String requestedBy, @Nullable String note) {
        known(targetId);
        JobId jobId = JobId.random();
        // The note as a request would carry it (checked the same way), though none is published.
        String checkedNote = BackupRequested.now(jobId, targetId, Trigger.API, requestedBy, note).note();
        jobs.requested(jobId, targetId, Trigger.REGISTERED.name(), requestedBy, checkedNote, java.time.Instant.now(), traceId(), false);
        log.info("outside dump registered: job {} target {} by {}", jobId, targetId, requestedBy);
        return jobId;
    }

    /**
     * Marks a registered job reported done, its artifact at {@code artifactUrl} (without query string),
     * before the storage service is asked to fetch it; false when it was reported already.
     */
    @Transactional
    public boolean claimReport(UUID jobId, String artifactUrl) {
        return jobs.reported(jobId, artifactUrl);
    }

    /** Takes back a claimed report the storage service refused: the runner may report again. */
    @Transactional
    public void releaseReport(UUID jobId) {
        jobs.unreported(jobId);
    }

    /**
     * Ends a registered job FAILED as its runner reported, and announces it ({@link BackupFailed}, which
     * alerts); false when it was reported already.
     */
    @Transactional
    public boolean reportFailed(Job job, String reason) {
        if (!jobs.reported(job.jobId(), null)) {
            return false;
        }
        BackupFailed failed = BackupFailed.now(new JobId(job.jobId()), new TargetId(job.targetId()), Stage.DUMP, FailureClass.DUMP_ERROR,
                "the dump made outside Vigil failed, as its runner reported: " + reason);
        jobs.failed(failed.jobId(), failed.occurredAt(), new Job.Failure(Stage.DUMP.name(), FailureClass.DUMP_ERROR.name(), failed.reason()), traceId());
        outbox.append(failed);
        log.info("outside dump of job {} target {} reported failed", job.jobId(), job.targetId());
        return true;
    }

    private void known(TargetId targetId) {
        if (targets.find(targetId).isEmpty()) {
            throw new UnknownTargetException(targetId, targets.ids());
        }
    }

    /** Applies one lifecycle event read from {@code topic}. */
    @Transactional
    public void apply(String topic, byte[] payload) {
        switch (topic) {
            case Topics.BACKUP_REQUESTED -> {
                BackupRequested e = EventJson.read(payload, BackupRequested.class);
                jobs.requested(e.jobId(), e.targetId(), e.trigger().name(), e.requestedBy(), e.note(), e.occurredAt(), traceId(), e.dryRunAsked());
            }
            case Topics.DRY_RUN_CHECKED -> {
                DryRunChecked e = begin(EventJson.read(payload, DryRunChecked.class));
                boolean kept = jobs.dryRunChecked(e.jobId(), e.stage(), new Job.DryRunPart(e.passed(), e.checks(), e.serverVersion(),
                        e.estimatedBytes(), e.extensions(), e.occurredAt()));
                if (!kept) {
                    // Not a dry run, or this stage answered already: a late, repeated or forged answer changes nothing.
                    log.warn("dry run checks of stage {} for job {} target {} ignored: the job is no dry run, or that stage answered already",
                            e.stage(), e.jobId(), e.targetId());
                }
            }
            case Topics.DUMP_STARTED -> {
                DumpStarted e = begin(EventJson.read(payload, DumpStarted.class));
                jobs.dumping(e.jobId(), e.occurredAt(), traceId());
            }
            case Topics.DUMP_PROGRESSED -> {
                DumpProgressed e = begin(EventJson.read(payload, DumpProgressed.class));
                jobs.progressed(e.jobId(), e.occurredAt(), e.bytesWritten(), e.currentTable());
            }
            case Topics.ARTIFACT_CREATED -> {
                ArtifactCreated e = begin(EventJson.read(payload, ArtifactCreated.class));
                jobs.dumped(e.jobId(), e.occurredAt(), e.artifact(), traceId());
            }
            case Topics.ARTIFACT_STORED -> {
                ArtifactStored e = begin(EventJson.read(payload, ArtifactStored.class));
                jobs.stored(e.jobId(), e.occurredAt(), e.artifact(), e.location(), traceId());
            }
            case Topics.BACKUP_VERIFIED -> {
                BackupVerified e = begin(EventJson.read(payload, BackupVerified.class));
                jobs.verified(e.jobId(), e.occurredAt(),
                        new Job.Verification(e.verdict().name(), e.differences(), e.tables(), e.restoreMillis(), e.environmentProblemList(),
                                e.checkList()),
                        traceId());
                if (e.verdict() == Verdict.FAILED) {
                    jobs.failed(e.jobId(), e.occurredAt(), new Job.Failure(Stage.VERIFY.name(), FailureClass.VERIFICATION_FAILED.name(),
                            String.join("; ", e.differences())), traceId());
                }
            }
            case Topics.BACKUP_FAILED -> {
                BackupFailed e = begin(EventJson.read(payload, BackupFailed.class));
                jobs.failed(e.jobId(), e.occurredAt(), new Job.Failure(e.stage().name(), e.failureClass().name(), e.reason()), traceId());
            }
            default -> throw new IllegalArgumentException("the job registry does not read topic " + topic);
        }
    }

    /** Each target's newest finished jobs, at most {@code perTarget} each, oldest first per target. */
    public List<JobOutcome> recentOutcomes(int perTarget) {
        return jobs.recentOutcomes(perTarget);
    }

    /** When each target's newest backup whose verification passed was verified, by target id. */
    public java.util.Map<String, java.time.Instant> lastPassed() {
        return jobs.lastPassed();
    }

    public Optional<Job> find(UUID jobId) {
        return jobs.find(jobId);
    }

    public List<Job> verifiedByTarget(TargetId targetId, int limit) {
        return jobs.verifiedByTarget(targetId.value(), limit);
    }

    /** Up to {@code limit} jobs the filter lets through, newest first, older than {@code before} when given. */
    public JobPage list(JobFilter filter, JobPage.@Nullable Position before, int limit) {
        return jobs.list(filter, before, limit);
    }

    private <E extends JobEvent> E begin(E event) {
        jobs.ensureExists(event.jobId(), event.targetId());
        return event;
    }

    private String traceId() {
        Span span = tracer.currentSpan();
        return span == null ? null : span.context().traceId();
    }
}
