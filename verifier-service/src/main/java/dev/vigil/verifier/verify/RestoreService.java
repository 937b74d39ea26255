package dev.vigil.verifier.verify;

import dev.vigil.contracts.ArtifactStored;
import dev.vigil.contracts.JobId;
import dev.vigil.contracts.RestoreCompleted;
import dev.vigil.contracts.RestoreRequested;
import dev.vigil.contracts.TableRowCount;
import dev.vigil.contracts.Verdict;
import dev.vigil.contracts.json.EventJson;
import dev.vigil.messaging.Cancellation;
import dev.vigil.messaging.outbox.Outbox;
import dev.vigil.pgclients.PostgresClients;
import dev.vigil.pgclients.RowCounts;
import dev.vigil.verifier.VerifierProperties;
import java.io.IOException;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * Restores a stored backup into a named database on request ({@link RestoreRequested}) and reports
 * the outcome like a verification ({@link RestoreCompleted}): every restored table's rows against
 * the dump's count. A database holding anything is refused unless the request asks to clean it; a
 * request is answered once, and delivered again it is answered again without restoring twice.
 */
public class RestoreService {

    private static final Logger log = LoggerFactory.getLogger(RestoreService.class);

    private final ArtifactRestore artifacts;
    private final VerifierProperties properties;
    private final JdbcClient jdbc;
    private final TransactionTemplate transactions;
    private final Outbox outbox;

    RestoreService(ArtifactRestore artifacts, VerifierProperties properties, JdbcClient jdbc,
            TransactionTemplate transactions, Outbox outbox) {
        this.artifacts = artifacts;
        this.properties = properties;
        this.jdbc = jdbc;
        this.transactions = transactions;
        this.outbox = outbox;
    }

