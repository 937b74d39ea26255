package dev.vigil.security;

import dev.vigil.contracts.AccessGranted;
import dev.vigil.contracts.Topics;
import dev.vigil.messaging.CompactedTopicReader;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * The access tokens the scheduler has granted and not revoked, read from the compacted access topic
 * from its beginning by each instance (no consumer group). A revocation reaches it as a tombstone,
 * within about a second of the scheduler's outbox relaying it. Thread-safe.
 */
public class AccessGrants implements TokenVerifier, SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(AccessGrants.class);

    private final Duration readWait;
    private final Map<String, AccessGranted> grants = new ConcurrentHashMap<>();
    private final CompactedTopicReader reader;

    public AccessGrants(Map<String, Object> clientProperties, Duration readWait) {
        this.readWait = readWait;
        this.reader = new CompactedTopicReader(Topics.ACCESS_GRANTED, clientProperties,
                CompactedTopicReader.latestInto(grants, Topics.ACCESS_GRANTED, tokenId -> tokenId, AccessGranted.class, AccessGranted::tokenId));
    }

    @Override
    public Optional<AccessGranted> grant(String tokenId) throws InterruptedException {
        if (!reader.awaitCaughtUp(readWait)) {
            log.warn("the access topic was not read within {}: token {} counts as unknown", readWait, tokenId);
            return Optional.empty();
        }
        return Optional.ofNullable(grants.get(tokenId));
    }

    @Override
    public void start() {
        reader.start("access-grants");
    }

    @Override
    public void stop() {
        reader.stop();
    }

    @Override
    public boolean isRunning() {
        return reader.isRunning();
    }
}
