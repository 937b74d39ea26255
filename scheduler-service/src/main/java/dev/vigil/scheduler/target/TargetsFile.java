package dev.vigil.scheduler.target;

import dev.vigil.contracts.Connection;
import dev.vigil.contracts.DumpOptions;
import dev.vigil.contracts.Labels;
import dev.vigil.contracts.Monitoring;
import dev.vigil.contracts.RetentionPolicy;
import dev.vigil.contracts.SqlCheck;
import dev.vigil.contracts.TargetId;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.convert.DurationStyle;
import org.springframework.scheduling.support.CronExpression;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * Reads the targets YAML file. Every mistake is reported with the file, the target and the field,
 * and what to write instead; nothing is half-loaded. Format:
 *
 * <pre>
 * targets:
 *   - id: orders-db                 # lower-case letters, digits, '.', '_', '-'
 *     host: db.internal
 *     port: 5432                    # default 5432
 *     database: orders
 *     username: backup
 *     passwordEnv: ORDERS_PGPASSWORD  # optional: environment variable holding the password
 *     passwordFile: /run/secrets/pw   # optional: file holding the password
 *     sslmode: verify-full          # optional: disable, prefer (default), require, verify-ca, verify-full
 *     sslrootcert: /etc/vigil/tls/orders-ca.pem  # optional: CA file on the dump workers (absolute path)
 *     schedule: "0 3 * * *"         # optional, default from vigil.scheduler.default-schedule
 *     timeZone: Europe/Berlin       # optional, default from vigil.scheduler.default-time-zone
 *     dump:                         # optional, default: everything in the custom format
 *       format: custom              # custom or plain
 *       schemas: [sales]            # exact names; also excludeSchemas
 *       excludeTables: [sales.audit_log]  # schema.table; also tables
 *       schemaOnly: false
 *     retention:                    # optional, default: the storage service's policy
 *       daily: 7                    # also weekly, monthly, yearly; fields left out: 7, 4, 12, 3
 *       keepWithinDays: 7           # every backup of the last N days (manual, pre-migration)
 *       minVerified: 3              # never fewer verified backups
 *     checks:                       # optional: run against every restored backup, each answering one boolean
 *       - name: newest order is recent
 *         sql: select max(created_at) > now() - interval '24 hours' from sales.orders
 *     labels:                       # optional: key: value, by which alert subscriptions choose targets
 *       team: payments              # keys: lower-case letters, digits, '.', '_', '/', '-'; values: 1 to 128 characters
 *       tier: critical
 *     monitoring:                   # optional: how the notifier watches it; fields left out take the notifier's defaults
 *       freshness: 25h              # longest time without a verified backup: 90m, 25h, 2d, or ISO-8601 such as PT25H
 *       history: 14                 # newest verified backups a new one is compared with
 *       minHistory: 5               # fewer verified backups than this: no size comparison
 *       sizeTolerancePercent: 25    # size and rows may differ this much from the history's median
 *       tableLossPercent: 50        # a table losing more than this share of its rows is an anomaly...
 *       tableMinRows: 100           # ...when it held at least this many rows
 * </pre>
 *
 * <p>The schedule's interval, which the notifier also needs, is not written here: the scheduler
 * works it out from {@code schedule} when it announces the target.
 */
public final class TargetsFile {

    private static final Set<String> FIELDS = Set.of("id", "host", "port", "database", "username", "passwordEnv",
            "passwordFile", "sslmode", "sslrootcert", "schedule", "timeZone", "dump", "retention", "checks", "labels", "monitoring",
            "password");
    private static final List<String> RETENTION_FIELDS = List.of("daily", "weekly", "monthly", "yearly", "keepWithinDays", "minVerified");
    private static final List<String> MONITORING_FIELDS = List.of("freshness", "history", "minHistory", "sizeTolerancePercent",
            "tableLossPercent", "tableMinRows");
    private static final Set<String> DUMP_FIELDS = Set.of("format", "schemas", "excludeSchemas", "tables", "excludeTables", "schemaOnly", "jobs");

    private TargetsFile() {
    }

    public static List<Target> read(Path file, String defaultSchedule, ZoneId defaultZone) {
        if (file == null) {
            return List.of();
        }
        return parse(file, content(file), defaultSchedule, defaultZone);
    }

