package dev.vigil.scheduler.target;

import dev.vigil.contracts.TargetId;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The targets the scheduler knows, read once at start-up. Immutable, thread-safe. */
public final class TargetList {

    private final Map<TargetId, Target> targets;

    public TargetList(List<Target> targets) {
        Map<TargetId, Target> byId = new LinkedHashMap<>();
        for (Target target : targets) {
            if (byId.putIfAbsent(target.id(), target) != null) {
                throw new IllegalArgumentException("target '" + target.id() + "' is defined twice; target ids must be unique");
            }
        }
        this.targets = Map.copyOf(byId);
    }

    public Optional<Target> find(TargetId id) {
        return Optional.ofNullable(targets.get(id));
    }

    public Collection<Target> all() {
        return targets.values().stream().sorted((a, b) -> a.id().value().compareTo(b.id().value())).toList();
    }

    public List<String> ids() {
        return all().stream().map(t -> t.id().value()).toList();
    }
}
