package dev.vigil.notifier.report;

import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/**
 * The report and the audit export: {@code GET /api/v1/reports/weekly?from=&to=} (JSON),
 * {@code GET /api/v1/reports/weekly.html?from=&to=} (a printable page) and
 * {@code GET /api/v1/audit/verifications?from=&to=&format=csv|json} (every verification with its
 * evidence). {@code from} and {@code to} are ISO-8601 instants or dates (midnight UTC); by default the
 * 7 days before now. The period excludes {@code to}.
 */
@RestController
class ReportsController {

    private static final Logger log = LoggerFactory.getLogger(ReportsController.class);
    /** A report over more than this is a question for the audit export. */
    static final Duration LONGEST_REPORT = Duration.ofDays(400);
    /** The audit export streams its rows; ten years is a bound against a typo, not against memory. */
    static final Duration LONGEST_AUDIT = Duration.ofDays(3_660);

    private final WeeklyReport reports;
    private final ReportStore store;
    private final Clock clock;

    ReportsController(WeeklyReport reports, ReportStore store, Clock clock) {
        this.reports = reports;
        this.store = store;
        this.clock = clock;
    }

    @GetMapping(path = "/api/v1/reports/weekly", produces = MediaType.APPLICATION_JSON_VALUE)
    Report weekly(@RequestParam(required = false) String from, @RequestParam(required = false) String to) throws InterruptedException {
        return reports.report(period(from, to, LONGEST_REPORT));
    }

    @GetMapping(path = "/api/v1/reports/weekly.html")
    ResponseEntity<String> weeklyPage(@RequestParam(required = false) String from, @RequestParam(required = false) String to)
            throws InterruptedException {
        Report report = reports.report(period(from, to, LONGEST_REPORT));
        return ResponseEntity.ok().contentType(new MediaType(MediaType.TEXT_HTML, StandardCharsets.UTF_8)).body(ReportPages.html(report));
    }

    @GetMapping("/api/v1/audit/verifications")
    void verifications(@RequestParam(required = false) String from, @RequestParam(required = false) String to,
            @RequestParam(defaultValue = "csv") String format, HttpServletResponse response) throws IOException {
        Period period = period(from, to, LONGEST_AUDIT);
        boolean csv = switch (format.toLowerCase(Locale.ROOT)) {
            case "csv" -> true;
            case "json" -> false;
            default -> throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "format must be csv or json, got: " + format);
        };
        response.setCharacterEncoding(StandardCharsets.UTF_8.name());
        if (csv) {
            response.setContentType("text/csv; charset=UTF-8; header=present");
            response.setHeader(HttpHeaders.CONTENT_DISPOSITION, ContentDisposition.attachment()
                    .filename("vigil-verifications-" + period.fileLabel() + ".csv").build().toString());
        } else {
            response.setContentType(MediaType.APPLICATION_JSON_VALUE);
        }
        Writer out = new OutputStreamWriter(response.getOutputStream(), StandardCharsets.UTF_8);
        AuditExport export = csv ? AuditExport.csv(out) : AuditExport.json(out, period, clock.instant());
        export.begin();
        store.verifications(period, export::add);
        int written = export.end();
        log.info("audit export of {} verifications from {} to {} as {}", written, period.from(), period.to(), csv ? "CSV" : "JSON");
    }

    private Period period(@Nullable String from, @Nullable String to, Duration longest) {
        try {
            return Period.parse(from, to, clock.instant(), longest);
        } catch (IllegalArgumentException e) {
            throw new ResponseStatusException(HttpStatus.BAD_REQUEST, e.getMessage());
        }
    }
}
