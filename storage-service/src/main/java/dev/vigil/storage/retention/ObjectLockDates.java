package dev.vigil.storage.retention;

import dev.vigil.contracts.RetentionPolicy;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;

/**
 * The Object Lock retain-until date of a kept backup, from the tiers that keep it: a daily backup
 * is locked for the policy's daily count of days after it was taken, a weekly one for its weeks, a
 * monthly one for its months, a yearly one for its years, one taken within the keep-within window
 * for that many days; the latest of those. Reasons without a span (newest verified, pending
 * verification, legal hold, the floor) give none: they change with every run.
 */
final class ObjectLockDates {

    private ObjectLockDates() {
    }

    static Optional<Instant> retainUntil(RetentionPolicy policy, Instant takenAt, List<String> reasons) {
        ZonedDateTime taken = takenAt.atZone(ZoneOffset.UTC);
        Instant latest = null;
        for (String reason : reasons) {
            ZonedDateTime until = null;
            if (reason.startsWith("daily ")) {
                until = taken.plusDays(policy.daily());
            } else if (reason.startsWith("weekly ")) {
                until = taken.plusWeeks(policy.weekly());
            } else if (reason.startsWith("monthly ")) {
                until = taken.plusMonths(policy.monthly());
            } else if (reason.startsWith("yearly ")) {
                until = taken.plusYears(policy.yearly());
            } else if (reason.startsWith("taken within ")) {
                until = taken.plusDays(policy.keepWithinDays());
            }
            if (until != null && (latest == null || until.toInstant().isAfter(latest))) {
                latest = until.toInstant();
            }
        }
        return Optional.ofNullable(latest).map(i -> i.truncatedTo(ChronoUnit.SECONDS));
    }
}
