package dev.vigil.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.local.MetricsScrape;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Every series the alert rules and the dashboard read is one of {@link #METRICS}: a name mistyped in
 * a rule or a panel (which Prometheus accepts, and which then never fires or draws) fails here, and a
 * metric renamed in a service must be renamed in {@link #METRICS} and in every rule and panel alike.
 */
class PrometheusMetricNamesTest {

    /** The series the rules and dashboard read, with the service that exports each: {@code deploy/prometheus/vigil-metrics.txt}. */
    static final Map<String, String> METRICS = MetricsScrape.listed(MonitoringFiles.PROMETHEUS.resolve("vigil-metrics.txt"));

    /** Vigil's own series and the Kafka lag candidates; Prometheus's own (up) and PromQL's words are not matched. */
    private static final Pattern METRIC = Pattern.compile("\\b(?:vigil|spring_cloud_stream|kafka)_[a-zA-Z0-9_]+\\b");
    private static final Pattern QUOTED = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"");

    @Test
    void everyMetricTheRulesAndTheDashboardReadIsListedAndEveryListedOneIsRead() {
        Map<String, Set<String>> usedWhere = new TreeMap<>();
        MonitoringFiles.ruleExpressions().forEach((alert, expr) -> names(expr).forEach(name ->
                usedWhere.computeIfAbsent(name, n -> new TreeSet<>()).add("rule " + alert)));
        MonitoringFiles.dashboardExpressions().forEach((where, expr) -> names(expr).forEach(name ->
                usedWhere.computeIfAbsent(name, n -> new TreeSet<>()).add("dashboard " + where)));

        assertThat(usedWhere.keySet()).as("metrics read by the rules and dashboard (where: %s)", usedWhere)
                .containsExactlyInAnyOrderElementsOf(METRICS.keySet());
    }

    @Test
    void theRequestsWaitingAlertAndPanelReadTheDumpWorkersLag() {
        String lag = "spring_cloud_stream_binder_kafka_offset{group=\"dump-worker\", topic=\"vigil.backup.requested\"}";

        assertThat(MonitoringFiles.ruleExpressions().get("VigilRequestsWaiting")).contains(lag);
        assertThat(MonitoringFiles.dashboardExpressions().values()).anySatisfy(expr -> assertThat(expr).contains(lag));
    }

    /** The metric names in a PromQL expression, label values left out. */
    static Set<String> names(String expr) {
        Set<String> names = new TreeSet<>();
        Matcher matcher = METRIC.matcher(QUOTED.matcher(expr).replaceAll("\"\""));
        while (matcher.find()) {
            names.add(matcher.group());
        }
        return names;
    }
}
