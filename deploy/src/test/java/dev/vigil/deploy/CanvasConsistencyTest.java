package dev.vigil.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.contracts.Topics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Keeps each service's {@code CANVAS.md} true where the source tree can say what is true: its
 * Consumes table against the bindings in {@code <service>.yml}, its Settings table against every
 * setting the settings files give (property, environment variable, default), its Publishes table
 * against the event records in {@code contracts}, its Stores table against the Flyway migrations, and
 * its length against "one screen". What the tables say in words (what a consumer does, when an event
 * is published) is for a reader to keep true.
 */
class CanvasConsistencyTest {

    private static final List<String> SERVICES =
            List.of("scheduler-service", "dump-worker", "storage-service", "verifier-service", "notifier-service");

    /** The services that use the staging settings every service imports from vigil-common.yml. */
    private static final Set<String> STAGING_USERS = Set.of("dump-worker", "storage-service");

    /** One screen: a canvas that grows past this has prose that belongs in docs/<service>.md. */
    private static final int MAX_CANVAS_LINES = 80;

    private static final String NONE = "—";
    private static final Pattern CODE = Pattern.compile("`([^`]+)`");
    /** A whole value that is {@code ${ENV_VAR}} or {@code ${ENV_VAR:default}}. */
    private static final Pattern ENV_PLACEHOLDER = Pattern.compile("\\$\\{([A-Z][A-Z0-9_]*)(?::(.*))?}");
    private static final Pattern VERSION = Pattern.compile("\\(v(\\d+)\\b");
    private static final Pattern MIGRATION = Pattern.compile("V[0-9_]+__\\w+\\.sql");
    private static final String BINDINGS = "spring.cloud.stream.bindings.";

    private static Path root;

    @BeforeAll
    static void findRoot() {
        root = SettingsFiles.repositoryRoot();
    }