    /** Restores as requested and announces the outcome; cancelled, it stops and announces nothing (the request is delivered again). */
    public void handle(RestoreRequested request, Cancellation cancellation) throws InterruptedException {
        record Earlier(String event) {
        }
        Optional<Earlier> earlier = jdbc.sql("select event::text from restores where restore_id = ?").param(request.restoreId())
                .query((rs, n) -> new Earlier(rs.getString(1))).optional();
        if (earlier.isPresent() && earlier.get().event() != null) {
            log.info("restore {} already answered; announcing its outcome again", request.restoreId());
            transactions.executeWithoutResult(s -> outbox.append(EventJson.mapper().readValue(earlier.get().event(), RestoreCompleted.class)));
            return;
        }
        // A restore that began and was stopped (a crash, a rebalance) left a database only this request filled: it may be cleaned.
        boolean resumed = earlier.isPresent();
        String serverName = request.server() == null ? "the verification server" : "server " + request.server();
        VerifierProperties.Scratch server = request.server() == null ? properties.scratch() : properties.restoreServers().get(request.server());
        if (server == null) {
            answer(request, RestoreCompleted.refused(request, request.jobId(), "no restore server is named '" + request.server()
                    + "'; the verifier knows " + (properties.restoreServers().isEmpty() ? "none" : properties.restoreServers().keySet().stream().sorted().toList())
                    + ": name one, leave server out for the verification server, or add it under vigil.verifier.restore-servers"));
            return;
        }
        Optional<String> badName = badDatabaseName(request.database(), server);
        if (badName.isPresent()) {
            answer(request, RestoreCompleted.refused(request, request.jobId(), badName.get()));
            return;
        }
        Optional<ArtifactStored> chosen = choose(request);
        if (chosen.isEmpty()) {
            answer(request, RestoreCompleted.refused(request, request.jobId(), request.jobId() != null
                    ? "no stored backup of target " + request.targetId() + " with job id " + request.jobId() + " is known to the verifier"
                    : "target " + request.targetId() + " has no backup whose verification passed; name one by its jobId"));
            return;
        }
        ArtifactStored stored = chosen.get();
        JobId jobId = stored.jobId();
        Selection selection;
        try {
            selection = Selection.of(request, stored);
        } catch (IllegalArgumentException e) {
            answer(request, RestoreCompleted.refused(request, jobId, e.getMessage()));
            return;
        }
        int sourceMajor = Integer.parseInt(stored.artifact().serverVersion().split("\\.")[0]);
        PostgresClients restorers = artifacts.restorers(stored);
        Optional<PostgresClients.Program> program = restorers.forServer(sourceMajor);
        if (program.isEmpty()) {
            answer(request, RestoreCompleted.of(request, jobId, Verdict.INCONCLUSIVE, List.of(), List.of(), 0,
                    List.of(restorers.noneFits(sourceMajor, stored.artifact().serverVersion()))));
            return;
        }
        try (ArtifactRestore.WorkFiles files = new ArtifactRestore.WorkFiles(properties.workDir(), "restore-" + request.restoreId(), stored)) {
            int serverMajor;
            String contents;
            try (Connection maintenance = ScratchDatabase.connect(server, server.maintenanceDatabase())) {
                serverMajor = ScratchDatabase.serverMajor(maintenance);
                contents = exists(maintenance, request.database()) ? contents(server, request.database()) : null;
            }
            List<String> tooOld = EnvironmentProblems.serverVersion(serverMajor, sourceMajor);
            if (!tooOld.isEmpty()) {
                answer(request, RestoreCompleted.of(request, jobId, Verdict.INCONCLUSIVE, List.of(), List.of(), 0, tooOld));
                return;
            }
            if (contents != null && !contents.isEmpty() && !request.clean() && !resumed) {
                answer(request, RestoreCompleted.refused(request, jobId, "database " + request.database() + " on " + serverName + " is not empty ("
                        + contents + "); nothing was restored and it was left untouched. Send the request again with clean: true to drop and "
                        + "create it first, or name another database"));
                return;
            }
            Files.createDirectories(properties.workDir());
            List<String> noRoom = EnvironmentProblems.diskSpace(properties.workDir(), Files.getFileStore(properties.workDir()).getUsableSpace(),
                    ArtifactRestore.spaceNeeded(stored), properties.keepFree().toBytes());
            if (!noRoom.isEmpty()) {
                answer(request, RestoreCompleted.of(request, jobId, Verdict.INCONCLUSIVE, List.of(), List.of(), 0, noRoom));
                return;
            }
            log.info("restore {} started: job {} of target {} into {} on {}{}", request.restoreId(), jobId, request.targetId(), request.database(),
                    serverName, selection.all() ? "" : " (" + selection + ")");
            long started = System.nanoTime();
            // The artifact is fetched and checked before the database is touched: a damaged backup destroys nothing.
            Optional<String> unreadable = artifacts.fetch(stored, files, cancellation);
            if (unreadable.isPresent()) {
                answer(request, RestoreCompleted.of(request, jobId, Verdict.FAILED, List.of(unreadable.get()), List.of(), 0, List.of()));
                return;
            }
            jdbc.sql("insert into restores (restore_id, target_id, job_id, server, database) values (?, ?, ?, ?, ?) on conflict do nothing")
                    .params(request.restoreId(), request.targetId().value(), jobId.value(), request.server(), request.database()).update();
            try (Connection maintenance = ScratchDatabase.connect(server, server.maintenanceDatabase()); Statement statement = maintenance.createStatement()) {
                if (contents != null && !contents.isEmpty()) {
                    log.warn("restore {}: dropping database {} on {} first ({}), as requested", request.restoreId(), request.database(), serverName, contents);
                    statement.execute("drop database " + RowCounts.quote(request.database()) + " with (force)");
                    contents = null;
                }
                if (contents == null) {
                    statement.execute("create database " + RowCounts.quote(request.database()));
                }
            }
            List<String> environment = new ArrayList<>();
            List<String> differences = new ArrayList<>();
            try (Connection database = ScratchDatabase.connect(server, request.database()); Statement statement = database.createStatement()) {
                // pg_restore --schema restores what is in a schema but not the schema itself.
                for (String schema : selection.schemasToCreate()) {
                    statement.execute("create schema if not exists " + RowCounts.quote(schema));
                }
            }
            for (List<String> switches : selection.runs()) {
                ArtifactRestore.Restored restored = artifacts.restore(program.get().executable(), stored, files, server, request.database(),
                        switches, cancellation);
                if (restored.decodeProblem() != null) {
                    differences.add(restored.decodeProblem());
                } else if (restored.restoreErrors() != null) {
                    List<String> lacking = EnvironmentProblems.in(restored.restoreErrors(), serverMajor);
                    environment.addAll(lacking);
                    if (lacking.isEmpty()) {
                        differences.add(("plain".equals(stored.artifact().format()) ? "psql" : "pg_restore") + " reported errors: " + restored.restoreErrors());
                    }
                }
            }
            long restoreMillis = (System.nanoTime() - started) / 1_000_000;
            RowCountComparison.Result comparison = new RowCountComparison.Result(List.of(), List.of());
            if (differences.isEmpty()) {
                Map<String, Long> found = new LinkedHashMap<>();
                try (Connection database = ScratchDatabase.connect(server, request.database())) {
                    RowCounts.exact(database, selection::includes, true).forEach(t -> found.put(t.qualifiedName(), t.rows()));
                }
                comparison = RowCountComparison.compare(stored.artifact().tables().stream()
                        .filter(t -> selection.includes(t.schema(), t.table())).toList(), found);
                differences.addAll(comparison.differences());
            }
            cancellation.check();
            Verdict verdict = !differences.isEmpty() ? Verdict.FAILED : !environment.isEmpty() ? Verdict.INCONCLUSIVE : Verdict.PASSED;
            answer(request, RestoreCompleted.of(request, jobId, verdict, differences, comparison.tables(), restoreMillis, environment));
        } catch (SdkException | IOException e) {
            cancellation.check();
            answer(request, RestoreCompleted.of(request, jobId, Verdict.FAILED, List.of("could not read the stored backup "
                    + stored.location().bucket() + "/" + stored.location().key() + ": " + e.getMessage()), List.of(), 0, List.of()));
        } catch (SQLException e) {
            cancellation.check();
            answer(request, RestoreCompleted.of(request, jobId, Verdict.FAILED, List.of(serverName + " (" + server.host() + ":" + server.port()
                    + ") refused the restore: " + e.getMessage() + "; check its settings and the role's right to create databases"),
                    List.of(), 0, List.of()));
        }
    }

