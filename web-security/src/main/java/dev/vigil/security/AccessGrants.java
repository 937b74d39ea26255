package dev.vigil.security;

import dev.vigil.contracts.AccessGranted;
import dev.vigil.contracts.Topics;
import dev.vigil.contracts.json.EventJson;
import dev.vigil.messaging.CompactedTopicReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
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
        this.reader = new CompactedTopicReader(Topics.ACCESS_GRANTED, clientProperties, this::apply);
    }

    @Override
    public Optional<AccessGranted> grant(String tokenId) throws InterruptedException {
        if (!reader.awaitCaughtUp(readWait)) {
            log.warn("the access topic was not read within {}: token {} counts as unknown", readWait, tokenId);
            return Optional.empty();
        }
        return Optional.ofNullable(grants.get(tokenId));
    }

    private void apply(ConsumerRecord<byte[], byte[]> record) {
        if (record.key() == null) {
            log.warn("ignoring a record of {} without a key (partition {}, offset {})", Topics.ACCESS_GRANTED, record.partition(), record.offset());
            return;
        }
        String tokenId = new String(record.key(), StandardCharsets.UTF_8);
        if (record.value() == null) {
            grants.remove(tokenId);
            return;
        }
        try {
            AccessGranted grant = EventJson.read(record.value(), AccessGranted.class);
            if (!grant.tokenId().equals(tokenId)) {
                log.warn("ignoring a grant for token {} keyed as {} (partition {}, offset {})", grant.tokenId(), tokenId, record.partition(),
                        record.offset());
                return;
            }
            grants.put(tokenId, grant);
        } catch (RuntimeException e) {
            log.warn("ignoring an unreadable grant for token {}: {}", tokenId, e.getMessage());
        }
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
