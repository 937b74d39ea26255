package dev.vigil.notifier.monitor;

import dev.vigil.contracts.Monitoring;
import dev.vigil.notifier.NotifierProperties.MonitoringDefaults;
import java.time.Duration;

/** How one target is watched: its own settings where the targets file gives them, the notifier's defaults elsewhere. */
record Thresholds(Duration freshnessLimit, int history, int minHistory, int sizeTolerancePercent, int tableLossPercent, long tableMinRows) {

    private static final Duration DAY = Duration.ofDays(1);

    static Thresholds of(Monitoring target, MonitoringDefaults defaults) {
        return new Thresholds(freshnessLimit(target, defaults.freshnessLimit()),
                target.history() != null ? target.history() : defaults.history(),
                target.minHistory() != null ? target.minHistory() : defaults.minHistory(),
                target.sizeTolerancePercent() != null ? target.sizeTolerancePercent() : defaults.sizeTolerancePercent(),
                target.tableLossPercent() != null ? target.tableLossPercent() : defaults.tableLossPercent(),
                target.tableMinRows() != null ? target.tableMinRows() : defaults.tableMinRows());
    }

    /**
     * The target's own limit; else, for a schedule that fires less often than daily, its longest gap
     * plus an hour; else the default.
     */
    static Duration freshnessLimit(Monitoring target, Duration fallback) {
        if (target.freshnessLimitSeconds() != null) {
            return Duration.ofSeconds(target.freshnessLimitSeconds());
        }
        if (target.scheduleIntervalSeconds() != null && Duration.ofSeconds(target.scheduleIntervalSeconds()).compareTo(DAY) > 0) {
            Duration interval = Duration.ofSeconds(target.scheduleIntervalSeconds()).plusHours(1);
            return interval.compareTo(fallback) > 0 ? interval : fallback;
        }
        return fallback;
    }
}
