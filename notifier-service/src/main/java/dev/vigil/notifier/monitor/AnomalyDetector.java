package dev.vigil.notifier.monitor;

import dev.vigil.contracts.Sizes;
import dev.vigil.notifier.IncidentKind;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * Compares a new verified backup with its target's recent verified ones. Size and total rows are
 * anomalous outside a robust band around the history's median: the wider of the tolerance (a share
 * of the median) and four robust standard deviations (1.4826 × the median absolute deviation), so a
 * steadily growing database is normal and a halved one is not. A table is anomalous when it usually
 * held at least {@code tableMinRows} rows (median over the history) and lost more than
 * {@code tableLossPercent} of them, or is gone. Pure: no I/O, thread-safe.
 */
final class AnomalyDetector {

    /** One verified backup: its size when known, its rows in total and per table ({@code schema.table}). */
    record Sample(UUID jobId, @Nullable Long sizeBytes, long totalRows, Map<String, Long> tables) {
    }

    /** What was found for one kind; {@code judged} false when there was too little history to say. */
    record Finding(IncidentKind kind, boolean judged, boolean anomalous, String headline, List<String> details) {

        static Finding notJudged(IncidentKind kind, String why) {
            return new Finding(kind, false, false, why, List.of());
        }

        static Finding normal(IncidentKind kind, String summary) {
            return new Finding(kind, true, false, summary, List.of());
        }
    }

    private static final double SPREADS = 4.0;
    private static final double MAD_TO_SIGMA = 1.4826;

    private AnomalyDetector() {
    }

    /** @param history the target's verified backups before this one, newest first, at most {@code thresholds.history()} */
    static Finding size(String targetId, Sample current, List<Sample> history, Thresholds thresholds) {
        if (history.size() < thresholds.minHistory()) {
            return Finding.notJudged(IncidentKind.SIZE_ANOMALY, history.size() + " verified backup(s) so far; sizes are compared from "
                    + thresholds.minHistory());
        }
        List<String> details = new ArrayList<>();
        boolean anomalous = false;
        String headline = null;
        long[] sizes = history.stream().filter(s -> s.sizeBytes() != null).mapToLong(Sample::sizeBytes).toArray();
        if (current.sizeBytes() != null && sizes.length >= thresholds.minHistory()) {
            Band band = band(sizes, thresholds.sizeTolerancePercent());
            details.add("Size " + Sizes.human(current.sizeBytes()) + "; the last " + sizes.length + " verified: median " + Sizes.human(band.median())
                    + ", expected " + Sizes.human(band.low()) + " to " + Sizes.human(band.high()) + ".");
            if (!band.holds(current.sizeBytes())) {
                anomalous = true;
                headline = "Backup of " + targetId + " is unusually " + (current.sizeBytes() < band.median() ? "small" : "large") + ": "
                        + Sizes.human(current.sizeBytes()) + " against a median of " + Sizes.human(band.median());
            }
        }
        long[] rows = history.stream().mapToLong(Sample::totalRows).toArray();
        Band rowBand = band(rows, thresholds.sizeTolerancePercent());
        details.add("Rows " + count(current.totalRows()) + "; the last " + rows.length + " verified: median " + count(rowBand.median())
                + ", expected " + count(rowBand.low()) + " to " + count(rowBand.high()) + ".");
        if (!rowBand.holds(current.totalRows())) {
            if (!anomalous) {
                headline = "Backup of " + targetId + " holds unusually " + (current.totalRows() < rowBand.median() ? "few" : "many") + " rows: "
                        + count(current.totalRows()) + " against a median of " + count(rowBand.median());
            }
            anomalous = true;
        }
        if (!anomalous) {
            return new Finding(IncidentKind.SIZE_ANOMALY, true, false, "size and rows as usual", details);
        }
        details.add("The backup was restored and verified; it is kept. Check whether the source lost data or the dump settings changed.");
        return new Finding(IncidentKind.SIZE_ANOMALY, true, true, headline, details);
    }

    static Finding content(String targetId, Sample current, List<Sample> history, Thresholds thresholds) {
        if (history.isEmpty()) {
            return Finding.notJudged(IncidentKind.CONTENT_ANOMALY, "no verified backup to compare with yet");
        }
        TreeSet<String> tables = new TreeSet<>();
        history.forEach(sample -> tables.addAll(sample.tables().keySet()));
        List<String> emptied = new ArrayList<>();
        List<String> details = new ArrayList<>();
        for (String table : tables) {
            long usual = median(history.stream().mapToLong(sample -> sample.tables().getOrDefault(table, 0L)).toArray());
            if (usual < thresholds.tableMinRows()) {
                continue;
            }
            Long now = current.tables().get(table);
            long found = now == null ? 0 : now;
            if (found < usual * (100 - thresholds.tableLossPercent()) / 100.0) {
                emptied.add(table);
                details.add(table + ": " + (now == null ? "gone from the backup" : count(found) + " rows") + ", usually " + count(usual)
                        + " (median of the last " + history.size() + " verified backups)");
            }
        }
        if (emptied.isEmpty()) {
            return Finding.normal(IncidentKind.CONTENT_ANOMALY, "no table lost most of its rows");
        }
        details.add("The backup was restored and verified. If the rows were not deleted on purpose, the earlier verified backups "
                + "still hold them: restore one before retention ages it out.");
        String headline = "Backup of " + targetId + " lost most rows of " + (emptied.size() == 1 ? "table " : emptied.size() + " tables: ")
                + String.join(", ", emptied.subList(0, Math.min(emptied.size(), 5))) + (emptied.size() > 5 ? ", …" : "");
        return new Finding(IncidentKind.CONTENT_ANOMALY, true, true, headline, details);
    }

    /** Median and the accepted range around it. */
    record Band(long median, long low, long high) {
        boolean holds(long value) {
            return value >= low && value <= high;
        }
    }

    static Band band(long[] values, int tolerancePercent) {
        long median = median(values);
        long[] deviations = Arrays.stream(values).map(v -> Math.abs(v - median)).toArray();
        double spread = SPREADS * MAD_TO_SIGMA * median(deviations);
        double half = Math.max(median * tolerancePercent / 100.0, spread);
        return new Band(median, Math.max(0, (long) Math.floor(median - half)), (long) Math.ceil(median + half));
    }

    static long median(long[] values) {
        if (values.length == 0) {
            return 0;
        }
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        int mid = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }
}
