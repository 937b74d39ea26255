package dev.vigil.scheduler.target;

import dev.vigil.contracts.TargetId;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The targets the scheduler knows now: an immutable snapshot, swapped whole when the targets file
 * changes ({@link TargetsReload}), so a reader sees either the old list or the new one, never a mix.
 * Thread-safe; each call reads the snapshot current at that moment.
 */
public final class TargetList {

    private final AtomicReference<Map<TargetId, Target>> current;

    public TargetList(List<Target> targets) {
        this.current = new AtomicReference<>(index(targets));
    }

    public Optional<Target> find(TargetId id) {
        return Optional.ofNullable(current.get().get(id));
    }

    public Collection<Target> all() {
        return current.get().values().stream().sorted((a, b) -> a.id().value().compareTo(b.id().value())).toList();
    }

    public List<String> ids() {
        return all().stream().map(t -> t.id().value()).toList();
    }

    /** Makes {@code targets} the current snapshot; answers the one it replaced. */
    Map<TargetId, Target> replace(Map<TargetId, Target> targets) {
        return current.getAndSet(targets);
    }

    /** The targets by id, immutable; refuses an id given twice. */
    static Map<TargetId, Target> index(List<Target> targets) {
        Map<TargetId, Target> byId = new LinkedHashMap<>();
        for (Target target : targets) {
            if (byId.putIfAbsent(target.id(), target) != null) {
                throw new IllegalArgumentException("target '" + target.id() + "' is defined twice; target ids must be unique");
            }
        }
        return Map.copyOf(byId);
    }
}
