package dev.vigil.scheduler.job;

import dev.vigil.contracts.ArtifactCreated;
import dev.vigil.contracts.ArtifactStored;
import dev.vigil.contracts.BackupFailed;
import dev.vigil.contracts.BackupRequested;
import dev.vigil.contracts.BackupVerified;
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
        if (targets.find(targetId).isEmpty()) {
            throw new UnknownTargetException(targetId, targets.ids());
        }
        BackupRequested event = BackupRequested.now(JobId.random(), targetId, trigger, requestedBy, note);
        jobs.requested(event.jobId(), targetId, trigger.name(), requestedBy, event.note(), event.occurredAt(), traceId());
        outbox.append(event);
        log.info("backup requested: job {} target {} by {}", event.jobId(), targetId, trigger);
        return event.jobId();
    }

    /** Applies one lifecycle event read from {@code topic}. */
    @Transactional
    public void apply(String topic, byte[] payload) {
        switch (topic) {
            case Topics.BACKUP_REQUESTED -> {
                BackupRequested e = EventJson.read(payload, BackupRequested.class);
                jobs.requested(e.jobId(), e.targetId(), e.trigger().name(), e.requestedBy(), e.note(), e.occurredAt(), traceId());
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