    static Stream<String> services() {
        return SERVICES.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("services")
    void consumesListsEveryBoundTopicWithItsBindingGroupAndDeadLetters(String service) {
        Map<String, String> settings = SettingsFiles.leaves(SettingsFiles.serviceSettings(root, service));
        boolean deadLetters = Boolean.parseBoolean(SettingsFiles.leaves(SettingsFiles.commonSettings(root))
                .getOrDefault("spring.cloud.stream.kafka.default.consumer.enableDlq", "false"));
        List<Map<String, String>> rows = table(service, "Consumes");
        List<String> problems = new ArrayList<>();

        Map<String, String> bindingOfTopic = new LinkedHashMap<>();
        settings.forEach((property, value) -> {
            if (property.startsWith(BINDINGS) && property.endsWith(".destination")) {
                String binding = property.substring(BINDINGS.length(), property.length() - ".destination".length());
                String group = settings.get(BINDINGS + binding + ".group");
                for (String listed : value.split(",")) {
                    String topic = listed.trim();
                    bindingOfTopic.put(topic, binding);
                    Optional<Map<String, String>> row = rows.stream().filter(r -> topic.equals(firstCode(r.get("topic")))).findFirst();
                    if (row.isEmpty()) {
                        problems.add("Consumes has no row for topic " + topic + ", which binding " + binding + " reads");
                        continue;
                    }
                    expectCode(problems, row.get(), "binding", binding, topic);
                    expectCode(problems, row.get(), "group", group, topic);
                    String deadLetterTopic = deadLetters && group != null ? Topics.deadLetter(topic, group) : null;
                    if (deadLetterTopic == null) {
                        if (!cell(row.get(), "dead letters").startsWith("none")) {
                            problems.add("Consumes row " + topic + ": dead letters should be none (no DLQ for this binding)");
                        }
                    } else {
                        expectCode(problems, row.get(), "dead letters", deadLetterTopic, topic);
                    }
                }
            }
        });
        for (Map<String, String> row : rows) {
            String topic = firstCode(row.get("topic"));
            if (topic == null || bindingOfTopic.containsKey(topic)) {
                continue;
            }
            boolean readByTargetSettings = Topics.TARGETS.equals(topic)
                    && cell(row, "binding").startsWith("none") && cell(row, "binding").contains("`TargetSettings`");
            if (!readByTargetSettings) {
                problems.add("Consumes lists topic " + topic + ", which no binding in " + service
                        + ".yml reads (only " + Topics.TARGETS + " may be listed with binding 'none (`TargetSettings`)')");
            }
            if (!Topics.ALL.contains(topic)) {
                problems.add("Consumes lists topic " + topic + ", which is not a topic in contracts' Topics");
            }
        }
        assertThat(problems).as(report(service, "Consumes")).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("services")
    void settingsListEverySettingTheSettingsFilesGiveWithItsVariableAndDefault(String service) {
        List<Map<String, String>> rows = table(service, "Settings");
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, String> setting : settingsToDocument(service).entrySet()) {
            String property = setting.getKey();
            String value = setting.getValue().trim();
            Matcher placeholder = ENV_PLACEHOLDER.matcher(value);
            boolean fromEnvironment = placeholder.matches();
            String expectedVariable = fromEnvironment ? placeholder.group(1) : null;
            String expectedDefault = fromEnvironment ? Optional.ofNullable(placeholder.group(2)).orElse("") : value;

            Optional<Map<String, String>> found = rows.stream().filter(row -> properties(row).contains(property)).findFirst();
            if (found.isEmpty()) {
                problems.add("Settings has no row for " + property + " (the settings file sets " + value + ")");
                continue;
            }
            Map<String, String> row = found.get();
            List<String> names = properties(row);
            int index = names.indexOf(property);
            Optional<String> variable = part(cell(row, "environment variable"), names.size(), index);
            Optional<String> shown = part(cell(row, "default"), names.size(), index);
            if (variable.isEmpty() || shown.isEmpty()) {
                problems.add("Settings row for " + property + " lists " + names.size()
                        + " properties, but its variable or default cell does not have as many parts: write one property per row");
                continue;
            }
            if (fromEnvironment && !variable.get().contains("`" + expectedVariable + "`")) {
                problems.add("Settings row for " + property + " should name its variable `" + expectedVariable + "`, shows: " + variable.get());
            } else if (!fromEnvironment && !variable.get().equals(NONE)) {
                problems.add("Settings row for " + property + " names a variable (" + variable.get()
                        + "), but the settings file reads none: write " + NONE);
            }
            String shownDefault = defaultShown(shown.get());
            if (!shownDefault.equals(expectedDefault)) {
                problems.add("Settings row for " + property + " shows default '" + shownDefault
                        + "', the settings file gives '" + expectedDefault + "' (write empty for an empty default)");
            }
        }
        assertThat(problems).as(report(service, "Settings")).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("services")
    void publishesNamesContractEventsAtTheirSchemaVersionsOnTheirTopics(String service) {
        List<String> problems = new ArrayList<>();
        if (section(service, "Publishes").stream().noneMatch(line -> line.startsWith("|"))) {
            assertThat(String.join("\n", section(service, "Publishes")).trim())
                    .as("%s: Publishes has no table, so it should say 'Nothing.'", canvasName(service))
                    .isEqualTo("Nothing.");
            return;
        }
        Map<String, Class<?>> events = Topics.EVENT_TYPES.stream()
                .collect(Collectors.toMap(Class::getSimpleName, type -> type));
        for (Map<String, String> row : table(service, "Publishes")) {
            String eventCell = cell(row, "event");
            String topic = firstCode(row.get("topic"));
            if (eventCell.startsWith("tombstone")) {
                boolean compacted = dev.vigil.contracts.BrokerRights.topics().stream().anyMatch(t -> t.name().equals(topic) && t.compacted());
                if (!compacted) {
                    problems.add("a tombstone is only sent on a compacted topic (" + Topics.TARGETS + ", " + Topics.ACCESS_GRANTED + "), not " + topic);
                }
                continue;
            }
            String name = firstCode(eventCell);
            Class<?> type = events.get(name);
            if (type == null) {
                problems.add("Publishes names " + name + ", which is no event record in contracts' Topics.EVENT_TYPES");
                continue;
            }
            Matcher version = VERSION.matcher(eventCell);
            int schemaVersion = schemaVersion(type);
            if (!version.find()) {
                problems.add("Publishes row " + name + " should give its schema version, (v" + schemaVersion + ")");
            } else if (Integer.parseInt(version.group(1)) != schemaVersion) {
                problems.add("Publishes row " + name + " shows v" + version.group(1) + ", but " + type.getName()
                        + ".SCHEMA_VERSION is " + schemaVersion);
            }
            if (!Topics.of(type).equals(topic)) {
                problems.add("Publishes row " + name + " shows topic " + topic + ", but it is published to " + Topics.of(type));
            }
        }
        assertThat(problems).as(report(service, "Publishes")).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("services")
    void storesNamesEveryMigrationTheServiceRunsAndNoOther(String service) {
        Map<String, String> settings = SettingsFiles.leaves(SettingsFiles.serviceSettings(root, service));
        String stores = String.join("\n", section(service, "Stores"));
        Set<String> named = new TreeSet<>();
        MIGRATION.matcher(stores).results().forEach(match -> named.add(match.group()));
        Set<String> run = new TreeSet<>();
        String schema = settings.get("spring.flyway.schemas");
        if (schema != null) {
            run.addAll(migrations(root.resolve("event-messaging/src/main/resources/db/outbox")));
            run.addAll(migrations(root.resolve(service).resolve("src/main/resources/db/migration").resolve(service)));
            assertThat(stores).as("%s: Stores should name the schema, `%s`", canvasName(service), schema).contains("schema `" + schema + "`");
        }
        List<String> problems = new ArrayList<>();
        run.stream().filter(migration -> !named.contains(migration))
                .forEach(migration -> problems.add("Stores does not name " + migration + ", a migration Flyway runs for this service"));
        named.stream().filter(migration -> !run.contains(migration))
                .forEach(migration -> problems.add("Stores names " + migration + ", which is no migration Flyway runs for this service"));
        assertThat(problems).as("%s, table Stores, disagrees with db/outbox and db/migration/%s", canvasName(service), service).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("services")
    void canvasIsOneScreenOfTablesLinkingToItsDetail(String service) {
        List<String> lines = canvas(service);
        assertThat(lines.size())
                .as("%s has %d lines; one screen is at most %d: move prose to docs/%s.md", canvasName(service), lines.size(),
                        MAX_CANVAS_LINES, service)
                .isLessThanOrEqualTo(MAX_CANVAS_LINES);
        List<String> headings = lines.stream().filter(line -> line.startsWith("## ")).map(line -> line.substring(3)).toList();
        assertThat(headings).as("%s: its sections", canvasName(service)).containsSubsequence("Consumes", "Publishes", "Stores", "Settings");
        String detail = "../docs/" + service + ".md";
        assertThat(lines).as("%s: a **More:** line linking %s", canvasName(service), detail)
                .anyMatch(line -> line.startsWith("**More:**") && line.contains("(" + detail + ")"));
        assertThat(root.resolve("docs").resolve(service + ".md")).as("the detail behind %s", canvasName(service)).isRegularFile();
    }

    // ------------------------------------------------------------------ what the settings files give

    /**
     * The settings a service's canvas must list: every {@code vigil.*} property of its own file, every
     * property of its file or of vigil-common.yml read from an environment variable, and the shared
     * staging settings where the service uses them.
     */
    private static Map<String, String> settingsToDocument(String service) {
        Map<String, String> settings = new LinkedHashMap<>();
        SettingsFiles.leaves(SettingsFiles.serviceSettings(root, service)).forEach((property, value) -> {
            if (property.startsWith("vigil.") || ENV_PLACEHOLDER.matcher(value.trim()).matches()) {
                settings.put(property, value);
            }
        });
        SettingsFiles.leaves(SettingsFiles.commonSettings(root)).forEach((property, value) -> {
            boolean staging = property.startsWith("vigil.staging.");
            if (staging ? STAGING_USERS.contains(service) : ENV_PLACEHOLDER.matcher(value.trim()).matches()) {
                settings.putIfAbsent(property, value);
            }
        });
        return settings;
    }

    private static List<String> migrations(Path directory) {
        try (Stream<Path> files = Files.list(directory)) {
            return files.map(file -> file.getFileName().toString()).filter(name -> MIGRATION.matcher(name).matches()).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int schemaVersion(Class<?> event) {
        try {
            return event.getField("SCHEMA_VERSION").getInt(null);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(event.getName() + " should declare public static final int SCHEMA_VERSION", e);
        }
    }

    // ------------------------------------------------------------------ reading a canvas

    private static String canvasName(String service) {
        return service + "/CANVAS.md";
    }

    private static List<String> canvas(String service) {
        Path file = root.resolve(service).resolve("CANVAS.md");
        assertThat(file).as("%s should exist", canvasName(service)).isRegularFile();
        try {
            return Files.readAllLines(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The lines under {@code ## name}, up to the next heading of that level. */
    private static List<String> section(String service, String name) {
        List<String> lines = canvas(service);
        int start = lines.indexOf("## " + name);
        assertThat(start).as("%s should have a section '## %s'", canvasName(service), name).isNotNegative();
        int end = start + 1;
        while (end < lines.size() && !lines.get(end).startsWith("## ")) {
            end++;
        }
        return lines.subList(start + 1, end);
    }

    /** The first table of a section: one map per row, from column heading to cell text. */
    private static List<Map<String, String>> table(String service, String name) {
        List<String> tableLines = section(service, name).stream()
                .dropWhile(line -> !line.startsWith("|"))
                .takeWhile(line -> line.startsWith("|"))
                .toList();
        assertThat(tableLines).as("%s: section %s should have a table", canvasName(service), name).hasSizeGreaterThan(2);
        List<String> headings = cells(tableLines.get(0));
        List<Map<String, String>> rows = new ArrayList<>();
        for (String line : tableLines.subList(2, tableLines.size())) {
            List<String> cells = cells(line);
            assertThat(cells).as("%s: a row of %s should have %d cells: %s", canvasName(service), name, headings.size(), line)
                    .hasSameSizeAs(headings);
            Map<String, String> row = new LinkedHashMap<>();
            for (int i = 0; i < headings.size(); i++) {
                row.put(headings.get(i), cells.get(i));
            }
            rows.add(row);
        }
        return rows;
    }

    private static List<String> cells(String line) {
        String inner = line.trim();
        inner = inner.substring(1, inner.endsWith("|") ? inner.length() - 1 : inner.length());
        return Arrays.stream(inner.split("\\|", -1)).map(String::trim).toList();
    }

    private static String cell(Map<String, String> row, String column) {
        String value = row.get(column);
        assertThat(value).as("a table column named '%s' (found %s)", column, row.keySet()).isNotNull();
        return value;
    }

    private static String firstCode(String cell) {
        if (cell == null) {
            return null;
        }
        Matcher matcher = CODE.matcher(cell);
        return matcher.find() ? matcher.group(1) : null;
    }

    private static void expectCode(List<String> problems, Map<String, String> row, String column, String expected, String topic) {
        if (expected != null && !cell(row, column).contains("`" + expected + "`")) {
            problems.add("Consumes row " + topic + ": " + column + " should be `" + expected + "`, shows: " + cell(row, column));
        }
    }

    /**
     * The properties a Settings row names. A property cell may list several, separated by " / ", in the
     * compact forms the canvases use: {@code `vigil.worker.compression` / `.compression-level`} (a
     * sibling written from its last dot) and {@code `spring.mail.host` / `port`} (a sibling by its
     * last name). Parts without a property in backquotes ("S3 credentials") name none.
     */
    private static List<String> properties(Map<String, String> row) {
        List<String> names = new ArrayList<>();
        String previous = null;
        for (String part : cell(row, "property").split(" / ")) {
            String token = firstCode(part);
            if (token == null) {
                continue;
            }
            String name;
            if (previous != null && token.startsWith(".")) {
                name = parent(previous) + token;
            } else if (previous != null && !token.contains(".")) {
                name = parent(previous) + "." + token;
            } else {
                name = token;
            }
            names.add(name);
            previous = name;
        }
        return names;
    }

    private static String parent(String property) {
        int dot = property.lastIndexOf('.');
        return dot < 0 ? "" : property.substring(0, dot);
    }

    /** The part of a " / "-separated cell that belongs to the property at index; one part alone stands for all. */
    private static Optional<String> part(String cell, int count, int index) {
        List<String> parts = Arrays.stream(cell.split(" / ")).map(String::trim).toList();
        if (parts.size() == count) {
            return Optional.of(parts.get(index));
        }
        return parts.size() == 1 ? Optional.of(parts.get(0)) : Optional.empty();
    }

    /** A default cell as a value: "empty …" is the empty string, else the first value in backquotes, else the text. */
    private static String defaultShown(String cell) {
        if (cell.startsWith("empty")) {
            return "";
        }
        String code = firstCode(cell);
        return code != null ? code : cell;
    }

    private static String report(String service, String table) {
        return canvasName(service) + ", table " + table + ", disagrees with " + service + ".yml, vigil-common.yml or contracts";
    }
}
