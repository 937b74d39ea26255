package dev.vigil.verifier.restore;

import dev.vigil.contracts.ArtifactStored;
import dev.vigil.contracts.JobId;
import dev.vigil.contracts.RestoreCompleted;
import dev.vigil.contracts.RestoreRequested;
import dev.vigil.contracts.Verdict;
import dev.vigil.contracts.json.EventJson;
import dev.vigil.messaging.Cancellation;
import dev.vigil.messaging.outbox.Outbox;
import dev.vigil.verifier.VerifierProperties;
import dev.vigil.verifier.pipeline.DatabaseServer;
import dev.vigil.verifier.pipeline.Outcome;
import dev.vigil.verifier.pipeline.RestoreException;
import dev.vigil.verifier.pipeline.RestorePipeline;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Restores a stored backup into a named database on request ({@link RestoreRequested}) through the
 * {@link RestorePipeline} and reports the outcome like a verification ({@link RestoreCompleted}):
 * every restored table's rows against the dump's count. Only a server and database the restore
 * allow-list ({@link RestoreAllowList}) allows for the target is touched, and never the services' own
 * database, a template, the maintenance database or a scratch name. A database holding anything is
 * refused unless the request asks to clean it; a request is answered once, and delivered again it is
 * answered again without restoring twice. Who asked ({@code requestedBy}) is recorded with the
 * restore and repeated in its answer and log lines. Thread-safe.
 */
public class RestoreService {

    private static final Logger log = LoggerFactory.getLogger(RestoreService.class);

    private final RestorePipeline pipeline;
    private final VerifierProperties properties;
    private final JdbcClient jdbc;
    private final TransactionTemplate transactions;
    private final Outbox outbox;
    private final RestoreAllowList allowList;
    private final String servicesDatabase;

    /**
     * @param servicesDatabase the name of the database the verifier keeps its own tables in (its
     *                         {@code spring.datasource}), which no restore may touch on any server
     * @throws IllegalArgumentException when the restore allow-list in the settings is malformed or names an unknown server
     */
    public RestoreService(RestorePipeline pipeline, VerifierProperties properties, JdbcClient jdbc,
            TransactionTemplate transactions, Outbox outbox, String servicesDatabase) {
        this.pipeline = pipeline;
        this.properties = properties;
        this.jdbc = jdbc;
        this.transactions = transactions;
        this.outbox = outbox;
        this.allowList = RestoreAllowList.of(properties.restoreAllowList(), properties.restoreServers().keySet());
        this.servicesDatabase = servicesDatabase;
    }

    /** Restores as requested and announces the outcome; cancelled, it stops and announces nothing (the request is delivered again). */
    public void handle(RestoreRequested request, Cancellation cancellation) throws InterruptedException {
        record Earlier(String event, String targetId, String server, String database) {

            boolean sameRequestAs(RestoreRequested request) {
                return targetId.equals(request.targetId().value()) && java.util.Objects.equals(server, request.server())
                        && database.equals(request.database());
            }
        }
        Optional<Earlier> earlier = jdbc.sql("select event::text, target_id, server, database from restores where restore_id = ?")
                .param(request.restoreId())
                .query((rs, n) -> new Earlier(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4))).optional();
        if (earlier.isPresent() && !earlier.get().sameRequestAs(request)) {
            // A restoreId belongs to one request: another one may not inherit its answer, nor its right to clean what it began filling.
            RestoreCompleted refused = RestoreCompleted.refused(request, request.jobId(), "restoreId " + request.restoreId()
                    + " was already used for another request (target " + earlier.get().targetId() + ", database " + earlier.get().database()
                    + (earlier.get().server() == null ? "" : " on server " + earlier.get().server()) + "); nothing was done. Send each "
                    + "request with a new restoreId");
            log.warn("restore {} of target {}{} refused: {}", request.restoreId(), request.targetId(), requestedBy(request), refused.refused());
            transactions.executeWithoutResult(s -> outbox.append(refused));
            return;
        }
        if (earlier.isPresent() && earlier.get().event() != null) {
            log.info("restore {} already answered; announcing its outcome again", request.restoreId());
            transactions.executeWithoutResult(s -> outbox.append(EventJson.mapper().readValue(earlier.get().event(), RestoreCompleted.class)));
            return;
        }
        // A restore that began and was stopped (a crash, a rebalance) left a database only this request filled: it may be cleaned.
        boolean resumed = earlier.isPresent();
        VerifierProperties.Server server = request.server() == null ? properties.scratch() : properties.restoreServers().get(request.server());
        if (server == null) {
            answer(request, RestoreCompleted.refused(request, request.jobId(), "no restore server is named '" + request.server()
                    + "'; the verifier knows " + (properties.restoreServers().isEmpty() ? "none" : properties.restoreServers().keySet().stream().sorted().toList())
                    + ": name one, leave server out for the verification server, or add it under vigil.verifier.restore-servers"));
            return;
        }
        Optional<String> badName = badDatabaseName(request.database(), server, servicesDatabase);
        if (badName.isPresent()) {
            answer(request, RestoreCompleted.refused(request, request.jobId(), badName.get()));
            return;
        }
        Optional<String> notAllowed = allowList.refusal(request);
        if (notAllowed.isPresent()) {
            answer(request, RestoreCompleted.refused(request, request.jobId(), notAllowed.get()));
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
        RequestedDatabase destination = new RequestedDatabase(request, server, selection, request.clean() || resumed, jdbc, jobId);
        try {
            Optional<String> notEmpty = destination.refusal();
            if (notEmpty.isPresent()) {
                answer(request, RestoreCompleted.refused(request, jobId, notEmpty.get()));
                return;
            }
            log.info("restore {} started: job {} of target {} into {} on {}{}{}", request.restoreId(), jobId, request.targetId(), request.database(),
                    destination.serverName(), selection.all() ? "" : " (" + selection + ")", requestedBy(request));
            Outcome outcome = pipeline.run(stored, destination, cancellation);
            answer(request, RestoreCompleted.of(request, jobId, outcome.verdict(), outcome.differences(), outcome.tables(), outcome.restoreMillis(),
                    outcome.environmentProblems()));
        } catch (SQLException e) {
            cancellation.check();
            answer(request, failed(request, jobId, RestoreException.serverRefused(destination, e)));
        } catch (RestoreException e) {
            answer(request, failed(request, jobId, e));
        } catch (RuntimeException e) {
            if (e instanceof java.util.concurrent.CancellationException) {
                throw e;
            }
            // Answered rather than left uncommitted: the requester would otherwise wait for an answer that never comes.
            log.error("restore {} of job {} target {} failed unexpectedly", request.restoreId(), jobId, request.targetId(), e);
            answer(request, RestoreCompleted.of(request, jobId, Verdict.FAILED, List.of("the restore failed unexpectedly (" + e
                    + "); the verifier's log has the details"), List.of(), 0, List.of()));
        }
    }

