package dev.vigil.scheduler.target;

import dev.vigil.contracts.TargetId;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.scheduling.TaskScheduler;

/**
 * Watches the targets file: every {@code vigil.scheduler.targets-reload-interval} it reads it, and
 * when its content differs from what it read last, parses all of it. A valid file becomes the
 * current {@link TargetList} and a {@link TargetsChanged} names what changed (the announcer and the
 * schedules follow it); a broken one is refused whole, the previous targets stay in force, and the
 * mistake is logged once per content and kept for {@link #error()}. Each replica watches its own copy:
 * what follows a change (announcements on a compacted topic, firings claimed once) is idempotent.
 *
 * <p>Thread-safe: {@link #poll()} runs on one scheduler thread at a time (fixed delay); the state it
 * leaves is read from any thread.
 */
public final class TargetsReload {

    private static final Logger log = LoggerFactory.getLogger(TargetsReload.class);

    private final @Nullable Path file;
    private final String defaultSchedule;
    private final ZoneId defaultZone;
    private final TargetList targets;
    /** The content last read, applied or refused: the same content again changes nothing and logs nothing. */
    private volatile @Nullable String seen;
    private volatile @Nullable String error;
    private volatile Instant appliedAt = Instant.now();

    /** Reads the file for the start-up; a broken file stops the start-up ({@link InvalidTargetsException}). */
    TargetsReload(@Nullable Path file, String defaultSchedule, ZoneId defaultZone) {
        this.file = file;
        this.defaultSchedule = defaultSchedule;
        this.defaultZone = defaultZone;
        if (file == null) {
            this.targets = new TargetList(List.of());
            return;
        }
        String content = TargetsFile.content(file);
        List<Target> read = TargetsFile.parse(file, content, defaultSchedule, defaultZone);
        this.targets = new TargetList(read);
        this.seen = content;
        log.info("loaded {} target(s) from {}: {}", read.size(), file, targets.ids());
    }

    /** The current targets, kept up to date by this watch. */
    public TargetList targets() {
        return targets;
    }

    /** Polls every {@code interval} from now on; zero: never (the file read at start-up stays in force). */
    void start(TaskScheduler scheduler, Duration interval, ApplicationEventPublisher events) {
        if (file == null || interval.isZero() || interval.isNegative()) {
            log.info("the targets file is not watched (vigil.scheduler.targets-reload-interval: {}); edits need a restart", interval);
            return;
        }
        scheduler.scheduleWithFixedDelay(() -> poll(events), Instant.now().plus(interval), interval);
        log.info("watching {} for changes every {}", file, interval);
    }

    /** Reads the file once and applies it if its content changed and is valid. */
    void poll(ApplicationEventPublisher events) {
        try {
            String content;
            try {
                content = TargetsFile.content(file);
            } catch (InvalidTargetsException e) {
                refuse(null, e.getMessage());
                return;
            }
            if (content.equals(seen)) {
                return;
            }
            Map<TargetId, Target> next;
            try {
                next = TargetList.index(TargetsFile.parse(file, content, defaultSchedule, defaultZone));
            } catch (InvalidTargetsException e) {
                refuse(content, e.getMessage());
                return;
            } catch (IllegalArgumentException e) {
                refuse(content, file + ": " + e.getMessage());
                return;
            }
            seen = content;
            error = null;
            appliedAt = Instant.now();
            Map<TargetId, Target> previous = targets.replace(next);
            TargetsChanged change = difference(previous, next);
            log.info("the targets file {} changed: {} target(s) now; added {}, changed {}, removed {}", file, next.size(),
                    change.added().stream().map(Target::id).toList(), change.changed().stream().map(Target::id).toList(), change.removed());
            if (!change.added().isEmpty() || !change.changed().isEmpty() || !change.removed().isEmpty()) {
                events.publishEvent(change);
            }
        } catch (RuntimeException e) {
            log.error("the targets file {} could not be applied: {}", file, e.getMessage(), e);
        }
    }

    private void refuse(@Nullable String content, String why) {
        if (content == null ? error != null && seen == null : content.equals(seen)) {
            return;
        }
        seen = content;
        error = why;
        log.error("the targets file was changed and is refused whole; the previous {} target(s) stay in force until it is fixed: {}",
                targets.all().size(), why);
    }

    static TargetsChanged difference(Map<TargetId, Target> before, Map<TargetId, Target> after) {
        List<Target> added = new ArrayList<>();
        List<Target> changed = new ArrayList<>();
        List<TargetId> removed = new ArrayList<>();
        after.values().stream().sorted((a, b) -> a.id().value().compareTo(b.id().value())).forEach(target -> {
            Target old = before.get(target.id());
            if (old == null) {
                added.add(target);
            } else if (!old.equals(target)) {
                changed.add(target);
            }
        });
        before.keySet().stream().filter(id -> !after.containsKey(id)).sorted((a, b) -> a.value().compareTo(b.value())).forEach(removed::add);
        return new TargetsChanged(List.copyOf(added), List.copyOf(changed), List.copyOf(removed));
    }

    /** What is wrong with the file's newest content, while it is refused; empty when it is in force. */
    public Optional<String> error() {
        return Optional.ofNullable(error);
    }

    /** When the newest valid content was applied (the start-up, or the last change). */
    public Instant appliedAt() {
        return appliedAt;
    }

    public Optional<Path> file() {
        return Optional.ofNullable(file);
    }
}
