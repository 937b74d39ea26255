package dev.vigil.scheduler.target;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Optional;
import org.springframework.scheduling.support.CronExpression;

/**
 * The longest gap between two consecutive firings of a cron schedule, so the notifier can tell a
 * weekly target that is merely waiting from a daily one that stopped. Gaps are real elapsed time
 * in the schedule's zone, so a daily schedule in a zone with daylight saving has a 25-hour gap.
 * Stateless, thread-safe.
 */
final class ScheduleInterval {

    /** How far ahead the firings are looked at: a year holds every monthly and seasonal pattern. */
    static final Duration HORIZON = Duration.ofDays(366);
    /**
     * At most this many firings are looked at, so an every-minute schedule stays cheap. A schedule
     * dense in some hours and silent in others (every minute, office hours only) may then show a
     * shorter longest gap than it has.
     */
    static final int MAX_FIRINGS = 2_000;

    private ScheduleInterval() {
    }

    /**
     * @param cron a six-field Spring cron expression, as {@link TargetsFile#normalizeCron} answers it
     * @return the longest gap between consecutive firings after {@code from}, among firings that
     *         start within {@link #HORIZON} (the last gap may end beyond it); empty when the schedule
     *         fires fewer than twice (such as a 30th of February)
     */
    static Optional<Duration> longest(String cron, ZoneId zone, Instant from) {
        CronExpression expression = CronExpression.parse(cron);
        ZonedDateTime end = from.atZone(zone).plus(HORIZON);
        ZonedDateTime firing = expression.next(from.atZone(zone));
        Duration longest = null;
        for (int examined = 0; firing != null && examined < MAX_FIRINGS && !firing.isAfter(end); examined++) {
            ZonedDateTime next = expression.next(firing);
            if (next == null) {
                break;
            }
            Duration gap = Duration.between(firing, next);
            if (longest == null || gap.compareTo(longest) > 0) {
                longest = gap;
            }
            firing = next;
        }
        return Optional.ofNullable(longest);
    }
}
