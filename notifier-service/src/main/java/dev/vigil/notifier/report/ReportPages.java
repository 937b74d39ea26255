package dev.vigil.notifier.report;

import dev.vigil.contracts.Sizes;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import org.jspecify.annotations.Nullable;
import org.springframework.web.util.HtmlUtils;

/**
 * The report as people read it: a printable HTML page (one table per target, inline styles and a
 * print stylesheet, no external asset, so it prints and mails as it is) and plain text for the
 * email's text part. Everything that came from an event or a setting is HTML-escaped. Stateless.
 */
final class ReportPages {

    private static final DateTimeFormatter MINUTE = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(ZoneOffset.UTC);

    private ReportPages() {
    }

    /** The email subject after {@code [Vigil] }, e.g. "Weekly backup report 2026-11-23 – 2026-11-30". */
    static String subject(Report report) {
        return "Weekly backup report " + report.period().days();
    }

    static String html(Report report) {
        StringBuilder html = new StringBuilder(4_096 + report.targets().size() * 2_048);
        html.append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>")
                .append(e("Vigil: " + subject(report))).append("</title><style>")
                .append("body{font-family:sans-serif;color:#222;margin:2em}")
                .append("h1{font-size:1.4em}h2{font-size:1.1em;margin:1.4em 0 .3em}")
                .append("table{border-collapse:collapse;width:100%;max-width:56em}")
                .append("th,td{border:1px solid #ccc;padding:.25em .5em;text-align:left;vertical-align:top}")
                .append("th{background:#f4f4f4;width:14em;font-weight:600}")
                .append(".ok{color:#2e7d32}.attention{color:#c62828}")
                .append("section{break-inside:avoid;page-break-inside:avoid}")
                .append("@media print{body{margin:0;font-size:10pt}th{background:none}a{color:inherit;text-decoration:none}}")
                .append("</style></head><body>");
        html.append("<h1>").append(e(subject(report))).append("</h1>");
        html.append("<p>Period ").append(e(report.period().from().toString())).append(" to ").append(e(report.period().to().toString()))
                .append(" (end excluded). Copies, retention and incidents as of ").append(e(MINUTE.format(report.generatedAt()))).append(".</p>");
        Report.Totals t = report.totals();
        html.append("<table><tr><th>Targets</th><td>").append(t.targets()).append(t.targetsNeedingAttention() == 0
                        ? " <span class=\"ok\">all well</span>" : " <span class=\"attention\">" + t.targetsNeedingAttention() + (t.targetsNeedingAttention() == 1 ? " needs" : " need")
                        + " attention</span>")
                .append("</td></tr>")
                .append(row("Backups taken", Integer.toString(t.backupsTaken())))
                .append(row("Verified (restored and compared)", Integer.toString(t.verified())))
                .append(row("Failures", failures(t.backupsFailed(), t.verificationsFailed(), t.inconclusive())))
                .append("</table>");
        for (Report.TargetRow r : report.targets()) {
            html.append("<section><h2>").append(e(r.targetId())).append(r.attention().isEmpty() ? " <span class=\"ok\">✓</span>" : "")
                    .append("</h2><table>");
            if (!r.attention().isEmpty()) {
                html.append("<tr><th>Attention</th><td class=\"attention\">").append(e(String.join("; ", r.attention()))).append("</td></tr>");
            }
            html.append(row("Backups taken", Integer.toString(r.backupsTaken())))
                    .append(row("Verified", Integer.toString(r.verified())))
                    .append(row("Failed", failures(r)))
                    .append(row("Size", size(r.size())))
                    .append(row("Slowest restore", r.slowestRestore() == null ? "none in the period"
                            : r.slowestRestore().seconds().toPlainString() + " s (job " + r.slowestRestore().jobId() + ")"))
                    .append(row("Last verified backup", lastVerified(r.lastVerified())))
                    .append(row("Copies", copies(r.copies())))
                    .append(row("Retention", retention(r.retention())))
                    .append("<tr><th>Open incidents</th><td>");
            if (r.openIncidents().isEmpty()) {
                html.append("none");
            } else {
                html.append("<ul style=\"margin:0;padding-left:1.2em\">");
                r.openIncidents().forEach(i -> html.append("<li><b>").append(e(i.kind())).append("</b> since ")
                        .append(e(MINUTE.format(i.since()))).append(": ").append(e(i.headline())).append("</li>"));
                html.append("</ul>");
            }
            html.append("</td></tr></table></section>");
        }
        if (report.targets().isEmpty()) {
            html.append("<p>No target is configured, and nothing happened in the period.</p>");
        }
        return html.append("<p style=\"color:#777;font-size:.9em\">Vigil. Every verification with its evidence: ")
                .append("GET /api/v1/audit/verifications?from=").append(e(report.period().from().toString())).append("&amp;to=")
                .append(e(report.period().to().toString())).append("&amp;format=csv</p></body></html>").toString();
    }