    /** The file's text, to be given to {@link #parse} (a watcher compares it with what it read before). */
    public static String content(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException | RuntimeException e) {
            throw new InvalidTargetsException(file + ": cannot read the targets file; check vigil.scheduler.targets-file");
        }
    }

    /** The targets in {@code content}, which was read from {@code file}: every target or, at the first mistake, an exception. */
    public static List<Target> parse(Path file, String content, String defaultSchedule, ZoneId defaultZone) {
        Object root;
        try {
            root = new Yaml(new SafeConstructor(new LoaderOptions())).load(content);
        } catch (MarkedYAMLException e) {
            // Not the parser's own message: it quotes the offending line, which may hold something secret.
            throw new InvalidTargetsException(file + ": not valid YAML: " + e.getProblem()
                    + (e.getProblemMark() == null ? "" : " at line " + (e.getProblemMark().getLine() + 1) + ", column "
                            + (e.getProblemMark().getColumn() + 1)));
        } catch (RuntimeException e) {
            throw new InvalidTargetsException(file + ": not valid YAML: " + e.getClass().getSimpleName());
        }
        if (root == null) {
            return List.of();
        }
        if (!(root instanceof Map<?, ?> map) || !(map.get("targets") instanceof List<?> entries)) {
            throw new InvalidTargetsException(file + ": expected a top-level 'targets:' list");
        }
        List<Target> targets = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            String where = file + ": targets[" + i + "]";
            if (!(entries.get(i) instanceof Map<?, ?> entry)) {
                throw new InvalidTargetsException(where + ": expected a mapping with id, host, database, username");
            }
            targets.add(parse(where, entry, defaultSchedule, defaultZone));
        }
        return targets;
    }

    private static Target parse(String where, Map<?, ?> entry, String defaultSchedule, ZoneId defaultZone) {
        for (Object key : entry.keySet()) {
            if (!FIELDS.contains(String.valueOf(key))) {
                throw new InvalidTargetsException(where + ": unknown field '" + key + "'; known fields: " + String.join(", ",
                        FIELDS.stream().filter(f -> !f.equals("password")).sorted().toList()));
            }
        }
        if (entry.containsKey("password")) {
            throw new InvalidTargetsException(where + ": passwords are never written in the targets file; "
                    + "use passwordEnv (an environment variable name) or passwordFile (a file path), or a .pgpass file");
        }
        TargetId id;
        try {
            id = new TargetId(required(where, entry, "id"));
        } catch (IllegalArgumentException e) {
            throw new InvalidTargetsException(where + ": " + e.getMessage());
        }
        where = where + " (" + id + ")";
        int port;
        try {
            port = entry.containsKey("port") ? Integer.parseInt(String.valueOf(entry.get("port"))) : 5432;
        } catch (NumberFormatException e) {
            throw new InvalidTargetsException(where + ": port must be a number, got: " + entry.get("port"));
        }
        Connection connection;
        try {
            connection = new Connection(required(where, entry, "host"), port, required(where, entry, "database"),
                    required(where, entry, "username"), optional(entry, "passwordEnv"), optional(entry, "passwordFile"),
                    optional(entry, "sslmode"), optional(entry, "sslrootcert"));
        } catch (IllegalArgumentException e) {
            throw new InvalidTargetsException(where + ": " + e.getMessage());
        }
        String schedule = normalizeCron(where, entry.containsKey("schedule") ? String.valueOf(entry.get("schedule")) : defaultSchedule);
        ZoneId zone;
        try {
            zone = entry.containsKey("timeZone") ? ZoneId.of(String.valueOf(entry.get("timeZone"))) : defaultZone;
        } catch (DateTimeException e) {
            throw new InvalidTargetsException(where + ": unknown timeZone '" + entry.get("timeZone") + "'; use a region id such as Europe/Berlin or UTC");
        }
        return new Target(id, connection, schedule, zone, dumpOptions(where, entry.get("dump")), retention(where, entry.get("retention")),
                checks(where, entry.get("checks")), labels(where, entry.get("labels")), monitoring(where, entry.get("monitoring")));
    }

    /** The target's labels, keys and values as {@link Labels#checked} allows them; no block: none. */
    private static Map<String, String> labels(String where, Object value) {
        if (value == null) {
            return Map.of();
        }
        if (!(value instanceof Map<?, ?> labels)) {
            throw new InvalidTargetsException(where + ": 'labels' must be a mapping of key: value, e.g. labels: {team: payments, tier: critical}");
        }
        Map<String, String> read = new LinkedHashMap<>();
        // YAML reads `tier: 1` as a number and `pii: true` as a boolean; as labels they are text.
        // A key without a value stays null, for Labels to refuse.
        labels.forEach((key, label) -> read.put(String.valueOf(key), label == null ? null : String.valueOf(label)));
        try {
            return Labels.checked(read);
        } catch (IllegalArgumentException e) {
            throw new InvalidTargetsException(where + ": 'labels': " + e.getMessage());
        }
    }

    /** How the notifier watches the target: fields left out stay null (the notifier's defaults); no block: every default. */
    private static Monitoring monitoring(String where, Object value) {
        if (value == null) {
            return Monitoring.DEFAULTS;
        }
        if (!(value instanceof Map<?, ?> monitoring)) {
            throw new InvalidTargetsException(where + ": 'monitoring' must be a mapping with " + String.join(", ", MONITORING_FIELDS));
        }
        for (Object key : monitoring.keySet()) {
            if (!MONITORING_FIELDS.contains(String.valueOf(key))) {
                throw new InvalidTargetsException(where + ": unknown field 'monitoring." + key + "'; known: " + String.join(", ", MONITORING_FIELDS));
            }
        }
        Long freshness = seconds(where, "monitoring.freshness", monitoring.get("freshness"));
        Integer history = smallNumber(where, "monitoring.history", monitoring.get("history"));
        Integer minHistory = smallNumber(where, "monitoring.minHistory", monitoring.get("minHistory"));
        Integer sizeTolerance = smallNumber(where, "monitoring.sizeTolerancePercent", monitoring.get("sizeTolerancePercent"));
        Integer tableLoss = smallNumber(where, "monitoring.tableLossPercent", monitoring.get("tableLossPercent"));
        Long tableMinRows = wholeNumber(where, "monitoring.tableMinRows", monitoring.get("tableMinRows"));
        try {
            return new Monitoring(freshness, null, history, minHistory, sizeTolerance, tableLoss, tableMinRows);
        } catch (IllegalArgumentException e) {
            throw new InvalidTargetsException(where + ": " + e.getMessage());
        }
    }

    /**
     * A duration in Spring Boot's forms, {@code 90m}, {@code 25h}, {@code 2d}, or ISO-8601 {@code PT25H}, in whole seconds;
     * a bare number is refused, as its unit would be a guess.
     */
    private static @Nullable Long seconds(String where, String field, Object value) {
        if (value == null) {
            return null;
        }
        String text = String.valueOf(value).trim();
        String howToWrite = where + ": '" + field + "' must be a duration with its unit, such as 90m, 25h, 2d or PT25H (ISO-8601), got: " + value;
        if (text.matches("[+-]?\\d+")) {
            throw new InvalidTargetsException(howToWrite);
        }
        Duration duration;
        try {
            duration = DurationStyle.detectAndParse(text);
        } catch (IllegalArgumentException | ArithmeticException e) {
            throw new InvalidTargetsException(howToWrite);
        }
        if (duration.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new InvalidTargetsException(where + ": '" + field + "' must be at least 1s, got: " + value);
        }
        return duration.toSeconds();
    }

    private static @Nullable Long wholeNumber(String where, String field, Object value) {
        if (value == null) {
            return null;
        }
        try {
            return Long.parseLong(String.valueOf(value).trim());
        } catch (NumberFormatException e) {
            throw new InvalidTargetsException(where + ": '" + field + "' must be a whole number, got: " + value);
        }
    }

    private static @Nullable Integer smallNumber(String where, String field, Object value) {
        Long number = wholeNumber(where, field, value);
        if (number != null && (number < Integer.MIN_VALUE || number > Integer.MAX_VALUE)) {
            throw new InvalidTargetsException(where + ": '" + field + "' is out of range, got: " + value);
        }
        return number == null ? null : number.intValue();
    }

    /** The target's own checks: a list of {name, sql}, names unique. */
    private static List<SqlCheck> checks(String where, Object value) {
        if (value == null) {
            return List.of();
        }
        if (!(value instanceof List<?> list)) {
            throw new InvalidTargetsException(where + ": 'checks' must be a list of {name, sql}, e.g. "
                    + "- {name: orders exist, sql: select count(*) > 0 from orders}");
        }
        List<SqlCheck> checks = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            if (!(list.get(i) instanceof Map<?, ?> check)) {
                throw new InvalidTargetsException(where + ": checks[" + i + "] must be a mapping with name and sql");
            }
            for (Object key : check.keySet()) {
                if (!List.of("name", "sql").contains(String.valueOf(key))) {
                    throw new InvalidTargetsException(where + ": unknown field 'checks[" + i + "]." + key + "'; known: name, sql");
                }
            }
            try {
                SqlCheck parsed = new SqlCheck(check.get("name") == null ? null : String.valueOf(check.get("name")),
                        check.get("sql") == null ? null : String.valueOf(check.get("sql")));
                if (checks.stream().anyMatch(c -> c.name().equals(parsed.name()))) {
                    throw new InvalidTargetsException(where + ": two checks are named '" + parsed.name() + "'; verdicts list checks by name");
                }
                checks.add(parsed);
            } catch (IllegalArgumentException e) {
                throw new InvalidTargetsException(where + ": checks[" + i + "]: " + e.getMessage());
            }
        }
        return List.copyOf(checks);
    }

    /** A target's retention: fields left out take {@link RetentionPolicy#DEFAULTS}; no block at all, the storage service's default. */
    private static RetentionPolicy retention(String where, Object value) {
        if (value == null) {
            return null;
        }
        if (!(value instanceof Map<?, ?> retention)) {
            throw new InvalidTargetsException(where + ": 'retention' must be a mapping with " + String.join(", ", RETENTION_FIELDS));
        }
        for (Object key : retention.keySet()) {
            if (!RETENTION_FIELDS.contains(String.valueOf(key))) {
                throw new InvalidTargetsException(where + ": unknown field 'retention." + key + "'; known: " + String.join(", ", RETENTION_FIELDS));
            }
        }
        RetentionPolicy d = RetentionPolicy.DEFAULTS;
        try {
            return new RetentionPolicy(count(where, retention, "daily", d.daily()), count(where, retention, "weekly", d.weekly()),
                    count(where, retention, "monthly", d.monthly()), count(where, retention, "yearly", d.yearly()),
                    count(where, retention, "keepWithinDays", d.keepWithinDays()), count(where, retention, "minVerified", d.minVerified()));
        } catch (IllegalArgumentException e) {
            throw new InvalidTargetsException(where + ": " + e.getMessage());
        }
    }

    private static int count(String where, Map<?, ?> retention, String field, int fallback) {
        Object value = retention.get(field);
        if (value == null) {
            return fallback;
        }
        try {
            return Integer.parseInt(String.valueOf(value));
        } catch (NumberFormatException e) {
            throw new InvalidTargetsException(where + ": 'retention." + field + "' must be a whole number, got: " + value);
        }
    }

    private static DumpOptions dumpOptions(String where, Object value) {
        if (value == null) {
            return DumpOptions.defaults();
        }
        if (!(value instanceof Map<?, ?> dump)) {
            throw new InvalidTargetsException(where + ": 'dump' must be a mapping with " + String.join(", ", DUMP_FIELDS.stream().sorted().toList()));
        }
        for (Object key : dump.keySet()) {
            if (!DUMP_FIELDS.contains(String.valueOf(key))) {
                throw new InvalidTargetsException(where + ": unknown field 'dump." + key + "'; known: "
                        + String.join(", ", DUMP_FIELDS.stream().sorted().toList()));
            }
        }
        try {
            return new DumpOptions(dump.get("format") == null ? null : String.valueOf(dump.get("format")),
                    names(where, dump, "schemas"), names(where, dump, "excludeSchemas"), names(where, dump, "tables"),
                    names(where, dump, "excludeTables"), Boolean.TRUE.equals(dump.get("schemaOnly")) || "true".equals(String.valueOf(dump.get("schemaOnly"))),
                    jobs(where, dump.get("jobs")));
        } catch (IllegalArgumentException e) {
            throw new InvalidTargetsException(where + ": " + e.getMessage());
        }
    }

    private static int jobs(String where, Object value) {
        if (value == null) {
            return 0;
        }
        try {
            int jobs = Integer.parseInt(String.valueOf(value));
            if (jobs < 1 || jobs > 64) {
                throw new NumberFormatException();
            }
            return jobs;
        } catch (NumberFormatException e) {
            throw new InvalidTargetsException(where + ": 'dump.jobs' must be a number from 1 to 64, got: " + value);
        }
    }

    private static List<String> names(String where, Map<?, ?> dump, String field) {
        Object value = dump.get(field);
        if (value == null) {
            return List.of();
        }
        if (!(value instanceof List<?> list)) {
            throw new InvalidTargetsException(where + ": 'dump." + field + "' must be a list, e.g. [sales, billing]");
        }
        return list.stream().map(String::valueOf).toList();
    }

    /** Accepts the usual five-field cron and Spring's six-field form; answers the six-field form. */
    public static String normalizeCron(String where, String cron) {
        String trimmed = cron.trim();
        String six = trimmed.split("\\s+").length == 5 ? "0 " + trimmed : trimmed;
        try {
            CronExpression.parse(six);
        } catch (IllegalArgumentException e) {
            throw new InvalidTargetsException(where + ": schedule '" + cron + "' is not a cron expression ("
                    + e.getMessage() + "); write e.g. \"0 3 * * *\" for daily at 03:00");
        }
        return six;
    }

    private static String required(String where, Map<?, ?> entry, String field) {
        Object value = entry.get(field);
        if (value == null || String.valueOf(value).isBlank()) {
            throw new InvalidTargetsException(where + ": '" + field + "' is required");
        }
        return String.valueOf(value);
    }

    private static String optional(Map<?, ?> entry, String field) {
        Object value = entry.get(field);
        return value == null ? null : String.valueOf(value);
    }
}
