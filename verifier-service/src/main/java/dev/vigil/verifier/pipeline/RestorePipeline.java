package dev.vigil.verifier.pipeline;

import dev.vigil.contracts.ArtifactStored;
import dev.vigil.contracts.Catalog;
import dev.vigil.contracts.CheckResult;
import dev.vigil.contracts.SqlCheck;
import dev.vigil.contracts.TableRowCount;
import dev.vigil.messaging.Cancellation;
import dev.vigil.pgclients.CatalogFingerprint;
import dev.vigil.pgclients.PostgresClients;
import dev.vigil.pgclients.TlsFailures;
import dev.vigil.verifier.VerifierProperties;
import java.io.IOException;
import java.nio.file.Files;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.FutureTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * The one way a stored backup is restored and judged, for verifications, restores on demand and
 * whatever else restores: find the program, check the work directory's room, fetch and check the
 * artifact, check the server's version, prepare the destination, restore, compare (rows, and where
 * asked the catalog and the target's own checks) and make the {@link Outcome}. Thread-safe: runs at
 * once share nothing but the settings.
 */
public final class RestorePipeline {

    private static final Logger log = LoggerFactory.getLogger(RestorePipeline.class);

    private final ArtifactFetch fetch;
    private final RestoreProgram programs;
    private final StreamedRestore streaming;
    private final VerifierProperties properties;

    public RestorePipeline(ArtifactFetch fetch, RestoreProgram programs, VerifierProperties properties) {
        this.fetch = fetch;
        this.programs = programs;
        this.streaming = new StreamedRestore(fetch, programs);
        this.properties = properties;
    }

    /**
     * Restores the backup into the destination and tells what that showed. Cancelled (the record went
     * to another instance, or the service stops), it stops the download or the restore program and
     * throws {@link java.util.concurrent.CancellationException}; the destination is not closed here.
     *
     * @throws RestoreException the restore could not run: the object could not be read, or the server refused
     */
    public Outcome run(ArtifactStored stored, Destination destination, Cancellation cancellation) throws RestoreException, InterruptedException {
        int sourceMajor = Integer.parseInt(stored.artifact().serverVersion().split("\\.")[0]);
        // Refused before anything is downloaded: an artifact the verifier should not have been given is the finding.
        Optional<String> refused = fetch.clearTextRefusal(stored);
        if (refused.isPresent()) {
            log.warn("job {} target {}: {}", stored.jobId(), stored.targetId(), refused.get());
            return Outcome.damaged(refused.get());
        }
        Optional<PostgresClients.Program> program = programs.forSource(stored, sourceMajor);
        if (program.isEmpty()) {
            return Outcome.unjudged(List.of(programs.noneFits(stored, sourceMajor)));
        }
        Optional<String> unsafe = RestoreProgram.unsafe(program.get(), stored);
        if (unsafe.isPresent()) {
            return Outcome.unjudged(List.of(unsafe.get()));
        }
        try {
            Files.createDirectories(properties.workDir());
            long usable = Files.getFileStore(properties.workDir()).getUsableSpace();
            List<String> noRoom = EnvironmentProblems.diskSpace(properties.workDir(), usable, ArtifactFetch.spaceNeeded(stored),
                    properties.keepFree().toBytes());
            if (!noRoom.isEmpty()) {
                return Outcome.unjudged(noRoom);
            }
            ArtifactFetch.WorkFiles workFiles;
            try {
                workFiles = new ArtifactFetch.WorkFiles(properties.workDir(), destination.workName(), stored);
            } catch (IOException e) {
                throw new RestoreException("the verifier's work directory " + properties.workDir() + " cannot be used (" + e
                        + "); check vigil.verifier.work-dir", e);
            }
            try (ArtifactFetch.WorkFiles files = workFiles) {
                return restore(stored, destination, program.get(), sourceMajor, files, usable - properties.keepFree().toBytes(), cancellation);
            } catch (ArtifactFetch.NoRoom e) {
                return Outcome.unjudged(List.of(e.getMessage()));
            }
        } catch (SdkException | IOException e) {
            cancellation.check();
            throw new RestoreException("could not read the stored backup " + stored.location().bucket() + "/" + stored.location().key() + ": "
                    + e.getMessage(), e);
        } catch (SQLException e) {
            cancellation.check();
            if (TlsFailures.isTls(e)) {
                // The server could not be reached as its settings ask: that says nothing about the backup.
                return Outcome.unjudged(List.of(DatabaseServer.tlsProblem(destination.server(), destination.serverName(), destination.settings(),
                        e.getMessage())));
            }
            throw RestoreException.serverRefused(destination, e);
        }
    }

