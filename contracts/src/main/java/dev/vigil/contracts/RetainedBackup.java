package dev.vigil.contracts;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.time.Instant;
import java.util.List;

/** One stored backup in a retention decision, with the reasons it was kept or deleted. */
@JsonClassDescription("One stored backup in a retention decision, with every reason it was kept, or the reason it was deleted.")
public record RetainedBackup(
        JobId jobId,
        @JsonPropertyDescription("When the dump was taken (the time of its ArtifactCreated)") Instant takenAt,
        @JsonPropertyDescription("The object's key in its destination") String objectKey,
        @JsonPropertyDescription("Why, e.g. 'daily 2026-11-20', 'weekly 2026-W47', 'newest verified backup', 'verification pending'")
        @MaxItems(EventLimits.REASONS) List<String> reasons,
        @JsonPropertyDescription("Where the bucket has Object Lock: the date until which the stored object cannot be deleted or "
                + "overwritten, set from the retention tier that keeps it (since RetentionApplied v2); absent otherwise")
        @JsonInclude(JsonInclude.Include.NON_NULL) @org.jspecify.annotations.Nullable Instant retainUntil) {

    public RetainedBackup {
        Events.required(jobId, "jobId");
        Events.required(takenAt, "takenAt");
        Events.required(objectKey, "objectKey");
        reasons = Events.atMost(Events.required(reasons, "reasons"), EventLimits.REASONS, "reasons");
    }

    public RetainedBackup(JobId jobId, Instant takenAt, String objectKey, List<String> reasons) {
        this(jobId, takenAt, objectKey, reasons, null);
    }
}