    static String text(Report report) {
        StringBuilder text = new StringBuilder(subject(report)).append('\n');
        text.append("Period ").append(report.period().from()).append(" to ").append(report.period().to()).append(" (end excluded); ")
                .append("copies, retention and incidents as of ").append(MINUTE.format(report.generatedAt())).append(".\n");
        Report.Totals t = report.totals();
        text.append(plural(t.targets(), "target")).append(", ").append(t.targetsNeedingAttention())
                .append(t.targetsNeedingAttention() == 1 ? " needs" : " need").append(" attention; ")
                .append(plural(t.backupsTaken(), "backup")).append(" taken, ").append(t.verified()).append(" verified; failed: ")
                .append(failures(t.backupsFailed(), t.verificationsFailed(), t.inconclusive())).append(".\n");
        for (Report.TargetRow r : report.targets()) {
            text.append('\n').append(r.targetId()).append(r.attention().isEmpty() ? ": all well" : ": " + String.join("; ", r.attention())).append('\n');
            text.append("  Backups taken ").append(r.backupsTaken()).append(", verified ").append(r.verified()).append(", failed: ")
                    .append(failures(r)).append('\n');
            text.append("  Size: ").append(size(r.size())).append('\n');
            text.append("  Slowest restore: ").append(r.slowestRestore() == null ? "none in the period"
                    : r.slowestRestore().seconds().toPlainString() + " s (job " + r.slowestRestore().jobId() + ")").append('\n');
            text.append("  Last verified backup: ").append(lastVerified(r.lastVerified())).append('\n');
            text.append("  Copies: ").append(copies(r.copies())).append('\n');
            text.append("  Retention: ").append(retention(r.retention())).append('\n');
            r.openIncidents().forEach(i -> text.append("  Open incident ").append(i.kind()).append(" since ").append(MINUTE.format(i.since()))
                    .append(": ").append(i.headline()).append('\n'));
        }
        return text.toString();
    }

    private static String failures(Report.TargetRow r) {
        return failures(r.backupsFailed(), r.verificationsFailed(), r.inconclusive());
    }

    private static String failures(int backups, int verifications, int inconclusive) {
        return plural(backups, "backup") + ", " + plural(verifications, "verification") + ", " + inconclusive + " inconclusive";
    }

    private static String plural(int count, String noun) {
        return count + " " + noun + (count == 1 ? "" : "s");
    }

    private static String size(Report.@Nullable SizeTrend size) {
        if (size == null) {
            return "no verified backup in the period";
        }
        if (size.verifiedBackups() == 1) {
            return Sizes.human(size.lastBytes()) + " (one verified backup)";
        }
        String change = size.changePercent() == null ? "" : ", " + (size.changePercent().signum() > 0 ? "+" : "")
                + size.changePercent().toPlainString() + "%";
        return Sizes.human(size.firstBytes()) + " → " + Sizes.human(size.lastBytes()) + change + " (" + size.verifiedBackups() + " verified backups)";
    }

    private static String lastVerified(Report.@Nullable LastVerified last) {
        return last == null ? "never" : "job " + last.jobId() + " at " + MINUTE.format(last.verifiedAt()) + ", " + last.age() + " before the period's end";
    }

    private static String copies(Report.@Nullable CopiesState copies) {
        if (copies == null) {
            return "not re-checked yet";
        }
        return (copies.problems() == 0 ? "all " + copies.copiesChecked() + " copies intact" : copies.problems() + " of " + copies.copiesChecked()
                + " copies missing or damaged") + " (" + copies.backupsChecked() + " kept backups, re-checked " + at(copies.checkedAt()) + ")";
    }

    private static String retention(Report.@Nullable RetentionState retention) {
        if (retention == null) {
            return "no run yet";
        }
        return retention.kept() + " kept, " + retention.deleted() + " deleted at the last run, " + at(retention.appliedAt()) + " (" + retention.policy() + ")";
    }

    private static String at(Instant instant) {
        return MINUTE.format(instant.truncatedTo(ChronoUnit.MINUTES));
    }

    private static String row(String name, String value) {
        return "<tr><th>" + e(name) + "</th><td>" + e(value) + "</td></tr>";
    }

    private static String e(String text) {
        return HtmlUtils.htmlEscape(text);
    }
}
