package dev.vigil.storage.recheck;

import dev.vigil.contracts.JobId;
import dev.vigil.contracts.TargetId;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.Comparator;
import java.util.Optional;

/**
 * Which kept backup of a target the re-check asks the verifier to restore again, once a calendar
 * month (UTC): the oldest (by storing order, which retention also trusts over clocks) that was
 * verified and whose copies this re-check found whole. A backup never verified is the verifier's
 * ordinary work, one whose verification failed is known not to restore, and one with a copy missing,
 * altered or unreadable is already a finding of the re-check. Pure.
 */
final class MonthlySample {

    private MonthlySample() {
    }

    /**
     * One kept backup as the sample sees it.
     *
     * @param sequence the catalog's order of storing
     * @param verified its verification passed
     * @param whole    every copy checked, the primary among them, read back with its recorded size and SHA-256
     *                 (an Object Lock date brought forward leaves the bytes whole)
     */
    record Candidate(JobId jobId, Instant takenAt, long sequence, boolean verified, boolean whole) {
    }

    /** The backup to restore again, if any qualifies. */
    static Optional<Candidate> choose(Collection<Candidate> candidates) {
        return candidates.stream().filter(c -> c.verified() && c.whole()).min(Comparator.comparingLong(Candidate::sequence));
    }

    /** The calendar month (UTC) a re-check at this instant samples for. */
    static YearMonth month(Instant at) {
        return YearMonth.from(at.atOffset(ZoneOffset.UTC));
    }

    /** Why the backup was chosen, for a reader of the request. */
    static String reason(YearMonth month, TargetId target, Candidate chosen) {
        return "monthly sample " + month + ": the oldest kept verified backup of " + target + " (taken " + chosen.takenAt()
                + "), every copy found whole by the re-check at rest";
    }
}
