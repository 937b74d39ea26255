package dev.vigil.storage.dryrun;

import dev.vigil.contracts.CheckResult;
import dev.vigil.contracts.DryRunChecked;
import dev.vigil.contracts.Stage;
import dev.vigil.messaging.outbox.Outbox;
import dev.vigil.storage.destination.Destination;
import dev.vigil.storage.destination.Destinations;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The storage service's part of a dry run: answers the dump worker's {@link DryRunChecked} (stage
 * DUMP) with one check per destination the target's backups would go to (the primary, then its
 * replicas), each a probe object written and removed ({@link DestinationProbe}), announced
 * through the outbox as a {@link DryRunChecked} of stage STORE. Changes nothing else: no catalog row,
 * no retention; a redelivered event is answered again, which the scheduler ignores. Thread-safe.
 */
public final class DryRunService {

    private static final Logger log = LoggerFactory.getLogger(DryRunService.class);

    private final Destinations destinations;
    private final TransactionTemplate transactions;
    private final Outbox outbox;

    public DryRunService(Destinations destinations, TransactionTemplate transactions, Outbox outbox) {
        this.destinations = destinations;
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
        List<CheckResult> checks = destinations.forTarget(checked.targetId()).stream()
                .map(destination -> DestinationProbe.check(destination, settingsOf(destination), checked.targetId(), checked.jobId()))
                .toList();
        DryRunChecked answer = DryRunChecked.answer(checked, Stage.STORE, checks);
        transactions.executeWithoutResult(s -> outbox.append(answer));
        log.info("dry run of job {} target {}: {}", checked.jobId(), checked.targetId(), answer.passed() ? "every destination accepted a probe"
                : "refused by " + checks.stream().filter(c -> !c.passed()).map(CheckResult::name).toList());
        checks.stream().filter(c -> !c.passed()).forEach(c -> log.warn("dry run of job {} target {}: {} failed: {}", checked.jobId(),
                checked.targetId(), c.name(), c.detail()));
    }

    private String settingsOf(Destination destination) {
        return destination.equals(destinations.primary()) ? "vigil.storage" : "the replica's vigil.storage.replicas[…] (name " + destination.name() + ")";
    }
}
