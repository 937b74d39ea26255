package dev.vigil.verifier.restore;

import dev.vigil.contracts.ArtifactStored;
import dev.vigil.contracts.RestoreRequested;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/** What to restore: everything, or whole schemas and single tables, as pg_restore runs. */
record Selection(Set<String> schemas, Map<String, Set<String>> tablesBySchema) {

    static Selection of(RestoreRequested request, ArtifactStored stored) {
        if (request.schemaList().isEmpty() && request.tableList().isEmpty()) {
            return new Selection(Set.of(), Map.of());
        }
        if ("plain".equals(stored.artifact().format())) {
            throw new IllegalArgumentException("backup " + stored.jobId() + " is plain SQL, which restores only whole; restore it without "
                    + "schemas and tables, or choose a custom- or directory-format backup");
        }
        Set<String> dumpedSchemas = new TreeSet<>();
        Set<String> dumpedTables = new TreeSet<>();
        stored.artifact().tables().forEach(t -> {
            dumpedSchemas.add(t.schema());
            dumpedTables.add(t.qualifiedName());
        });
        Set<String> schemas = new LinkedHashSet<>();
        for (String schema : request.schemaList()) {
            if (!dumpedSchemas.contains(schema)) {
                throw new IllegalArgumentException("the backup holds no table in schema '" + schema + "'; its schemas with tables: "
                        + dumpedSchemas);
            }
            schemas.add(schema);
        }
        Map<String, Set<String>> tables = new TreeMap<>();
        for (String table : request.tableList()) {
            if (!dumpedTables.contains(table)) {
                throw new IllegalArgumentException("the backup holds no table '" + table + "' (write schema.table, exact names); "
                        + "it holds " + (dumpedTables.size() <= 20 ? dumpedTables.toString() : dumpedTables.size() + " tables"));
            }
            String schema = stored.artifact().tables().stream().filter(t -> t.qualifiedName().equals(table)).findFirst().orElseThrow().schema();
            if (!schemas.contains(schema)) {
                tables.computeIfAbsent(schema, s -> new LinkedHashSet<>()).add(table.substring(schema.length() + 1));
            }
        }
        return new Selection(schemas, tables);
    }

    boolean all() {
        return schemas.isEmpty() && tablesBySchema.isEmpty();
    }

    boolean includes(String schema, String table) {
        return all() || schemas.contains(schema) || tablesBySchema.getOrDefault(schema, Set.of()).contains(table);
    }

    /** Schemas to create before pg_restore runs, which creates none when it restores a selection. */
    Set<String> schemasToCreate() {
        Set<String> all = new LinkedHashSet<>(schemas);
        all.addAll(tablesBySchema.keySet());
        return all;
    }

    /**
     * pg_restore's switches per run: one run for everything; else one for the whole schemas and
     * one per schema of single tables, since its --schema and --table switches select together.
     */
    List<List<String>> runs() {
        if (all()) {
            return List.of(List.of());
        }
        List<List<String>> runs = new ArrayList<>();
        if (!schemas.isEmpty()) {
            runs.add(schemas.stream().map(s -> "--schema=" + s).toList());
        }
        tablesBySchema.forEach((schema, tables) -> {
            List<String> run = new ArrayList<>(List.of("--schema=" + schema));
            tables.forEach(t -> run.add("--table=" + t));
            runs.add(run);
        });
        return runs;
    }

    @Override
    public String toString() {
        List<String> parts = new ArrayList<>();
        if (!schemas.isEmpty()) {
            parts.add("schemas " + schemas);
        }
        tablesBySchema.forEach((schema, tables) -> tables.forEach(t -> parts.add(schema + "." + t)));
        return String.join(", ", parts);
    }
}
