package dev.vigil.notifier.report;

import dev.vigil.contracts.TargetConfigured;
import dev.vigil.messaging.TargetSettings;
import java.time.Clock;
import java.util.Set;
import java.util.stream.Collectors;

/** Makes the report of the targets Vigil knows for a period. Thread-safe. */
public final class WeeklyReport {

    private final ReportStore store;
    private final TargetSettings targets;
    private final Clock clock;

    WeeklyReport(ReportStore store, TargetSettings targets, Clock clock) {
        this.store = store;
        this.targets = targets;
        this.clock = clock;
    }

    /** The report of the period, of every configured target and every target that had a backup in it or has an open incident. */
    public Report report(Period period) throws InterruptedException {
        Set<String> configured = targets.current().map(list -> list.stream().map(TargetConfigured::targetId).map(id -> id.value())
                .collect(Collectors.toSet())).orElse(Set.of());
        return Report.of(period, clock.instant(), store.facts(period, configured));
    }
}
