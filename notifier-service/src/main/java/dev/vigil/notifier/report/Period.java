package dev.vigil.notifier.report;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import org.jspecify.annotations.Nullable;

/**
 * A report's time span, {@code [from, to)}: what happened at {@code from} is in it, what happened at
 * {@code to} is not, so consecutive periods never count an event twice.
 */
public record Period(Instant from, Instant to) {

    /** A weekly report's length. */
    public static final Duration WEEK = Duration.ofDays(7);

    private static final DateTimeFormatter DAY = DateTimeFormatter.ISO_LOCAL_DATE.withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter COMPACT = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    public Period {
        if (!from.isBefore(to)) {
            throw new IllegalArgumentException("from must be before to, got from " + from + " and to " + to);
        }
    }

    /** The 7 days before {@code end}. */
    public static Period weekBefore(Instant end) {
        return new Period(end.minus(WEEK), end);
    }

    /**
     * The period a request asks for: {@code to} defaults to {@code now}, {@code from} to 7 days before
     * {@code to}. Each is an ISO-8601 instant ({@code 2026-11-01T00:00:00Z}) or a date
     * ({@code 2026-11-01}, its midnight UTC). Throws {@link IllegalArgumentException} saying what is
     * wrong: a value that is neither, {@code from} not before {@code to}, or a period longer than
     * {@code longest}.
     */
    public static Period parse(@Nullable String from, @Nullable String to, Instant now, Duration longest) {
        Instant end = blank(to) ? now : instant("to", to);
        Instant start = blank(from) ? end.minus(WEEK) : instant("from", from);
        if (!start.isBefore(end)) {
            throw new IllegalArgumentException("from (" + start + ") must be before to (" + end + ")");
        }
        if (Duration.between(start, end).compareTo(longest) > 0) {
            throw new IllegalArgumentException("the period from " + start + " to " + end + " is longer than " + longest.toDays()
                    + " days: ask for a shorter one");
        }
        return new Period(start, end);
    }

    /** The days it spans for a reader, e.g. "2026-11-23 – 2026-11-30" (the end day itself excluded when the period ends at midnight). */
    public String days() {
        Instant lastMoment = to.minusNanos(1);
        return DAY.format(from) + " – " + DAY.format(to.truncatedTo(ChronoUnit.DAYS).equals(to) ? lastMoment : to);
    }

    /** For file names: {@code 20261123T080000Z-20261130T080000Z}. */
    public String fileLabel() {
        return COMPACT.format(from) + "-" + COMPACT.format(to);
    }

    private static boolean blank(@Nullable String value) {
        return value == null || value.isBlank();
    }

    private static Instant instant(String name, String value) {
        String text = value.trim();
        try {
            return text.length() == 10 ? LocalDate.parse(text).atStartOfDay(ZoneOffset.UTC).toInstant() : Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(name + " must be an ISO-8601 instant (2026-11-01T00:00:00Z) or date (2026-11-01), got: " + value);
        }
    }
}
