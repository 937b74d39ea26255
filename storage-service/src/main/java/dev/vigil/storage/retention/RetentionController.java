package dev.vigil.storage.retention;

import dev.vigil.contracts.JobId;
import dev.vigil.contracts.RetainedBackup;
import dev.vigil.contracts.RetentionPolicy;
import dev.vigil.contracts.TargetId;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Retention, by hand: what a target's policy would delete now (a dry run, changing nothing), and
 * legal holds on single backups.
 */
@RestController
@RequestMapping("/api/v1")
class RetentionController {

    private final RetentionService retention;

    RetentionController(RetentionService retention) {
        this.retention = retention;
    }

    /** The dry run. */
    record Preview(String targetId, RetentionPolicy policy, String policySource, List<String> raisedByFloor, Instant at,
            List<RetainedBackup> kept, List<RetainedBackup> wouldDelete) {
    }

    @GetMapping("/targets/{targetId}/retention")
    ResponseEntity<?> preview(@PathVariable String targetId) {
        TargetId id;
        try {
            id = new TargetId(targetId);
        } catch (IllegalArgumentException e) {
            return problem(HttpStatus.BAD_REQUEST, e.getMessage());
        }
        RetentionService.Policy policy = retention.policyFor(id);
        if (policy instanceof RetentionService.Policy.Unknown unknown) {
            return problem(HttpStatus.NOT_FOUND, unknown.why());
        }
        RetentionService.Policy.Known known = (RetentionService.Policy.Known) policy;
        RetentionPlan plan = retention.preview(id, known.policy());
        return ResponseEntity.ok(new Preview(id.value(), known.policy(), known.targetsOwn() ? "target" : "default", known.raisedByFloor(),
                Instant.now(),
                plan.keptBackups(), plan.deletedBackups()));
    }

    @PutMapping("/backups/{jobId}/legal-hold")
    ResponseEntity<?> hold(@PathVariable String jobId) {
        return legalHold(jobId, true);
    }

    @DeleteMapping("/backups/{jobId}/legal-hold")
    ResponseEntity<?> release(@PathVariable String jobId) {
        return legalHold(jobId, false);
    }

    private ResponseEntity<?> legalHold(String jobId, boolean hold) {
        UUID id;
        try {
            id = UUID.fromString(jobId);
        } catch (IllegalArgumentException e) {
            return problem(HttpStatus.BAD_REQUEST, "'" + jobId + "' is not a job id; use the jobId of a stored backup, a UUID");
        }
        boolean found;
        try {
            found = retention.legalHold(new JobId(id), hold);
        } catch (RuntimeException e) {
            return problem(HttpStatus.SERVICE_UNAVAILABLE, "the object store did not take the backup's manifest (" + e.getMessage()
                    + "); the hold was not changed, try again when the store is back");
        }
        if (!found) {
            return problem(HttpStatus.NOT_FOUND, "no stored backup has job id " + jobId + " (or retention has already deleted it)");
        }
        return ResponseEntity.noContent().build();
    }

    private static ResponseEntity<ProblemDetail> problem(HttpStatus status, String detail) {
        return ResponseEntity.status(status).body(ProblemDetail.forStatusAndDetail(status, detail));
    }
}
