package dev.vigil.scheduler.schedule;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.springframework.scheduling.support.CronExpression;

/**
 * Which firing a scheduler that was down missed, if any: the newest instant a target's schedule was
 * due after the last one fired and up to now. One catch-up stands for all the firings missed (not one
 * per missed slot), and none is needed while the target's newest verified backup is newer than that
 * instant. Pure.
 */
final class CatchUp {

    /** Windows searched back from now, shortest first: a schedule that fires often is answered from the first. */
    private static final List<Duration> WINDOWS = List.of(Duration.ofMinutes(1), Duration.ofHours(1), Duration.ofDays(1), Duration.ofDays(8),
            Duration.ofDays(32), Duration.ofDays(367), Duration.ofDays(4 * 366 + 1));

    private CatchUp() {
    }

    /**
     * The newest instant the schedule was due after {@code lastFired} and at or before {@code now}; empty
     * when none was missed, or when the schedule never fired here (nothing to catch up on a first start).
     */
    static Optional<Instant> missed(CronExpression cron, ZoneId zone, @Nullable Instant lastFired, Instant now) {
        if (lastFired == null || !lastFired.isBefore(now)) {
            return Optional.empty();
        }
        for (Duration window : WINDOWS) {
            Instant from = now.minus(window).isAfter(lastFired) ? now.minus(window) : lastFired;
            Instant newest = null;
            for (ZonedDateTime due = cron.next(from.atZone(zone)); due != null && !due.toInstant().isAfter(now); due = cron.next(due)) {
                newest = due.toInstant();
            }
            if (newest != null) {
                return Optional.of(newest);
            }
            if (from.equals(lastFired)) {
                return Optional.empty();
            }
        }
        return Optional.empty();
    }

    /** Whether a backup verified at {@code lastVerified} makes the missed firing at {@code missed} unneeded: it is newer. */
    static boolean recentEnough(@Nullable Instant lastVerified, Instant missed) {
        return lastVerified != null && !lastVerified.isBefore(missed);
    }
}
