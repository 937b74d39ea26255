package dev.vigil.storage.messaging;

import dev.vigil.contracts.ArtifactCreated;
import dev.vigil.contracts.BackupRechecked;
import dev.vigil.contracts.BackupVerified;
import dev.vigil.contracts.Verdict;
import dev.vigil.messaging.IncomingEvent;
import dev.vigil.storage.recheck.SampleRestores;
import dev.vigil.storage.retention.RetentionService;
import dev.vigil.storage.store.StorageService;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.messaging.Message;

/**
 * The storage service's function beans: {@code store} (binding {@code store-in-0}, topic
 * {@code vigil.artifact.created}), {@code verified} (binding {@code verified-in-0}, topic
 * {@code vigil.backup.verified}) and {@code rechecked} (binding {@code rechecked-in-0}, topic
 * {@code vigil.backup.rechecked}). Each maps the message and calls the application services; the
 * services themselves are wired in {@code dev.vigil.storage.config}.
 */
@Configuration(proxyBeanMethods = false)
class StorageFunctions {

    private static final Logger log = LoggerFactory.getLogger(StorageFunctions.class);

    /** Stores the artifact, then applies the target's retention (which never deletes the backup just stored: it is pending verification). */
    @Bean
    Consumer<Message<byte[]>> store(StorageService service, RetentionService retention) {
        return message -> {
            ArtifactCreated created = IncomingEvent.read(message, ArtifactCreated.class);
            service.handle(created);
            retention.applyQuietly(created.targetId());
        };
    }

    /** Records the verifier's verdict in the catalog, then applies the target's retention. */
    @Bean
    Consumer<Message<byte[]>> verified(RetentionService retention) {
        return message -> {
            BackupVerified verified = IncomingEvent.read(message, BackupVerified.class);
            if (verified.verdict() == Verdict.INCONCLUSIVE) {
                // Not judged: it stays pending, which retention never deletes.
                log.warn("backup {} of target {} could not be verified (the verification server lacks something); kept as unverified",
                        verified.jobId(), verified.targetId());
            } else if (!retention.recordVerdict(verified.jobId(), isUsable(verified.verdict()))) {
                // An unknown backup, or a verdict contradicting the one it has: logged there, and nothing for retention to do.
                return;
            }
            retention.applyQuietly(verified.targetId());
        };
    }

    /**
     * A backup that restored: {@code PASSED} (it held what the source held) or {@code RESTORED} (a dump
     * made outside Vigil, which restored with nothing to compare it with). Retention keeps either as verified.
     */
    static boolean isUsable(Verdict verdict) {
        return verdict == Verdict.PASSED || verdict == Verdict.RESTORED;
    }

    /**
     * Records the verifier's answer to a re-restore of the monthly sample; an answer to none this
     * service asked for is logged and ignored. No verdict, no retention: the backup stays as it was.
     */
    @Bean
    Consumer<Message<byte[]>> rechecked(SampleRestores samples) {
        return message -> samples.answered(IncomingEvent.read(message, BackupRechecked.class));
    }
}
