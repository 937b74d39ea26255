package dev.vigil.contracts;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import org.jspecify.annotations.Nullable;

/**
 * How the notifier watches one target, as set in the targets file. Every field is optional: an
 * absent one takes the notifier's default ({@code vigil.notifier.monitoring.*}).
 */
@JsonClassDescription("How the notifier watches one target: its freshness limit and the thresholds of size and content anomalies. "
        + "Absent fields take the notifier's defaults.")
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Monitoring(
        @JsonPropertyDescription("The longest time allowed without a verified backup, in seconds; absent: the notifier's default "
                + "(25 hours), or the schedule's interval plus one hour when it fires less often than daily")
        @Nullable Long freshnessLimitSeconds,
        @JsonPropertyDescription("The longest gap between two firings of the target's schedule, in seconds, as the scheduler reads it")
        @Nullable Long scheduleIntervalSeconds,
        @JsonPropertyDescription("How many of the newest verified backups a new one is compared with (default 14)") @Nullable Integer history,
        @JsonPropertyDescription("Fewer verified backups than this and no size comparison is made (default 5)") @Nullable Integer minHistory,
        @JsonPropertyDescription("Size and total rows may differ from the history's median by this many percent before the spread "
                + "is even considered (default 25)")
        @Nullable Integer sizeTolerancePercent,
        @JsonPropertyDescription("A table that lost more than this percentage of its rows since the last verified backup is a content "
                + "anomaly (default 50)")
        @Nullable Integer tableLossPercent,
        @JsonPropertyDescription("...when it held at least this many rows (default 100)") @Nullable Long tableMinRows) {

    /** Nothing set: every default. */
    public static final Monitoring DEFAULTS = new Monitoring(null, null, null, null, null, null, null);

    public Monitoring {
        positive(freshnessLimitSeconds, "monitoring.freshnessLimitSeconds");
        positive(scheduleIntervalSeconds, "monitoring.scheduleIntervalSeconds");
        if (history != null && (history < 2 || history > 1_000)) {
            throw new IllegalArgumentException("monitoring.history must be from 2 to 1000, got: " + history);
        }
        if (minHistory != null && (minHistory < 2 || (history != null && minHistory > history))) {
            throw new IllegalArgumentException("monitoring.minHistory must be at least 2 and at most history, got: " + minHistory);
        }
        if (sizeTolerancePercent != null && (sizeTolerancePercent < 1 || sizeTolerancePercent > 10_000)) {
            throw new IllegalArgumentException("monitoring.sizeTolerancePercent must be from 1 to 10000, got: " + sizeTolerancePercent);
        }
        if (tableLossPercent != null && (tableLossPercent < 1 || tableLossPercent > 100)) {
            throw new IllegalArgumentException("monitoring.tableLossPercent must be from 1 to 100, got: " + tableLossPercent);
        }
        if (tableMinRows != null && tableMinRows < 1) {
            throw new IllegalArgumentException("monitoring.tableMinRows must be at least 1, got: " + tableMinRows);
        }
    }

    /** These settings with the schedule's interval, as the scheduler announces them. */
    public Monitoring withScheduleInterval(@Nullable Long seconds) {
        return new Monitoring(freshnessLimitSeconds, seconds, history, minHistory, sizeTolerancePercent, tableLossPercent, tableMinRows);
    }

    /**
     * How long the target may go without a verified backup: its own limit; else, for a schedule that
     * fires less often than daily, its longest gap plus an hour (never below the fallback); else the
     * fallback (the notifier's default). The one rule, for the notifier's alerts and the console alike.
     */
    public java.time.Duration freshnessLimit(java.time.Duration fallback) {
        if (freshnessLimitSeconds != null) {
            return java.time.Duration.ofSeconds(freshnessLimitSeconds);
        }
        if (scheduleIntervalSeconds != null && java.time.Duration.ofSeconds(scheduleIntervalSeconds).compareTo(java.time.Duration.ofDays(1)) > 0) {
            java.time.Duration interval = java.time.Duration.ofSeconds(scheduleIntervalSeconds).plusHours(1);
            return interval.compareTo(fallback) > 0 ? interval : fallback;
        }
        return fallback;
    }

    private static void positive(@Nullable Long value, String field) {
        if (value != null && value < 1) {
            throw new IllegalArgumentException(field + " must be at least 1 second, got: " + value);
        }
    }
}
