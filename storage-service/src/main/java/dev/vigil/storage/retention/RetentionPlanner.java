package dev.vigil.storage.retention;

import dev.vigil.contracts.RetentionPolicy;
import dev.vigil.storage.backups.StoredBackup;
import dev.vigil.storage.backups.StoredBackup.State;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.IsoFields;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * Decides which of one target's stored backups a policy keeps. Pure: the caller passes the backups
 * of exactly one target id (never a prefix match) and the time.
 *
 * <p>Rules, each adding reasons to keep:
 * <ul>
 * <li>a backup the verifier has not judged yet is kept ("verification pending");
 * <li>a backup under legal hold is kept;
 * <li>every backup taken within {@code keepWithinDays} of now is kept, as is one with a takenAt in the future;
 * <li>grandfather-father-son over verified backups only: the newest of each of the most recent
 *     {@code daily} days, {@code weekly} ISO weeks, {@code monthly} months, {@code yearly} years (UTC)
 *     that hold a verified backup. Failed dumps never reach the catalog, and failed verifications do
 *     not count, so neither uses up a slot;
 * <li>the newest verified backup, both by takenAt and by the order of storing (so a clock that
 *     jumped cannot make an old backup look newest, or the newest look old), is always kept;
 * <li>if fewer than {@code minVerified} verified backups would remain, the newest others are kept too;
 * <li>a backup whose verification failed is kept while no newer backup is verified: it may hold the
 *     newest data there is, and a verdict alone (true or forged) never leaves a target with less.
 * </ul>
 * Everything else is deleted.
 */
final class RetentionPlanner {

    static final String PENDING = "verification pending";
    static final String LEGAL_HOLD = "legal hold";
    static final String NEWEST = "newest verified backup";
    static final String FAILED_BUT_NEWEST = "verification failed, but no newer backup is verified";

    private RetentionPlanner() {
    }

    static RetentionPlan plan(RetentionPolicy policy, List<StoredBackup> backups, Instant now) {
        Map<StoredBackup, List<String>> reasons = new LinkedHashMap<>();
        List<StoredBackup> live = backups.stream().filter(b -> b.state() != State.DELETED)
                .sorted(Comparator.comparing(StoredBackup::takenAt).thenComparingLong(StoredBackup::sequence).reversed()).toList();
        live.forEach(b -> reasons.put(b, new ArrayList<>()));

        Instant windowStart = now.minus(Duration.ofDays(policy.keepWithinDays()));
        for (StoredBackup backup : live) {
            if (backup.state() == State.PENDING_VERIFICATION) {
                reasons.get(backup).add(PENDING);
            }
            if (backup.legalHold()) {
                reasons.get(backup).add(LEGAL_HOLD);
            }
            if (backup.takenAt().isAfter(now)) {
                reasons.get(backup).add("taken in the future (" + backup.takenAt() + "); kept until the clock has passed it");
            } else if (policy.keepWithinDays() > 0 && backup.takenAt().isAfter(windowStart)) {
                reasons.get(backup).add("taken within " + policy.keepWithinDays() + " days");
            }
        }

        List<StoredBackup> verified = live.stream().filter(b -> b.state() == State.VERIFIED).toList();
        if (!verified.isEmpty()) {
            reasons.get(verified.getFirst()).add(NEWEST);
            StoredBackup lastStored = verified.stream().max(Comparator.comparingLong(StoredBackup::sequence)).orElseThrow();
            if (lastStored != verified.getFirst()) {
                reasons.get(lastStored).add("last verified backup stored");
            }
        }
        tier(verified, policy.daily(), "daily", t -> t.toLocalDate().toString(), reasons);
        tier(verified, policy.weekly(), "weekly",
                t -> t.get(IsoFields.WEEK_BASED_YEAR) + "-W" + String.format("%02d", t.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR)), reasons);
        tier(verified, policy.monthly(), "monthly", t -> String.format("%04d-%02d", t.getYear(), t.getMonthValue()), reasons);
        tier(verified, policy.yearly(), "yearly", t -> String.valueOf(t.getYear()), reasons);

        for (StoredBackup backup : live) {
            if (backup.state() == State.VERIFICATION_FAILED && verified.stream().noneMatch(v -> newer(v, backup))) {
                reasons.get(backup).add(FAILED_BUT_NEWEST);
            }
        }

        long verifiedKept = verified.stream().filter(b -> !reasons.get(b).isEmpty()).count();
        for (StoredBackup backup : verified) {
            if (verifiedKept >= policy.minVerified()) {
                break;
            }
            if (reasons.get(backup).isEmpty()) {
                reasons.get(backup).add("floor of " + policy.minVerified() + " verified backups");
                verifiedKept++;
            }
        }

        List<RetentionPlan.Decision> kept = new ArrayList<>();
        List<RetentionPlan.Decision> deleted = new ArrayList<>();
        for (StoredBackup backup : live) {
            List<String> why = reasons.get(backup);
            if (why.isEmpty()) {
                deleted.add(new RetentionPlan.Decision(backup, List.of(backup.state() == State.VERIFICATION_FAILED
                        ? "verification failed, and no rule keeps it" : "no rule keeps it")));
            } else {
                kept.add(new RetentionPlan.Decision(backup, List.copyOf(why)));
            }
        }
        return new RetentionPlan(kept, deleted);
    }

    /** Whether {@code a} is newer than {@code b}: taken later, or stored later (a clock that jumped back cannot hide it). */
    private static boolean newer(StoredBackup a, StoredBackup b) {
        return a.takenAt().isAfter(b.takenAt()) || a.sequence() > b.sequence();
    }

    /** Keeps the newest backup of each of the {@code count} most recent periods that hold one. */
    private static void tier(List<StoredBackup> newestFirst, int count, String name, Function<ZonedDateTime, String> period,
            Map<StoredBackup, List<String>> reasons) {
        String last = null;
        int left = count;
        for (StoredBackup backup : newestFirst) {
            if (left == 0) {
                return;
            }
            String key = period.apply(backup.takenAt().atZone(ZoneOffset.UTC));
            if (!Objects.equals(key, last)) {
                reasons.get(backup).add(name + " " + key);
                last = key;
                left--;
            }
        }
    }
}
