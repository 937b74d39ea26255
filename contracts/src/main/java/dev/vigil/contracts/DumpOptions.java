package dev.vigil.contracts;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * What to dump of a target. Names are exact (schema, or schema.table), not pg_dump's wildcard
 * patterns, so the dump worker can count exactly the tables pg_dump dumps. Empty lists: everything.
 */
@JsonClassDescription("What to dump of a target: format, schemas and tables to include or exclude (exact names), schema only.")
public record DumpOptions(
        @JsonPropertyDescription("custom (default), directory (parallel dump and restore with jobs), or plain (SQL text, restored with psql)") String format,
        @JsonPropertyDescription("Only these schemas") @MaxItems(EventLimits.NAMES) @Nullable List<String> schemas,
        @JsonPropertyDescription("Not these schemas") @MaxItems(EventLimits.NAMES) @Nullable List<String> excludeSchemas,
        @JsonPropertyDescription("Only these tables, as schema.table") @MaxItems(EventLimits.NAMES) @Nullable List<String> tables,
        @JsonPropertyDescription("Not these tables, as schema.table") @MaxItems(EventLimits.NAMES) @Nullable List<String> excludeTables,
        @JsonPropertyDescription("Definitions only, no rows") boolean schemaOnly,
        @JsonPropertyDescription("Parallel pg_dump processes, directory format only (default 2 there, else 1)") int jobs) {

    public static final List<String> FORMATS = List.of("custom", "directory", "plain");
    private static final Pattern WILDCARD = Pattern.compile("[*?\\[\\]]");

    public DumpOptions {
        format = format == null ? "custom" : format;
        if (!FORMATS.contains(format)) {
            throw new IllegalArgumentException("dump.format must be one of " + FORMATS + ", got: " + format);
        }
        schemas = exact("dump.schemas", schemas, false);
        excludeSchemas = exact("dump.excludeSchemas", excludeSchemas, false);
        tables = exact("dump.tables", tables, true);
        excludeTables = exact("dump.excludeTables", excludeTables, true);
        if (jobs <= 0) {
            jobs = format.equals("directory") ? 2 : 1;
        }
        if (jobs > 1 && !format.equals("directory")) {
            throw new IllegalArgumentException("dump.jobs runs pg_dump in parallel, which only the directory format can: set format: directory");
        }
    }

    /** Options as schema version 2 of the targets topic first had them, without jobs. */
    public DumpOptions(String format, List<String> schemas, List<String> excludeSchemas, List<String> tables, List<String> excludeTables,
            boolean schemaOnly) {
        this(format, schemas, excludeSchemas, tables, excludeTables, schemaOnly, 0);
    }

    /** Everything, in the custom format. */
    public static DumpOptions defaults() {
        return new DumpOptions("custom", List.of(), List.of(), List.of(), List.of(), false, 1);
    }

    /** Whether pg_dump, given these options, dumps the objects of {@code schema}. */
    public boolean includesSchema(String schema) {
        return (schemas.isEmpty() || schemas.contains(schema)) && !excludeSchemas.contains(schema);
    }

    /** Whether the selection is by table (pg_dump then leaves out functions, views and the like). */
    public boolean selectsTables() {
        return !tables.isEmpty() || !excludeTables.isEmpty();
    }

    /** Whether pg_dump, given these options, dumps the table {@code schema.table}. */
    public boolean includes(String schema, String table) {
        String qualified = schema + "." + table;
        return (schemas.isEmpty() || schemas.contains(schema)) && !excludeSchemas.contains(schema)
                && (tables.isEmpty() || tables.contains(qualified)) && !excludeTables.contains(qualified);
    }

    private static List<String> exact(String field, List<String> names, boolean qualified) {
        List<String> checked = names == null ? List.of() : Events.atMost(names, EventLimits.NAMES, field);
        for (String name : checked) {
            if (name == null || name.isBlank() || WILDCARD.matcher(name).find()) {
                throw new IllegalArgumentException(field + " takes exact names, no wildcards, got: " + name);
            }
            if (qualified && name.indexOf('.') < 1) {
                throw new IllegalArgumentException(field + " takes schema.table names, got: " + name);
            }
        }
        return checked;
    }
}
