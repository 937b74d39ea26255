package dev.vigil.notifier.monitor;

import dev.vigil.contracts.Monitoring;
import dev.vigil.notifier.NotifierProperties.MonitoringDefaults;
import java.time.Duration;

/** How one target is watched: its own settings where the targets file gives them, the notifier's defaults elsewhere. */
record Thresholds(Duration freshnessLimit, int history, int minHistory, int sizeTolerancePercent, int tableLossPercent, long tableMinRows) {

    static Thresholds of(Monitoring target, MonitoringDefaults defaults) {
        return new Thresholds(target.freshnessLimit(defaults.freshnessLimit()),
                target.history() != null ? target.history() : defaults.history(),
                target.minHistory() != null ? target.minHistory() : defaults.minHistory(),
                target.sizeTolerancePercent() != null ? target.sizeTolerancePercent() : defaults.sizeTolerancePercent(),
                target.tableLossPercent() != null ? target.tableLossPercent() : defaults.tableLossPercent(),
                target.tableMinRows() != null ? target.tableMinRows() : defaults.tableMinRows());
    }
}