    private Outcome restore(ArtifactStored stored, Destination destination, PostgresClients.Program program, int sourceMajor,
            ArtifactFetch.WorkFiles files, long room, Cancellation cancellation) throws IOException, SQLException, InterruptedException {
        long started = System.nanoTime();
        int serverMajor;
        try (java.sql.Connection connection = DatabaseServer.connect(destination.server(), destination.server().maintenanceDatabase())) {
            serverMajor = DatabaseServer.major(connection);
            // Checked before every restore, not only at start-up: a role may have been granted more since.
            Optional<String> tooPowerful = properties.allowSuperuser() ? Optional.empty()
                    : RolePrivileges.excess(connection, destination.server(), destination.serverName());
            if (tooPowerful.isPresent()) {
                return Outcome.unjudged(List.of(tooPowerful.get()));
            }
        }
        List<String> tooOld = EnvironmentProblems.serverVersion(serverMajor, sourceMajor);
        if (!tooOld.isEmpty()) {
            return Outcome.unjudged(tooOld);
        }
        List<String> differences = new ArrayList<>();
        List<String> environment = new ArrayList<>();
        long fetched;
        String pieces = "";
        boolean restoredWhileArriving = false;
        Map<TableName, Long> countedEarly = Map.of();
        if (properties.restoreWhileArriving() && StreamedRestore.applies(stored, destination)) {
            // Restored while it arrives: the download and decoding run beside pg_restore, not before it, and each table is
            // counted as soon as its data is in, beside the rest of the restore.
            StreamedRestore.Result streamed;
            try (EarlyCounts early = new EarlyCounts(destination.server(), destination.database())) {
                streamed = streaming.run(stored, destination, program, files, room, cancellation, early::loaded);
                countedEarly = early.counted();
            }
            fetched = started + streamed.fetchNanos();
            if (streamed.unreadable().isPresent()) {
                return Outcome.damaged(streamed.unreadable().get());
            }
            if (streamed.run() != null) {
                judge(streamed.run(), stored, destination, serverMajor, differences, environment);
                pieces = " in " + streamed.pieces() + " pieces beside the download [" + streamed.timeline() + "]";
                restoredWhileArriving = true;
            }
        } else {
            // The artifact is fetched and checked before the destination is touched: a damaged backup destroys nothing.
            Optional<String> unreadable = fetch.fetch(stored, files, cancellation, room);
            fetched = System.nanoTime();
            if (unreadable.isPresent()) {
                return Outcome.damaged(unreadable.get());
            }
        }
        if (!restoredWhileArriving) {
            destination.prepare();
            for (List<String> selection : RestoreProgram.isPlain(stored) ? List.of(List.<String>of()) : destination.runs()) {
                RestoreProgram.Run run = programs.run(program, stored, fetch, files, destination.server(), destination.database(), selection,
                        cancellation);
                if (!judge(run, stored, destination, serverMajor, differences, environment)) {
                    break;
                }
            }
        }
        long restored = System.nanoTime();
        long restoreMillis = (restored - started) / 1_000_000;
        RowCountComparison.Result comparison = new RowCountComparison.Result(List.of(), List.of());
        List<CheckResult> checks = new ArrayList<>();
        if (differences.isEmpty() && environment.isEmpty()) {
            comparison = compare(stored, destination, differences, checks, countedEarly);
        }
        cancellation.check();
        Outcome outcome = Outcome.of(differences, environment, comparison.tables(), restoreMillis, checks, !stored.madeOutside());
        log.info("restored job {} target {} into {} on {}: {} ({} tables, {} ms: download and decode {} ms, {} until {} ms{}; comparison {} ms)",
                stored.jobId(), stored.targetId(), destination.database(), destination.serverName(), outcome.verdict(),
                comparison.tables().size(), restoreMillis, (fetched - started) / 1_000_000, program.executable().getFileName(),
                restoreMillis, pieces, (System.nanoTime() - restored) / 1_000_000);
        return outcome;
    }