    private static RestoreCompleted failed(RestoreRequested request, JobId jobId, RestoreException e) {
        return RestoreCompleted.of(request, jobId, Verdict.FAILED, List.of(e.getMessage()), List.of(), 0, List.of());
    }

    /** The backup the request names, or the target's newest whose verification passed. */
    private Optional<ArtifactStored> choose(RestoreRequested request) {
        Optional<String> event = request.jobId() != null
                ? jdbc.sql("select event::text from stored_backups where job_id = ? and target_id = ?")
                        .params(request.jobId().value(), request.targetId().value()).query(String.class).optional()
                : jdbc.sql("""
                        select s.event::text from stored_backups s join verifications v on v.job_id = s.job_id
                        where s.target_id = ? and v.verdict in ('PASSED', 'RESTORED') order by s.stored_at desc limit 1""")
                        .param(request.targetId().value()).query(String.class).optional();
        return event.map(json -> EventJson.read(json.getBytes(StandardCharsets.UTF_8), ArtifactStored.class));
    }

    /** Records the outcome and announces it, in one transaction. */
    private void answer(RestoreRequested request, RestoreCompleted outcome) {
        transactions.executeWithoutResult(s -> {
            jdbc.sql("""
                    insert into restores (restore_id, target_id, job_id, server, database, requested_by, finished_at, verdict, event)
                    values (?, ?, ?, ?, ?, ?, now(), ?, cast(? as jsonb))
                    on conflict (restore_id) do update set finished_at = now(), job_id = excluded.job_id, verdict = excluded.verdict,
                        event = excluded.event""")
                    .params(request.restoreId(), request.targetId().value(), outcome.jobId() == null ? null : outcome.jobId().value(),
                            request.server(), request.database(), request.requestedBy(), outcome.verdict().name(), EventJson.writeString(outcome))
                    .update();
            outbox.append(outcome);
        });
        if (outcome.refused() != null) {
            log.warn("restore {} of target {}{} refused: {}", request.restoreId(), request.targetId(), requestedBy(request), outcome.refused());
        } else {
            log.info("restore {} finished: job {} into {}{}: {} ({} tables, {} ms){}{}", request.restoreId(), outcome.jobId(), request.database(),
                    requestedBy(request), outcome.verdict(), outcome.tables().size(), outcome.restoreMillis(),
                    outcome.differences().isEmpty() ? "" : " " + outcome.differences(),
                    outcome.environmentProblems().isEmpty() ? "" : " environment: " + outcome.environmentProblems());
        }
    }

    /**
     * {@code " requested by <who>"} for a log line, with control characters shown as '?' so a request
     * cannot forge lines, and cut at {@value #REQUESTED_BY_LOGGED} characters; empty when no one is named.
     */
    static String requestedBy(RestoreRequested request) {
        if (request.requestedBy() == null) {
            return "";
        }
        String who = request.requestedBy().replaceAll("\\p{Cntrl}", "?");
        return " requested by " + (who.length() <= REQUESTED_BY_LOGGED ? who : who.substring(0, REQUESTED_BY_LOGGED) + "...");
    }

    private static final int REQUESTED_BY_LOGGED = 200;

    /**
     * Why a database name cannot be restored into, whatever the allow-list says: the services' own
     * database (refused by name on every server, since two addresses may reach the same server), a
     * template or the maintenance database, a scratch name, or not a name PostgreSQL takes.
     */
    static Optional<String> badDatabaseName(String name, VerifierProperties.Server server, String servicesDatabase) {
        if (name.isBlank() || name.getBytes(StandardCharsets.UTF_8).length > 63 || name.indexOf('\0') >= 0) {
            return Optional.of("database name '" + name + "' is not one PostgreSQL takes: 1 to 63 bytes, no NUL");
        }
        if (name.startsWith(DatabaseServer.SCRATCH_PREFIX)) {
            return Optional.of("database name '" + name + "' starts with " + DatabaseServer.SCRATCH_PREFIX + ", which names the verifier's scratch "
                    + "databases (dropped on its start-up); choose another name");
        }
        if (name.equals(servicesDatabase)) {
            return Optional.of("database '" + name + "' is the database the Vigil services keep their own tables in (the verifier's "
                    + "spring.datasource); no restore goes there, on any server, whatever " + RestoreAllowList.SETTING + " says; choose another name");
        }
        if (Set.of("template0", "template1", server.maintenanceDatabase()).contains(name)) {
            return Optional.of("database '" + name + "' is a template or the maintenance database the verifier connects to; choose another name");
        }
        return Optional.empty();
    }
}
