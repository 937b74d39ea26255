package dev.vigil.notifier.report;

import dev.vigil.contracts.CheckResult;
import dev.vigil.contracts.StoredObject;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * One verification as the audit export shows it: the verdict and its evidence, what the restore was
 * compared with and found, and the backup it judged (checksum, wrapping, where its copies are). The
 * encryption key is named by its id; no secret is ever recorded.
 *
 * @param storedAt            when the backup was stored; null when its ArtifactStored was not seen
 * @param restoreSeconds      how long downloading, decoding and restoring took
 * @param tablesCompared      how many tables' row counts were compared with the source's at dump time
 * @param totalRows           the rows the source held at dump time, over those tables
 * @param differences         every difference found, as the verifier reported them (a FAILED verdict has at least one)
 * @param checks              the target's own checks and how each came out
 * @param environmentProblems what the verification server lacked (an INCONCLUSIVE verdict)
 * @param copies              every stored copy, the primary first
 */
public record Verification(String targetId, UUID jobId, String verdict, Instant verifiedAt, @Nullable Instant storedAt,
        @Nullable Long sizeBytes, @Nullable String sha256, @Nullable String format, @Nullable String compression,
        @Nullable String encryptionKeyId, @Nullable BigDecimal restoreSeconds, @Nullable Integer tablesCompared, @Nullable Long totalRows,
        List<String> differences, List<CheckResult> checks, List<String> environmentProblems, List<StoredObject> copies) {

    public Verification {
        differences = List.copyOf(differences);
        checks = List.copyOf(checks);
        environmentProblems = List.copyOf(environmentProblems);
        copies = List.copyOf(copies);
    }

    public int checksPassed() {
        return (int) checks.stream().filter(CheckResult::passed).count();
    }

    public int checksFailed() {
        return checks.size() - checksPassed();
    }
}
