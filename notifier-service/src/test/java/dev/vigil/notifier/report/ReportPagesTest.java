package dev.vigil.notifier.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class ReportPagesTest {

    private static final Period WEEK = Period.weekBefore(Instant.parse("2026-12-07T08:00:00Z"));

    private static Report report() {
        UUID job = UUID.randomUUID();
        return Report.of(WEEK, WEEK.to(), new Report.Facts(Set.of("orders-db"),
                List.of(new Report.Backup(job, "orders-db", WEEK.from().plusSeconds(60), 2_048L, "PASSED", WEEK.from().plusSeconds(120), 3_000L, null)),
                Map.of("orders-db", new Report.Verified(job, WEEK.from().plusSeconds(120))), Map.of(), Map.of(),
                List.of(new Report.OpenIncident("orders-db", "CONTENT_ANOMALY", WEEK.from(),
                        "Backup of orders-db lost most rows of table public.<script>alert(1)</script> & more"))));
    }

    @Test
    void thePageHasATablePerTargetAndEscapesWhatEventsCarried() {
        String html = ReportPages.html(report());

        assertThat(html).startsWith("<!DOCTYPE html>").contains("<h2>orders-db").contains("<table>")
                .contains("public.&lt;script&gt;alert(1)&lt;/script&gt; &amp; more").doesNotContain("<script>")
                .contains("Weekly backup report 2026-11-30 – 2026-12-07".replace("–", "&ndash;"));
    }

    @Test
    void thePagePrintsWithoutFetchingAnything() {
        String html = ReportPages.html(report());

        assertThat(html).contains("@media print").doesNotContain("<link").doesNotContain("src=").doesNotContain("url(")
                .doesNotContain("<script");
    }

    @Test
    void theTextSaysTheSameForAMailProgramThatShowsNoHtml() {
        String text = ReportPages.text(report());

        assertThat(text).startsWith("Weekly backup report 2026-11-30 – 2026-12-07\n")
                .contains("orders-db: 1 open incident").contains("Size: 2.0 KiB (one verified backup)")
                .contains("Slowest restore: 3.0 s").contains("Open incident CONTENT_ANOMALY since 2026-11-30 08:00 UTC");
        assertThat(ReportPages.subject(report())).isEqualTo("Weekly backup report 2026-11-30 – 2026-12-07");
    }
}
