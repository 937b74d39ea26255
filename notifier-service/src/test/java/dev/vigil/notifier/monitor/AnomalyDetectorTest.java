package dev.vigil.notifier.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.contracts.Monitoring;
import dev.vigil.notifier.NotifierProperties.MonitoringDefaults;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class AnomalyDetectorTest {

    private static final Thresholds DEFAULTS = Thresholds.of(Monitoring.DEFAULTS, new MonitoringDefaults(Duration.ofHours(25), 14, 5, 25, 50, 100));

    /** Fourteen days of a database growing by one percent a day, newest first. */
    private static List<AnomalyDetector.Sample> growing() {
        List<AnomalyDetector.Sample> history = new ArrayList<>();
        for (int day = 14; day >= 1; day--) {
            long rows = (long) (100_000 * Math.pow(1.01, day));
            history.add(new AnomalyDetector.Sample(UUID.randomUUID(), rows * 80, rows, Map.of("public.orders", rows - 500, "public.tiny", 40L)));
        }
        return history;
    }

    @Test
    void aDatabaseThatKeepsGrowingAsItDidIsNormal() {
        long rows = (long) (100_000 * Math.pow(1.01, 15));
        AnomalyDetector.Sample today = new AnomalyDetector.Sample(UUID.randomUUID(), rows * 80, rows, Map.of("public.orders", rows - 500, "public.tiny", 40L));

        assertThat(AnomalyDetector.size("orders-db", today, growing(), DEFAULTS).anomalous()).isFalse();
        assertThat(AnomalyDetector.size("orders-db", today, growing(), DEFAULTS).judged()).isTrue();
        assertThat(AnomalyDetector.content("orders-db", today, growing(), DEFAULTS).anomalous()).isFalse();
    }

    @Test
    void aBackupHalfTheUsualSizeIsASizeAnomalyWithTheNumbersSideBySide() {
        AnomalyDetector.Sample today = new AnomalyDetector.Sample(UUID.randomUUID(), 4_500_000L, 107_000, Map.of("public.orders", 106_500L));

        AnomalyDetector.Finding finding = AnomalyDetector.size("orders-db", today, growing(), DEFAULTS);

        assertThat(finding.anomalous()).isTrue();
        assertThat(finding.headline()).contains("unusually small").contains("4.3 MiB").contains("median");
        assertThat(finding.details()).anySatisfy(line -> assertThat(line).startsWith("Size 4.3 MiB; the last 14 verified: median"));
    }

    @Test
    void tooLittleHistoryIsNotJudgedForSizeButATableThatLostItsRowsIsStillNoticed() {
        List<AnomalyDetector.Sample> two = growing().subList(0, 2);
        AnomalyDetector.Sample today = new AnomalyDetector.Sample(UUID.randomUUID(), 50L, 10, Map.of("public.tiny", 10L));

        assertThat(AnomalyDetector.size("orders-db", today, two, DEFAULTS).judged()).isFalse();
        AnomalyDetector.Finding content = AnomalyDetector.content("orders-db", today, two, DEFAULTS);
        assertThat(content.anomalous()).isTrue();
        assertThat(content.headline()).isEqualTo("Backup of orders-db lost most rows of table public.orders");
        assertThat(content.details().getFirst()).startsWith("public.orders: gone from the backup, usually");
    }

    @Test
    void smallTablesAndModestDeletionsAreNotContentAnomalies() {
        AnomalyDetector.Sample today = new AnomalyDetector.Sample(UUID.randomUUID(), 9_000_000L, 100_000,
                Map.of("public.orders", 60_000L, "public.tiny", 0L));

        assertThat(AnomalyDetector.content("orders-db", today, growing(), DEFAULTS).anomalous())
                .as("orders lost about 45%, under the 50% threshold; tiny is below 100 rows").isFalse();
        Thresholds strict = Thresholds.of(new Monitoring(null, null, null, null, null, 30, 10L), DEFAULTS_PROPERTIES);
        assertThat(AnomalyDetector.content("orders-db", today, growing(), strict).headline()).contains("2 tables: public.orders, public.tiny");
    }

    private static final MonitoringDefaults DEFAULTS_PROPERTIES = new MonitoringDefaults(Duration.ofHours(25), 14, 5, 25, 50, 100);

    @Test
    void aFlatHistoryStillAllowsTheTolerance() {
        List<AnomalyDetector.Sample> flat = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            flat.add(new AnomalyDetector.Sample(UUID.randomUUID(), 1_000_000L, 1_000, Map.of()));
        }

        assertThat(AnomalyDetector.band(new long[] {1_000_000, 1_000_000, 1_000_000}, 25)).isEqualTo(new AnomalyDetector.Band(1_000_000, 750_000, 1_250_000));
        assertThat(AnomalyDetector.size("flat-db", new AnomalyDetector.Sample(UUID.randomUUID(), 1_200_000L, 1_100, Map.of()), flat, DEFAULTS).anomalous()).isFalse();
        assertThat(AnomalyDetector.size("flat-db", new AnomalyDetector.Sample(UUID.randomUUID(), 1_300_000L, 1_000, Map.of()), flat, DEFAULTS).headline())
                .contains("unusually large");
    }
}