    /**
     * Files what one restore run reported: a problem with the artifact, the server's TLS, what the
     * environment lacks, or errors that are differences. Answers whether to go on to the next run.
     */
    private static boolean judge(RestoreProgram.Run run, ArtifactStored stored, Destination destination, int serverMajor, List<String> differences,
            List<String> environment) {
        if (run.artifactProblem() != null) {
            // What a half-read or refused artifact restored says nothing more: the artifact is the finding.
            differences.add(run.artifactProblem());
            return false;
        }
        if (run.errors() != null && TlsFailures.inLibpqOutput(run.errors())) {
            // libpq refused what the driver accepted (another CA file by default, say): the server is the problem, not the backup.
            environment.add(DatabaseServer.tlsProblem(destination.server(), destination.serverName(), destination.settings(),
                    RestoreProgram.name(stored) + " said: " + run.errors()));
            return false;
        }
        if (run.errors() != null) {
            List<String> lacking = EnvironmentProblems.in(run.errors(), serverMajor);
            environment.addAll(lacking);
            if (lacking.isEmpty()) {
                differences.add(RestoreProgram.name(stored) + " reported errors: " + run.errors());
            }
        }
        return true;
    }

    /**
     * Counts the restored rows (the catalog read beside them on a connection of its own), then runs the target's checks.
     * A dump made outside Vigil has no snapshot to compare with: its rows are counted, its own checks run, nothing is compared.
     */
    private RowCountComparison.Result compare(ArtifactStored stored, Destination destination, List<String> differences, List<CheckResult> checks,
            Map<TableName, Long> countedEarly) throws SQLException, InterruptedException {
        RestoredDatabase database = new RestoredDatabase(destination.server(), destination.database());
        if (stored.madeOutside()) {
            List<dev.vigil.contracts.TableCheck> counted = database.counted(destination::includes, properties.restoreJobs(), countedEarly);
            runChecks(database, destination, differences, checks);
            return new RowCountComparison.Result(counted, List.of());
        }
        Catalog catalog = null;
        if (destination.comparesCatalog()) {
            try {
                catalog = fetch.catalog(stored).orElse(null);
            } catch (IllegalArgumentException e) {
                // Without the catalog taken with the dump, what the restore holds cannot be judged whole.
                differences.add(e.getMessage());
            }
        }
        Catalog expectedCatalog = catalog;
        FutureTask<Map<String, String>> restoredCatalog = new FutureTask<>(
                () -> expectedCatalog == null ? Map.of() : database.catalog(expectedCatalog.withData(), expectedCatalog.wholeDatabase()));
        Thread.ofVirtual().start(restoredCatalog);
        List<TableRowCount> expected = stored.artifact().tables().stream().filter(t -> destination.includes(t.schema(), t.table())).toList();
        RowCountComparison.Result comparison = RowCountComparison.compare(expected,
                database.countRows(destination::includes, properties.restoreJobs(), countedEarly));
        differences.addAll(comparison.differences());
        Map<String, String> restoredObjects = RestoredDatabase.result(restoredCatalog);
        if (catalog != null) {
            differences.addAll(CatalogFingerprint.differences(catalog.objects(), restoredObjects));
        }
        runChecks(database, destination, differences, checks);
        return comparison;
    }

    /** The target's own checks, each a difference when it fails. */
    private void runChecks(RestoredDatabase database, Destination destination, List<String> differences, List<CheckResult> checks) {
        for (SqlCheck check : destination.checks()) {
            CheckResult result = database.check(check, properties.checkTimeout());
            checks.add(result);
            if (!result.passed()) {
                differences.add("check '" + check.name() + "' failed: " + result.detail());
            }
        }
    }
}
