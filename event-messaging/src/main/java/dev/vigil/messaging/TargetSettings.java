package dev.vigil.messaging;

import dev.vigil.contracts.TargetConfigured;
import dev.vigil.contracts.TargetId;
import dev.vigil.contracts.Topics;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.context.SmartLifecycle;

/**
 * Every target's settings (connection, what to dump, how many backups to keep, its own checks), read
 * from the compacted targets topic from its beginning by each instance (no consumer group: every
 * instance needs every target). The one client for target settings, auto-configured in every service.
 *
 * <p>One policy for "not known yet": a lookup waits up to {@code vigil.targets.read-wait} for the
 * topic to be read to the end it had at start-up, then answers explicitly: {@link Lookup.Known},
 * {@link Lookup.NotConfigured}, or {@link Lookup.NotReadYet}. Each caller decides what the last two
 * mean for it and says so; none guesses. Thread-safe.
 */
public class TargetSettings implements SmartLifecycle {


    /** What a lookup found. */
    public sealed interface Lookup {

        /** The target's settings as last announced. */
        record Known(TargetConfigured settings) implements Lookup {
        }

        /** The topic has been read and holds no settings for the target: never announced, or withdrawn. */
        record NotConfigured(TargetId targetId) implements Lookup {
        }

        /** The topic has not been read to its end within {@code waited}: whether the target is configured is not known. */
        record NotReadYet(Duration waited) implements Lookup {
        }
    }

    private final Duration readWait;
    private final Map<TargetId, TargetConfigured> targets = new ConcurrentHashMap<>();
    private final CompactedTopicReader reader;

    /**
     * @param readWait how long a lookup waits for the topic to be read to its end before it answers {@link Lookup.NotReadYet}
     */
    public TargetSettings(Map<String, Object> clientProperties, Duration readWait) {
        this.readWait = readWait;
        this.reader = new CompactedTopicReader(Topics.TARGETS, clientProperties,
                CompactedTopicReader.latestInto(targets, Topics.TARGETS, TargetId::new, TargetConfigured.class, TargetConfigured::targetId));
    }

    /** The target's settings, waiting up to the read wait for the topic to be read. */
    public Lookup lookup(TargetId id) throws InterruptedException {
        return lookup(id, Duration.ZERO);
    }

    /**
     * The target's settings, waiting up to the read wait for the topic to be read and then up to
     * {@code lateAnnouncement} more for a target announced after this request was made.
     */
    public Lookup lookup(TargetId id, Duration lateAnnouncement) throws InterruptedException {
        if (!reader.awaitCaughtUp(readWait)) {
            return new Lookup.NotReadYet(readWait);
        }
        TargetConfigured settings = reader.awaitAnswer(() -> targets.get(id), lateAnnouncement);
        return settings == null ? new Lookup.NotConfigured(id) : new Lookup.Known(settings);
    }

    /** The targets the topic holds settings for, once it has been read; empty when it was not read within the read wait. */
    public java.util.Optional<Set<TargetId>> configured() throws InterruptedException {
        return reader.awaitCaughtUp(readWait) ? java.util.Optional.of(Set.copyOf(targets.keySet())) : java.util.Optional.empty();
    }

    /** Every target's current settings, once the topic has been read; empty when it was not read within the read wait. */
    public java.util.Optional<List<TargetConfigured>> current() throws InterruptedException {
        return reader.awaitCaughtUp(readWait) ? java.util.Optional.of(List.copyOf(targets.values())) : java.util.Optional.empty();
    }

    @Override
    public void start() {
        reader.start("target-settings");
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
