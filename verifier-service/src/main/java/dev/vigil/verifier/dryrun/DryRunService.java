package dev.vigil.verifier.dryrun;

import dev.vigil.contracts.CheckResult;
import dev.vigil.contracts.DryRunChecked;
import dev.vigil.contracts.Stage;
import dev.vigil.messaging.outbox.Outbox;
import dev.vigil.pgclients.PostgresClients;
import dev.vigil.verifier.VerifierProperties;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The verifier's part of a dry run: answers the dump worker's {@link DryRunChecked} (stage DUMP) with
 * what the verification server and the installed pg_restore say about the source
 * ({@link ScratchServerChecks}), announced through the outbox as a {@link DryRunChecked} of stage
 * VERIFY. Creates no database and records nothing; a redelivered event is answered again, which the
 * scheduler ignores. Thread-safe.
 */
public final class DryRunService {

    private static final Logger log = LoggerFactory.getLogger(DryRunService.class);

    private final ScratchServerChecks checks;
    private final TransactionTemplate transactions;
    private final Outbox outbox;

    public DryRunService(VerifierProperties properties, PostgresClients pgRestores, TransactionTemplate transactions, Outbox outbox) {
        this.checks = new ScratchServerChecks(properties.scratch(), pgRestores);
        this.transactions = transactions;
        this.outbox = outbox;
    }

    /** Answers a worker's part; the other services' answers (STORE, VERIFY) on the same topic are not for it. */
    public void handle(DryRunChecked checked) {
        if (!checked.workersPart()) {
            log.debug("dry run of job {} target {}: a {} answer, not the worker's part; nothing to do", checked.jobId(), checked.targetId(),
                    checked.stage());
            return;
        }
        List<CheckResult> results = checks.check(checked);
        DryRunChecked answer = DryRunChecked.answer(checked, Stage.VERIFY, results);
        transactions.executeWithoutResult(s -> outbox.append(answer));
        log.info("dry run of job {} target {}: {}", checked.jobId(), checked.targetId(), answer.passed() ? "every check passed"
                : "failed: " + results.stream().filter(c -> !c.passed()).map(CheckResult::name).toList());
        results.stream().filter(c -> !c.passed()).forEach(c -> log.info("dry run of job {} target {}: {} failed: {}", checked.jobId(),
                checked.targetId(), c.name(), c.detail()));
    }
}