    /** The backup the request names, or the target's newest whose verification passed. */
    private Optional<ArtifactStored> choose(RestoreRequested request) {
        Optional<String> event = request.jobId() != null
                ? jdbc.sql("select event::text from stored_backups where job_id = ? and target_id = ?")
                        .params(request.jobId().value(), request.targetId().value()).query(String.class).optional()
                : jdbc.sql("""
                        select s.event::text from stored_backups s join verifications v on v.job_id = s.job_id
                        where s.target_id = ? and v.verdict = 'PASSED' order by s.stored_at desc limit 1""")
                        .param(request.targetId().value()).query(String.class).optional();
        return event.map(json -> EventJson.read(json.getBytes(java.nio.charset.StandardCharsets.UTF_8), ArtifactStored.class));
    }

    /** Records the outcome and announces it, in one transaction. */
    private void answer(RestoreRequested request, RestoreCompleted outcome) {
        transactions.executeWithoutResult(s -> {
            jdbc.sql("""
                    insert into restores (restore_id, target_id, job_id, server, database, finished_at, verdict, event)
                    values (?, ?, ?, ?, ?, now(), ?, cast(? as jsonb))
                    on conflict (restore_id) do update set finished_at = now(), job_id = excluded.job_id, verdict = excluded.verdict,
                        event = excluded.event""")
                    .params(request.restoreId(), request.targetId().value(), outcome.jobId() == null ? null : outcome.jobId().value(),
                            request.server(), request.database(), outcome.verdict().name(), EventJson.writeString(outcome))
                    .update();
            outbox.append(outcome);
        });
        if (outcome.refused() != null) {
            log.warn("restore {} refused: {}", request.restoreId(), outcome.refused());
        } else {
            log.info("restore {} finished: job {} into {}: {} ({} tables, {} ms){}{}", request.restoreId(), outcome.jobId(), request.database(),
                    outcome.verdict(), outcome.tables().size(), outcome.restoreMillis(),
                    outcome.differences().isEmpty() ? "" : " " + outcome.differences(),
                    outcome.environmentProblems().isEmpty() ? "" : " environment: " + outcome.environmentProblems());
        }
    }

