package dev.vigil.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The Grafana dashboard ({@code deploy/grafana/vigil-dashboard.json}) imports into any Grafana with a
 * Prometheus data source: every panel and query reads the data source variable {@code DS_PROMETHEUS},
 * and the target variable lists the targets the notifier reports. Its queries are checked as PromQL by
 * {@link PrometheusRulesTest}, its metric names by {@link PrometheusMetricNamesTest}.
 */
class GrafanaDashboardTest {

    private static final Map<String, Object> DATA_SOURCE = Map.of("type", "prometheus", "uid", "${DS_PROMETHEUS}");

    @Test
    @SuppressWarnings("unchecked")
    void everyPanelReadsTheTemplatedPrometheusDataSource() {
        Map<String, Object> dashboard = MonitoringFiles.dashboard();
        List<Map<String, Object>> panels = (List<Map<String, Object>>) dashboard.get("panels");

        assertThat(dashboard.get("schemaVersion")).isEqualTo(39);
        assertThat(panels).extracting(panel -> panel.get("id")).doesNotHaveDuplicates();
        assertThat(panels).allSatisfy(panel -> {
            assertThat(panel.get("datasource")).as("panel '%s'", panel.get("title")).isEqualTo(DATA_SOURCE);
            assertThat((List<Map<String, Object>>) panel.get("targets")).as("panel '%s'", panel.get("title")).isNotEmpty()
                    .allSatisfy(query -> assertThat(query.get("datasource")).isEqualTo(DATA_SOURCE));
        });
        assertThat(variable(dashboard, "DS_PROMETHEUS")).containsEntry("type", "datasource").containsEntry("query", "prometheus");
    }

    @Test
    void theTargetVariableListsTheTargetsTheNotifierReports() {
        Map<String, Object> target = variable(MonitoringFiles.dashboard(), "target");

        assertThat(target).containsEntry("type", "query").containsEntry("datasource", DATA_SOURCE)
                .containsEntry("definition", "label_values(vigil_backup_last_verified_timestamp_seconds, target)")
                .containsEntry("includeAll", true).containsEntry("multi", true);
    }

    @Test
    @SuppressWarnings("unchecked")
    void theDashboardShowsFreshnessSizeRowsDurationsOutcomesIncidentsAndWaitingRequests() {
        List<Map<String, Object>> panels = (List<Map<String, Object>>) MonitoringFiles.dashboard().get("panels");

        assertThat(panels).extracting(panel -> String.valueOf(panel.get("title"))).containsExactlyInAnyOrder(
                "Age of the last verified backup, against its freshness limit",
                "Open incidents by kind",
                "Last backup size",
                "Last backup rows",
                "Dump duration (mean over a day)",
                "Restore duration",
                "Outcomes in the selected range",
                "Requests waiting for a dump worker");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> variable(Map<String, Object> dashboard, String name) {
        List<Map<String, Object>> variables = (List<Map<String, Object>>) ((Map<String, Object>) dashboard.get("templating")).get("list");
        return variables.stream().filter(variable -> name.equals(variable.get("name"))).findFirst()
                .orElseThrow(() -> new AssertionError("no dashboard variable " + name));
    }
}
