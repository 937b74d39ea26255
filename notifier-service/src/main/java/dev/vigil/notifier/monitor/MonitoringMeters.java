package dev.vigil.notifier.monitor;

import dev.vigil.notifier.IncidentKind;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * The notifier's meters, per target where it makes sense: the newest verified backup's time, size,
 * rows and restore time, the freshness limit, outcomes by kind, open incidents by kind. Refreshed on
 * each freshness check; thread-safe.
 */
final class MonitoringMeters {

    /** Prometheus names, as the rules in deploy/prometheus use them. */
    static final String LAST_VERIFIED = "vigil.backup.last.verified.timestamp";
    static final String FRESHNESS_LIMIT = "vigil.backup.freshness.limit";
    static final String LAST_SIZE = "vigil.backup.last.size";
    static final String LAST_ROWS = "vigil.backup.last.rows";
    static final String LAST_RESTORE = "vigil.backup.last.restore";
    static final String OUTCOMES = "vigil.backup.outcomes";
    static final String OPEN_INCIDENTS = "vigil.incidents.open";

    private record TargetValues(AtomicLong lastVerified, AtomicLong limit, AtomicLong size, AtomicLong rows, AtomicLong restoreMillis) {
    }

    private final MeterRegistry registry;
    private final Map<String, TargetValues> targets = new ConcurrentHashMap<>();
    private final Map<IncidentKind, AtomicLong> open = new ConcurrentHashMap<>();

    MonitoringMeters(MeterRegistry registry) {
        this.registry = registry;
        for (IncidentKind kind : IncidentKind.values()) {
            AtomicLong value = new AtomicLong();
            open.put(kind, value);
            Gauge.builder(OPEN_INCIDENTS, value, AtomicLong::get).tag("kind", kind.name()).description("Open incidents by kind").register(registry);
        }
    }

    void outcome(String target, String outcome) {
        Counter.builder(OUTCOMES).tag("target", target).tag("outcome", outcome).description("Backup jobs by how they ended")
                .register(registry).increment();
    }

    /**
     * @param clockStart what the freshness clock counts from: the newest verified backup, or when the
     *                   notifier first saw a target never verified (so the stale rule agrees with the notifier)
     */
    void target(String target, BackupHistory.@Nullable LastVerified last, java.time.Instant clockStart, Duration limit) {
        TargetValues values = targets.computeIfAbsent(target, this::register);
        values.limit().set(limit.toSeconds());
        values.lastVerified().set(clockStart.getEpochSecond());
        if (last != null) {
            values.size().set(last.sizeBytes() == null ? 0 : last.sizeBytes());
            values.rows().set(last.totalRows());
            values.restoreMillis().set(last.restoreMillis());
        }
    }

    void open(Map<IncidentKind, Integer> counts) {
        counts.forEach((kind, n) -> open.get(kind).set(n));
    }

    private TargetValues register(String target) {
        TargetValues values = new TargetValues(new AtomicLong(), new AtomicLong(), new AtomicLong(), new AtomicLong(), new AtomicLong());
        Gauge.builder(LAST_VERIFIED, values.lastVerified(), AtomicLong::get).tag("target", target).baseUnit("seconds")
                .description("Unix time of the target's newest verified backup; for a target never verified, when the notifier first saw it").register(registry);
        Gauge.builder(FRESHNESS_LIMIT, values.limit(), AtomicLong::get).tag("target", target).baseUnit("seconds")
                .description("The longest time the target may go without a verified backup").register(registry);
        Gauge.builder(LAST_SIZE, values.size(), AtomicLong::get).tag("target", target).baseUnit("bytes")
                .description("Size of the target's newest verified backup").register(registry);
        Gauge.builder(LAST_ROWS, values.rows(), AtomicLong::get).tag("target", target)
                .description("Rows in the target's newest verified backup").register(registry);
        Gauge.builder(LAST_RESTORE, values.restoreMillis(), millis -> millis.get() / 1000.0).tag("target", target).baseUnit("seconds")
                .description("How long restoring the target's newest verified backup took").register(registry);
        return values;
    }
}