    /** Why a database name cannot be restored into: one the verifier itself uses, a template, or not a name PostgreSQL takes. */
    static Optional<String> badDatabaseName(String name, VerifierProperties.Scratch server) {
        if (name.isBlank() || name.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > 63 || name.indexOf('\0') >= 0) {
            return Optional.of("database name '" + name + "' is not one PostgreSQL takes: 1 to 63 bytes, no NUL");
        }
        if (name.startsWith(ScratchDatabase.PREFIX)) {
            return Optional.of("database name '" + name + "' starts with " + ScratchDatabase.PREFIX + ", which names the verifier's scratch "
                    + "databases (dropped on its start-up); choose another name");
        }
        if (Set.of("template0", "template1", server.maintenanceDatabase()).contains(name)) {
            return Optional.of("database '" + name + "' is a template or the maintenance database the verifier connects to; choose another name");
        }
        return Optional.empty();
    }

    private static boolean exists(Connection connection, String database) throws SQLException {
        try (var statement = connection.prepareStatement("select 1 from pg_database where datname = ?")) {
            statement.setString(1, database);
            try (var rs = statement.executeQuery()) {
                return rs.next();
            }
        }
    }

    /**
     * What a database holds besides what every new database has, e.g. {@code 3 tables, 1 function};
     * empty when nothing.
     */
    static String contents(VerifierProperties.Scratch server, String database) throws SQLException {
        String user = "not in ('pg_catalog', 'information_schema') and n.nspname not like 'pg\\_toast%' and n.nspname not like 'pg\\_temp%'";
        Map<String, String> queries = new java.util.LinkedHashMap<>();
        queries.put("relations (tables, views, sequences, indexes)",
                "select count(*) from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname " + user);
        queries.put("functions", "select count(*) from pg_proc p join pg_namespace n on n.oid = p.pronamespace where n.nspname " + user);
        queries.put("types", "select count(*) from pg_type t join pg_namespace n on n.oid = t.typnamespace where n.nspname " + user
                + " and t.typrelid = 0 and t.typelem = 0");
        queries.put("schemas", "select count(*) from pg_namespace n where n.nspname " + user + " and n.nspname <> 'public'");
        queries.put("extensions", "select count(*) from pg_extension where extname <> 'plpgsql'");
        queries.put("large objects", "select count(*) from pg_largeobject_metadata");
        List<String> found = new ArrayList<>();
        try (Connection connection = ScratchDatabase.connect(server, database); Statement statement = connection.createStatement()) {
            for (var query : queries.entrySet()) {
                try (var rs = statement.executeQuery(query.getValue())) {
                    rs.next();
                    long count = rs.getLong(1);
                    if (count > 0) {
                        found.add(count + " " + query.getKey());
                    }
                }
            }
        }
        return String.join(", ", found);
    }

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
            Set<String> dumpedSchemas = new java.util.TreeSet<>();
            Set<String> dumpedTables = new java.util.TreeSet<>();
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
}
