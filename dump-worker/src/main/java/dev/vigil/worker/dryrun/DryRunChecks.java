package dev.vigil.worker.dryrun;

import dev.vigil.contracts.Sizes;
import dev.vigil.codec.AgeRecipient;
import dev.vigil.codec.ArtifactCodec;
import dev.vigil.codec.Compression;
import dev.vigil.codec.Keyring;
import dev.vigil.contracts.Connection;
import dev.vigil.contracts.DumpOptions;
import dev.vigil.contracts.TargetConfigured;
import dev.vigil.pgclients.PostgresClients;
import dev.vigil.pgclients.RowCounts;
import dev.vigil.staging.Staging;
import dev.vigil.worker.WorkerProperties;
import dev.vigil.worker.dryrun.DryRunReport.SourceExtension;
import dev.vigil.worker.dump.Credentials;
import dev.vigil.worker.dump.DumpFailure;
import dev.vigil.worker.dump.DumpService;
import dev.vigil.worker.dump.SourceSnapshot;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dump worker's part of a dry run: everything a dump of one target needs short of running
 * pg_dump, each checked and reported on its own with what to fix. Connects exactly as a dump does
 * (credentials by reference, TLS, timeouts), reads the source only in a read-only transaction, writes
 * nothing but a probe object to staging that it removes again, and stages no artifact.
 * Thread-safe: holds only immutable settings; each {@link #check} opens and closes its own connection.
 */
public final class DryRunChecks {

    private static final Logger log = LoggerFactory.getLogger(DryRunChecks.class);

    static final String CONNECT = "connect";
    static final String PG_DUMP = "pg_dump";
    static final String PRIVILEGES = "privileges";
    static final String SIZE = "size";
    static final String STAGING = "staging";
    static final String ENCRYPTION = "encryption";
    /** The checks, in the order they run and are reported. */
    public static final List<String> ORDER = List.of(CONNECT, PG_DUMP, PRIVILEGES, SIZE, STAGING, ENCRYPTION);

    /** How many unreadable objects a failed privileges check names before it says how many more there are. */
    static final int NAMES_SHOWN = 50;

    private final WorkerProperties properties;
    private final PostgresClients pgDumps;
    private final Staging staging;
    private final Credentials credentials;

    public DryRunChecks(WorkerProperties properties, PostgresClients pgDumps, Staging staging) {
        this(properties, pgDumps, staging, Credentials.of(properties));
    }

    DryRunChecks(WorkerProperties properties, PostgresClients pgDumps, Staging staging, Credentials credentials) {
        this.properties = properties;
        this.pgDumps = pgDumps;
        this.staging = staging;
        this.credentials = credentials;
    }

    /** Runs every check for the target as the worker has its settings; never throws for a check that fails. */
    public DryRunReport check(TargetConfigured settings) {
        Connection target = settings.connection();
        DumpOptions options = settings.dumpOptions();
        List<DryRunCheck> checks = new ArrayList<>();
        String serverVersion = null;
        Long estimated = null;
        List<SourceExtension> extensions = List.of();

        // Staging first, though reported after size: the free space it finds is what the size is compared with.
        Probed probed = probeStaging();
        Optional<String> password = Optional.empty();
        try {
            password = credentials.password(target);
            try (SourceSnapshot source = SourceSnapshot.open(target, password, properties.connectTimeout(), properties.countTimeout())) {
                serverVersion = source.serverVersion();
                checks.add(DryRunCheck.passed(CONNECT, "connected to " + target.describe() + " (sslmode " + target.sslmodeOrDefault()
                        + "): PostgreSQL " + source.serverVersion()));
                checks.add(pgDump(source));
                Source read = source.read(target, jdbc -> read(jdbc, options));
                checks.add(privileges(read, options));
                estimated = read.estimatedBytes();
                checks.add(size(read, options, probed));
                extensions = read.extensions();
            }
        } catch (DumpFailure | RuntimeException e) {
            // RuntimeException: whatever else the driver throws fails the check that ran into it, not the dry run.
            String reason = DumpService.redact(e instanceof DumpFailure ? e.getMessage() : e.getClass().getSimpleName() + ": " + e.getMessage(),
                    password);
            if (checks.isEmpty()) {
                checks.add(DryRunCheck.failed(CONNECT, reason));
            } else {
                // Connected, then the source failed a query (a dropped connection, a timeout): the check that ran it fails.
                checks.add(DryRunCheck.failed(ORDER.get(checks.size()), reason));
            }
        }
        String notChecked = checks.getFirst().passed() ? "not checked: reading the source failed (see " + checks.getLast().name() + ")"
                : "not checked: could not connect";
        while (checks.size() < ORDER.indexOf(STAGING)) {
            checks.add(DryRunCheck.skipped(ORDER.get(checks.size()), notChecked));
        }
        checks.add(probed.check());
        checks.add(encryption());
        DryRunReport report = new DryRunReport(checks, serverVersion, estimated, extensions);
        log.info("dry run of target {} ({}): {}", settings.targetId(), target.describe(),
                checks.stream().map(c -> c.name() + " " + c.status()).collect(Collectors.joining(", ")));
        checks.stream().filter(c -> c.status() == DryRunCheck.Status.FAILED)
                .forEach(c -> log.info("dry run of target {}: {} failed: {}", settings.targetId(), c.name(), c.detail()));
        return report;
    }

    private DryRunCheck pgDump(SourceSnapshot source) {
        List<String> installed = pgDumps.installed().stream().map(p -> p.version() + " (" + p.executable() + ")").toList();
        return pgDumps.forServer(source.serverMajor())
                .map(p -> DryRunCheck.passed(PG_DUMP, "pg_dump " + p.version() + " (" + p.executable() + ") dumps PostgreSQL "
                        + source.serverVersion()))
                .orElseGet(() -> DryRunCheck.failed(PG_DUMP, "installed pg_dump: " + (installed.isEmpty() ? "none" : String.join(", ", installed))
                        + "; " + pgDumps.noneFits(source.serverMajor(), source.serverVersion())
                        + " (vigil.worker.pg-bin-root or vigil.worker.pg-bin-dir)"));
    }

    /** An object pg_dump would read, as the source's catalog has it. */
    record Relation(String schema, String name, char kind, String display, String schemaDisplay, String ownerSchema, String ownerTable, boolean readable,
            boolean schemaUsable, long bytes) {

        boolean inScope(DumpOptions options) {
            if (kind == 'S') {
                // pg_dump dumps a sequence with the table that owns it (serial, identity), whatever selected the table.
                return options.includes(schema, name) || (ownerTable != null && options.includes(ownerSchema, ownerTable));
            }
            return options.includes(schema, name);
        }

        /** Whether pg_dump reads it under these options: every table (it locks them), a sequence only when dumping data. */
        boolean read(DumpOptions options) {
            return kind != 'S' || !options.schemaOnly();
        }
    }

    /** What the checks read from the source, in one read-only transaction. */
    record Source(String role, List<Relation> relations, long databaseBytes, List<SourceExtension> extensions, Long estimatedBytes) {
    }

    private static final String RELATIONS = """
            select n.nspname, c.relname, c.relkind::text, format('%I.%I', n.nspname, c.relname), quote_ident(n.nspname), o.nspname, oc.relname,
                   case when c.relkind = 'S' then has_sequence_privilege(c.oid, 'SELECT') else has_table_privilege(c.oid, 'SELECT') end,
                   has_schema_privilege(n.oid, 'USAGE'),
                   case when c.relkind = 'r' then pg_total_relation_size(c.oid) else 0 end
            from pg_class c join pg_namespace n on n.oid = c.relnamespace
            left join pg_depend od on c.relkind = 'S' and od.classid = 'pg_class'::regclass and od.objid = c.oid
                 and od.refclassid = 'pg_class'::regclass and od.deptype in ('a', 'i')
            left join pg_class oc on oc.oid = od.refobjid
            left join pg_namespace o on o.oid = oc.relnamespace
            where c.relkind in ('r', 'p', 'S')
            """ + "  and " + RowCounts.DUMPED_RELATION + "order by 1, 2";

    private static Source read(java.sql.Connection jdbc, DumpOptions options) throws SQLException {
        try (Statement statement = jdbc.createStatement()) {
            String role;
            long databaseBytes;
            try (ResultSet rs = statement.executeQuery("select quote_ident(current_user), pg_database_size(current_database())")) {
                rs.next();
                role = rs.getString(1);
                databaseBytes = rs.getLong(2);
            }
            List<Relation> relations = new ArrayList<>();
            try (ResultSet rs = statement.executeQuery(RELATIONS)) {
                while (rs.next()) {
                    Relation relation = new Relation(rs.getString(1), rs.getString(2), rs.getString(3).charAt(0), rs.getString(4),
                            rs.getString(5), rs.getString(6), rs.getString(7), rs.getBoolean(8), rs.getBoolean(9), rs.getLong(10));
                    if (relation.inScope(options)) {
                        relations.add(relation);
                    }
                }
            }
            List<SourceExtension> extensions = new ArrayList<>();
            try (ResultSet rs = statement.executeQuery("select extname, extversion from pg_extension order by 1")) {
                while (rs.next()) {
                    extensions.add(new SourceExtension(rs.getString(1), rs.getString(2)));
                }
            }
            Long estimated = options.schemaOnly() ? null
                    : everything(options) ? databaseBytes : relations.stream().mapToLong(Relation::bytes).sum();
            return new Source(role, relations, databaseBytes, extensions, estimated);
        }
    }

    /** Whether the options dump the whole database, whose size is then the estimate (it includes what the tables' sizes miss). */
    private static boolean everything(DumpOptions options) {
        return options.schemas().isEmpty() && options.excludeSchemas().isEmpty() && !options.selectsTables();
    }

    private static DryRunCheck privileges(Source source, DumpOptions options) {
        List<Relation> read = source.relations().stream().filter(r -> r.read(options)).toList();
        Set<String> schemasWithoutUsage = read.stream().filter(r -> !r.schemaUsable()).map(Relation::schemaDisplay)
                .collect(Collectors.toCollection(LinkedHashSet::new));
        List<Relation> unreadable = read.stream().filter(r -> !r.readable()).toList();
        long tables = read.stream().filter(r -> r.kind() != 'S').count();
        long sequences = read.size() - tables;
        if (unreadable.isEmpty() && schemasWithoutUsage.isEmpty()) {
            return DryRunCheck.passed(PRIVILEGES, "role " + source.role() + " can read every table and sequence in the dump (tables: "
                    + tables + ", sequences: " + sequences + ")");
        }
        StringBuilder detail = new StringBuilder();
        if (!unreadable.isEmpty()) {
            List<Relation> tablesDenied = unreadable.stream().filter(r -> r.kind() != 'S').toList();
            List<Relation> sequencesDenied = unreadable.stream().filter(r -> r.kind() == 'S').toList();
            detail.append("role ").append(source.role()).append(" cannot read ").append(unreadable.size()).append(" of the ")
                    .append(read.size()).append(" tables and sequences in the dump: ").append(names(unreadable)).append(". Run as an owner: ");
            List<String> grants = new ArrayList<>();
            if (!tablesDenied.isEmpty()) {
                grants.add("GRANT SELECT ON TABLE " + namesForSql(tablesDenied) + " TO " + source.role() + ";");
            }
            if (!sequencesDenied.isEmpty()) {
                grants.add("GRANT SELECT ON SEQUENCE " + namesForSql(sequencesDenied) + " TO " + source.role() + ";");
            }
            detail.append(String.join(" ", grants));
            if (unreadable.size() > NAMES_SHOWN) {
                detail.append(" (for every table of a schema: GRANT SELECT ON ALL TABLES IN SCHEMA <schema> TO ").append(source.role())
                        .append(";)");
            }
            detail.append(" Or, on PostgreSQL 14 and newer: GRANT pg_read_all_data TO ").append(source.role()).append(";");
        }
        if (!schemasWithoutUsage.isEmpty()) {
            if (!detail.isEmpty()) {
                detail.append(" ");
            }
            detail.append("Role ").append(source.role()).append(" may not use the schema").append(schemasWithoutUsage.size() > 1 ? "s " : " ")
                    .append(String.join(", ", schemasWithoutUsage)).append(", so pg_dump cannot reach their tables: GRANT USAGE ON SCHEMA ")
                    .append(String.join(", ", schemasWithoutUsage)).append(" TO ").append(source.role()).append(";");
        }
        return DryRunCheck.failed(PRIVILEGES, detail.toString());
    }

    /** The objects' names as the source shows them ({@code shop."Order Lines"}), at most {@link #NAMES_SHOWN}, then how many more. */
    private static String names(List<Relation> relations) {
        String shown = relations.stream().limit(NAMES_SHOWN).map(Relation::display).collect(Collectors.joining(", "));
        return relations.size() > NAMES_SHOWN ? shown + " and " + (relations.size() - NAMES_SHOWN) + " more" : shown;
    }

    /** As {@link #names}, but a statement to copy must not say "and N more": the rest are left for the schema-wide grant. */
    private static String namesForSql(List<Relation> relations) {
        return relations.stream().limit(NAMES_SHOWN).map(Relation::display).collect(Collectors.joining(", "));
    }

    static DryRunCheck size(Source source, DumpOptions options, Probed probed) {
        if (source.estimatedBytes() == null) {
            return DryRunCheck.passed(SIZE, "schema only: the dump holds definitions, no rows; the database is " + Sizes.human(source.databaseBytes()));
        }
        long estimate = source.estimatedBytes();
        String what = everything(options) ? "the database's size" : "the size of the " + source.relations().stream()
                .filter(r -> r.kind() == 'r').count() + " tables in the dump, with their indexes";
        String figure = "estimated " + Sizes.human(estimate) + " (" + what + "; the compressed artifact is usually much smaller)";
        OptionalLong free = probed.probe() == null ? OptionalLong.empty() : probed.probe().usableBytes();
        if (free.isEmpty()) {
            return DryRunCheck.passed(SIZE, figure);
        }
        if (estimate > free.getAsLong()) {
            return DryRunCheck.failed(SIZE, figure + " exceeds the " + Sizes.human(free.getAsLong()) + " free in the staging directory "
                    + probed.probe().location() + "; free space there, or point vigil.staging.dir at a larger volume");
        }
        return DryRunCheck.passed(SIZE, figure + "; " + Sizes.human(free.getAsLong()) + " free in the staging directory");
    }

    /** The staging probe's outcome, kept for the size check; no probe when it failed. */
    record Probed(Staging.Probe probe, DryRunCheck check) {
    }

    private Probed probeStaging() {
        try {
            Staging.Probe probe = staging.probe();
            return new Probed(probe, DryRunCheck.passed(STAGING, "wrote and removed a probe in " + probe.location()));
        } catch (IOException e) {
            // The staging module's message names the directory or bucket and what to do.
            return new Probed(null, DryRunCheck.failed(STAGING, e.getMessage()));
        } catch (RuntimeException e) {
            // The S3 client's own failures (an unknown endpoint, no credentials) before any request.
            return new Probed(null, DryRunCheck.failed(STAGING, "staging (" + staging + ") does not accept a write: "
                    + e.getClass().getSimpleName() + ": " + e.getMessage()));
        }
    }

    private DryRunCheck encryption() {
        ArtifactCodec.Encryption encryption;
        try {
            encryption = DumpService.encryption(properties);
        } catch (IllegalArgumentException e) {
            return DryRunCheck.failed(ENCRYPTION, e.getMessage() + "; add the key to VIGIL_ENCRYPTION_KEYS (vigil.worker.encryption-keys)"
                    + " or set vigil.worker.encryption-key-id to a key it holds");
        }
        if (encryption == null) {
            return DryRunCheck.passed(ENCRYPTION, "not encrypted (vigil.worker.encryption-key-id unset)");
        }
        byte[] sample = "vigil dry run".getBytes(StandardCharsets.UTF_8);
        try {
            ByteArrayOutputStream sealed = new ByteArrayOutputStream();
            try (OutputStream out = ArtifactCodec.encoder(sealed, Compression.NONE, 0, 0, encryption)) {
                out.write(sample);
            }
            if (encryption instanceof AgeRecipient recipient) {
                // The worker holds no identity to open it with: encrypting is all it does.
                return DryRunCheck.passed(ENCRYPTION, "encrypts to age recipient " + recipient.id() + " (vigil.worker.age-recipient)");
            }
            try (InputStream in = ArtifactCodec.decoder(new ByteArrayInputStream(sealed.toByteArray()), Compression.NONE, encryption.id(),
                    Keyring.parse(properties.encryptionKeys()))) {
                if (!Arrays.equals(in.readAllBytes(), sample)) {
                    return DryRunCheck.failed(ENCRYPTION, "key " + encryption.id() + " encrypted a sample that did not decrypt to itself");
                }
            }
            return DryRunCheck.passed(ENCRYPTION, "key " + encryption.id() + " (vigil.worker.encryption-key-id) is in the keyring and "
                    + "encrypts and decrypts a sample");
        } catch (IOException | RuntimeException e) {
            return DryRunCheck.failed(ENCRYPTION, "key " + encryption.id() + " cannot encrypt: " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()));
        }
    }
}
