package dev.vigil.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import tools.jackson.databind.json.JsonMapper;

/**
 * The monitoring files under {@code deploy/}: the alert rules and Prometheus configuration in
 * {@code deploy/prometheus}, the Grafana dashboard in {@code deploy/grafana}; the PromQL each holds;
 * and the real {@code promtool} to check them with. Stateless.
 */
final class MonitoringFiles {

    static final Path PROMETHEUS = SettingsFiles.repositoryRoot().resolve("deploy/prometheus");
    static final Path RULES = PROMETHEUS.resolve("vigil-rules.yml");
    static final Path RULE_TESTS = PROMETHEUS.resolve("vigil-rules.test.yml");
    static final Path CONFIG = PROMETHEUS.resolve("prometheus.yml");
    static final Path DASHBOARD = SettingsFiles.repositoryRoot().resolve("deploy/grafana/vigil-dashboard.json");

    private MonitoringFiles() {
    }

    /** Each alert's expression, by alert name, in file order. */
    @SuppressWarnings("unchecked")
    static Map<String, String> ruleExpressions() {
        Map<String, String> expressions = new LinkedHashMap<>();
        Map<String, Object> rules = (Map<String, Object>) SettingsFiles.document(RULES);
        for (Object group : (List<Object>) rules.get("groups")) {
            for (Object rule : (List<Object>) ((Map<String, Object>) group).get("rules")) {
                Map<String, Object> definition = (Map<String, Object>) rule;
                expressions.put(String.valueOf(definition.get("alert")), String.valueOf(definition.get("expr")));
            }
        }
        return expressions;
    }

    /** The dashboard as a tree of maps and lists. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> dashboard() {
        try {
            return new JsonMapper().readValue(Files.readString(DASHBOARD), Map.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Each query of the dashboard's panels and variables, as written (with Grafana's variables), keyed by where it is. */
    @SuppressWarnings("unchecked")
    static Map<String, String> dashboardExpressions() {
        Map<String, String> expressions = new LinkedHashMap<>();
        Map<String, Object> dashboard = dashboard();
        for (Object panel : (List<Object>) dashboard.get("panels")) {
            Map<String, Object> definition = (Map<String, Object>) panel;
            for (Object target : (List<Object>) definition.get("targets")) {
                Map<String, Object> query = (Map<String, Object>) target;
                expressions.put("panel '" + definition.get("title") + "' query " + query.get("refId"), String.valueOf(query.get("expr")));
            }
        }
        for (Object variable : (List<Object>) ((Map<String, Object>) dashboard.get("templating")).get("list")) {
            Map<String, Object> definition = (Map<String, Object>) variable;
            if ("query".equals(definition.get("type"))) {
                expressions.put("variable " + definition.get("name"), String.valueOf(definition.get("definition")));
            }
        }
        return expressions;
    }

    /** What promtool printed, and its exit code. */
    record Run(int exitCode, String output) {
    }

    /**
     * Runs the real {@code promtool} in {@code deploy/prometheus}. Fails, never skips, when it is not
     * installed: the rules would otherwise ship unchecked.
     */
    static Run promtool(Path workDir, String... arguments) throws IOException, InterruptedException {
        Path promtool = onPath("promtool");
        List<String> command = new ArrayList<>(List.of(promtool.toString()));
        command.addAll(List.of(arguments));
        Path log = Files.createTempFile("promtool", ".log");
        Process process = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        process.getOutputStream().close();
        boolean ended = process.waitFor(1, TimeUnit.MINUTES);
        if (!ended) {
            process.destroyForcibly();
        }
        assertThat(ended).as("%s ended within a minute; it printed:%n%s", command, Files.readString(log)).isTrue();
        return new Run(process.exitValue(), Files.readString(log));
    }

    private static Path onPath(String program) {
        for (String directory : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path candidate = Path.of(directory.isEmpty() ? "." : directory, program);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return fail("promtool is not on the PATH (%s). Install Debian's prometheus package, which brings it: "
                + "apt-get install -y prometheus (.ci/run does this when promtool is missing).", System.getenv("PATH"));
    }
}
