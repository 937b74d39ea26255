package dev.vigil.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.contracts.BrokerRights;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The alert rules ({@code deploy/prometheus/vigil-rules.yml}), their unit tests, the example
 * Prometheus configuration and the Grafana dashboard's queries, checked by the real {@code promtool}
 * (Debian's {@code prometheus} package): what Prometheus would refuse to load, or an alert that no
 * longer fires on the series it is written for, fails the build.
 */
class PrometheusRulesTest {

    private static final Pattern ENV_DEFAULT = Pattern.compile("\\$\\{[A-Z][A-Z0-9_]*:(\\d+)}");

    @Test
    void theAlertRulesAreValidPromQlAndYaml() throws Exception {
        MonitoringFiles.Run check = MonitoringFiles.promtool(MonitoringFiles.PROMETHEUS, "check", "rules", "vigil-rules.yml");

        assertThat(check.exitCode()).as("promtool check rules vigil-rules.yml printed:%n%s", check.output()).isZero();
        assertThat(check.output()).contains("SUCCESS: " + MonitoringFiles.ruleExpressions().size() + " rules found");
    }

    @Test
    void everyAlertFiresInTheRuleUnitTestsAndAStaleCheckShowsItQuietWithinTheLimit() throws Exception {
        MonitoringFiles.Run test = MonitoringFiles.promtool(MonitoringFiles.PROMETHEUS, "test", "rules", "vigil-rules.test.yml");

        assertThat(test.exitCode()).as("promtool test rules vigil-rules.test.yml printed:%n%s", test.output()).isZero();
        Map<String, List<Boolean>> firingByAlert = expectedFiring();
        assertThat(firingByAlert.keySet()).as("alerts the unit tests check").containsAll(MonitoringFiles.ruleExpressions().keySet());
        firingByAlert.forEach((alert, firing) -> assertThat(firing).as("%s fires in at least one check", alert).contains(true));
        assertThat(firingByAlert.get("VigilBackupStale")).as("VigilBackupStale has a check where it does not fire").contains(false);
    }

    @Test
    void theExamplePrometheusConfigurationIsValidAndLoadsTheRules() throws Exception {
        MonitoringFiles.Run check = MonitoringFiles.promtool(MonitoringFiles.PROMETHEUS, "check", "config", "prometheus.yml");

        assertThat(check.exitCode()).as("promtool check config prometheus.yml printed:%n%s", check.output()).isZero();
        assertThat(check.output()).contains("SUCCESS: 1 rule files found");
    }

    @Test
    @SuppressWarnings("unchecked")
    void theExampleConfigurationScrapesEachServiceOnItsDefaultPortUnderItsOwnJob() {
        Map<String, Object> config = (Map<String, Object>) SettingsFiles.document(MonitoringFiles.CONFIG);
        Map<String, Map<String, Object>> jobs = new LinkedHashMap<>();
        for (Object job : (List<Object>) config.get("scrape_configs")) {
            Map<String, Object> definition = (Map<String, Object>) job;
            jobs.put(String.valueOf(definition.get("job_name")), definition);
        }

        assertThat(config.get("rule_files")).asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.LIST).containsExactly("vigil-rules.yml");
        assertThat(jobs.keySet()).as("one job per service, named as the service (the rules find job=\"dump-worker\")")
                .containsExactlyInAnyOrderElementsOf(BrokerRights.SERVICES);
        for (String service : BrokerRights.SERVICES) {
            String port = defaultPort(service);
            Map<String, Object> job = jobs.get(service);
            List<Object> targets = (List<Object>) ((Map<String, Object>) ((List<Object>) job.get("static_configs")).getFirst()).get("targets");
            assertThat(job.get("metrics_path")).as("%s: metrics path", service).isEqualTo("/actuator/prometheus");
            assertThat(targets).as("%s: scraped on its server.port default", service).containsExactly(service + ":" + port);
        }
    }

    @Test
    void everyDashboardQueryIsValidPromQl(@TempDir Path tmp) throws Exception {
        // promtool parses PromQL only within rules: each panel query becomes a recording rule, Grafana's variables filled in.
        StringBuilder rules = new StringBuilder("groups:\n  - name: dashboard\n    rules:\n");
        int n = 0;
        for (Map.Entry<String, String> query : MonitoringFiles.dashboardExpressions().entrySet()) {
            if (query.getKey().startsWith("panel ")) {
                String promql = query.getValue().replace("$__rate_interval", "5m").replace("$__interval", "1m").replace("$__range", "7d")
                        .replace("$target", ".+");
                rules.append("      # ").append(query.getKey()).append('\n')
                        .append("      - record: dashboard:query_").append(++n).append('\n')
                        .append("        expr: '").append(promql.replace("'", "''")).append("'\n");
            }
        }
        Path file = Files.writeString(tmp.resolve("dashboard-queries.yml"), rules);

        MonitoringFiles.Run check = MonitoringFiles.promtool(tmp, "check", "rules", file.toString());

        assertThat(n).as("panel queries in the dashboard").isGreaterThanOrEqualTo(8);
        assertThat(check.exitCode()).as("promtool check rules on the dashboard's queries printed:%n%s%nfor:%n%s", check.output(), rules).isZero();
    }

    /** For each alert the unit tests check, whether each of its checks expects it firing. */
    @SuppressWarnings("unchecked")
    private static Map<String, List<Boolean>> expectedFiring() {
        Map<String, Object> tests = (Map<String, Object>) SettingsFiles.document(MonitoringFiles.RULE_TESTS);
        Map<String, List<Boolean>> firing = new LinkedHashMap<>();
        for (Object test : (List<Object>) tests.get("tests")) {
            for (Object check : (List<Object>) ((Map<String, Object>) test).getOrDefault("alert_rule_test", List.of())) {
                Map<String, Object> definition = (Map<String, Object>) check;
                List<Object> expected = (List<Object>) definition.get("exp_alerts");
                firing.computeIfAbsent(String.valueOf(definition.get("alertname")), alert -> new ArrayList<>())
                        .add(expected != null && !expected.isEmpty());
            }
        }
        return firing;
    }

    private static String defaultPort(String service) {
        String port = SettingsFiles.leaves(SettingsFiles.serviceSettings(SettingsFiles.repositoryRoot(), service)).get("server.port");
        Matcher matcher = ENV_DEFAULT.matcher(String.valueOf(port));
        assertThat(matcher.matches()).as("%s: server.port is ${VARIABLE:default}, not %s", service, port).isTrue();
        return matcher.group(1);
    }
}
