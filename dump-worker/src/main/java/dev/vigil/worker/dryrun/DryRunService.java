package dev.vigil.worker.dryrun;

import dev.vigil.contracts.BackupRequested;
import dev.vigil.contracts.CheckResult;
import dev.vigil.contracts.DryRunChecked;
import dev.vigil.contracts.SourceExtension;
import dev.vigil.contracts.TargetConfigured;
import dev.vigil.messaging.Cancellation;
import dev.vigil.messaging.EventPublisher;
import dev.vigil.messaging.TargetSettings;
import dev.vigil.worker.WorkerProperties;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers a {@link BackupRequested} that asks for a dry run ({@link BackupRequested#dryRunAsked()}):
 * resolves the target as a dump does, runs {@link DryRunChecks} instead of the dump and announces
 * {@link DryRunChecked} (stage DUMP), which the storage service and the verifier answer. Never runs
 * pg_dump, stages nothing, and announces none of a dump's events (DumpStarted, DumpProgressed,
 * ArtifactCreated, BackupFailed): a target it cannot resolve is a failed {@value #TARGET} check.
 * Thread-safe.
 */
public final class DryRunService {

    private static final Logger log = LoggerFactory.getLogger(DryRunService.class);

    /** The single check of a dry run whose target could not be resolved. */
    static final String TARGET = "target";

    private final TargetSettings targets;
    private final DryRunChecks checks;
    private final EventPublisher publisher;
    private final WorkerProperties properties;

    public DryRunService(TargetSettings targets, DryRunChecks checks, EventPublisher publisher, WorkerProperties properties) {
        this.targets = targets;
        this.checks = checks;
        this.publisher = publisher;
        this.properties = properties;
    }

    /**
     * Runs the dry run of {@code request} and announces what it found. A cancelled one announces
     * nothing and ends with {@link java.util.concurrent.CancellationException}, so it is delivered again.
     */
    public void run(BackupRequested request, Cancellation cancellation) throws InterruptedException {
        if (!request.dryRunAsked()) {
            throw new IllegalArgumentException("job " + request.jobId() + " asks for a backup, not a dry run");
        }
        DryRunChecked checked = switch (targets.lookup(request.targetId(), properties.unknownTargetWait())) {
            case TargetSettings.Lookup.Known known -> checked(request, known.settings());
            case TargetSettings.Lookup.NotConfigured notConfigured -> unresolved(request, "no target named '" + request.targetId()
                    + "' is configured; add it to the scheduler's targets file, or fix the targetId of the request");
            case TargetSettings.Lookup.NotReadYet notRead -> unresolved(request, "this worker could not read the targets topic within "
                    + notRead.waited() + " (vigil.targets.read-wait), so the settings of target " + request.targetId() + " are not known; check "
                    + "that it reaches the broker, then ask for the dry run again");
        };
        cancellation.check();
        publisher.publish(checked);
        log.info("dry run of job {} target {} announced: {}", request.jobId(), request.targetId(), checked.passed() ? "every check passed"
                : "failed: " + checked.checks().stream().filter(c -> !c.passed()).map(CheckResult::name).toList());
    }

    private DryRunChecked checked(BackupRequested request, TargetConfigured settings) {
        DryRunReport report = checks.check(settings);
        return DryRunChecked.dump(request.jobId(), request.targetId(), report.checks().stream().map(DryRunCheck::asCheckResult).toList(),
                report.serverVersion(), report.estimatedBytes(),
                report.extensions().stream().map(e -> new SourceExtension(e.name(), e.version())).toList());
    }

    private static DryRunChecked unresolved(BackupRequested request, String reason) {
        log.warn("dry run of job {} target {}: {}", request.jobId(), request.targetId(), reason);
        return DryRunChecked.dump(request.jobId(), request.targetId(), List.of(new CheckResult(TARGET, false, reason)), null, null, List.of());
    }
}
