package dev.vigil.notifier.report;

import dev.vigil.contracts.TargetConfigured;
import dev.vigil.messaging.TargetSettings;
import dev.vigil.notifier.delivery.Deliveries;
import dev.vigil.notifier.delivery.ReportMail;
import dev.vigil.notifier.delivery.Subscriptions;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Makes the report of the targets Vigil knows, and owes it by email to every subscription that asks
 * for it ({@code weekly-report: true}), each getting the targets it covers. Each report is owed
 * through the delivery outbox under the key {@code report:<subscription>:<period start>}, which a
 * channel takes once: several notifier instances on the same schedule, or a second run for the same
 * period, send nothing more. Thread-safe.
 */
public final class WeeklyReport {

    private static final Logger log = LoggerFactory.getLogger(WeeklyReport.class);

    private final ReportStore store;
    private final TargetSettings targets;
    private final Subscriptions subscriptions;
    private final Deliveries deliveries;
    private final TransactionTemplate transactions;
    private final Clock clock;

    WeeklyReport(ReportStore store, TargetSettings targets, Subscriptions subscriptions, Deliveries deliveries, TransactionTemplate transactions,
            Clock clock) {
        this.store = store;
        this.targets = targets;
        this.subscriptions = subscriptions;
        this.deliveries = deliveries;
        this.transactions = transactions;
        this.clock = clock;
    }

    /** The report of the period, of every configured target and every target that had a backup in it or has an open incident. */
    public Report report(Period period) throws InterruptedException {
        Map<String, Map<String, String>> configured = configured().orElse(Map.of());
        return Report.of(period, clock.instant(), store.facts(period, configured.keySet()));
    }

    /**
     * The scheduled run: the 7 days before now, now taken to the minute, so instances that run on the
     * same schedule report the same period under the same key.
     */
    void sendScheduled() throws InterruptedException {
        sendNow(clock.instant().truncatedTo(ChronoUnit.MINUTES));
    }

    /**
     * Owes the report of the 7 days before {@code periodEnd} to every subscription asking for it, by
     * its email channels; answers how many subscriptions it was newly owed to. Sent again for the
     * same end, it owes nothing more and answers 0.
     */
    public int sendNow(Instant periodEnd) throws InterruptedException {
        List<Subscriptions.Rule> rules = subscriptions.reportRules();
        if (rules.isEmpty()) {
            log.info("weekly report: no subscription asks for it (weekly-report: true)");
            return 0;
        }
        Optional<Map<String, Map<String, String>>> configured = configured();
        if (configured.isEmpty()) {
            log.warn("weekly report not sent: the targets topic has not been read yet, so which targets each subscription covers is not known; "
                    + "GET /api/v1/reports/weekly has it");
            return 0;
        }
        Period period = Period.weekBefore(periodEnd);
        Map<String, Map<String, String>> labels = configured.get();
        Report all = Report.of(period, clock.instant(), store.facts(period, labels.keySet()));
        Integer owed = transactions.execute(status -> {
            int count = 0;
            for (Subscriptions.Rule rule : rules) {
                Report report = all.only(id -> rule.covers(id, labels.getOrDefault(id, Map.of())));
                if (report.targets().isEmpty()) {
                    log.info("weekly report for subscription {}: it covers none of the {} targets known; nothing sent", rule.name(),
                            all.targets().size());
                    continue;
                }
                ReportMail mail = new ReportMail("report:" + rule.name() + ":" + period.from(), ReportPages.subject(report), ReportPages.text(report),
                        ReportPages.html(report));
                List<String> channels = deliveries.enqueueReport(mail, rule.channels());
                if (channels.isEmpty()) {
                    log.info("weekly report {} for subscription {} was already owed: nothing more sent", period.days(), rule.name());
                    continue;
                }
                log.info("weekly report {} ({} targets, {} need attention) owed to subscription {} by {}{}", period.days(), report.targets().size(),
                        report.totals().targetsNeedingAttention(), rule.name(), channels, rule.channels().size() > channels.size()
                                ? "; its other channels get no report (only email does)" : "");
                count++;
            }
            return count;
        });
        return owed == null ? 0 : owed;
    }

    private Optional<Map<String, Map<String, String>>> configured() throws InterruptedException {
        return targets.current().map(list -> {
            Map<String, Map<String, String>> labels = new HashMap<>();
            for (TargetConfigured target : list) {
                labels.put(target.targetId().value(), target.labelMap());
            }
            return labels;
        });
    }
}
