package dev.vigil.storage.retention;

import dev.vigil.contracts.RetentionPolicy;
import java.util.ArrayList;
import java.util.List;

/**
 * The least any retention policy keeps, service-wide, whatever a target's settings say: policies
 * reach this service in {@code TargetConfigured} events, and a forged or mistaken one must not be
 * able to delete a target's history. A policy below the floor is raised to it for planning, field by
 * field; fields above it are left alone. Immutable, thread-safe.
 *
 * @param minVerified    at least this many verified backups are kept (1 or more)
 * @param daily          at least this many daily backups are kept (0 or more)
 * @param keepWithinDays every backup of at least the last N days is kept (0 or more)
 */
public record RetentionFloor(int minVerified, int daily, int keepWithinDays) {

    public RetentionFloor {
        if (minVerified < 1) {
            throw new IllegalArgumentException("vigil.storage.retention.floor.min-verified must be 1 or more (the newest verified backup is "
                    + "always kept), got: " + minVerified);
        }
        if (daily < 0 || keepWithinDays < 0) {
            throw new IllegalArgumentException("vigil.storage.retention.floor.daily and .keep-within-days must be 0 or more, got: "
                    + daily + " and " + keepWithinDays);
        }
    }

    /** A policy as planned: the one given, raised where it is below the floor, and the fields raised (empty when none). */
    public record Applied(RetentionPolicy policy, List<String> raised) {

        public Applied {
            raised = List.copyOf(raised);
        }

        public boolean wasRaised() {
            return !raised.isEmpty();
        }
    }

    /** The policy raised to this floor, naming each field raised as {@code field from -> to}. */
    public Applied apply(RetentionPolicy policy) {
        List<String> raised = new ArrayList<>();
        int newDaily = raise("daily", policy.daily(), daily, raised);
        int newKeepWithinDays = raise("keepWithinDays", policy.keepWithinDays(), keepWithinDays, raised);
        int newMinVerified = raise("minVerified", policy.minVerified(), minVerified, raised);
        if (raised.isEmpty()) {
            return new Applied(policy, List.of());
        }
        return new Applied(new RetentionPolicy(newDaily, policy.weekly(), policy.monthly(), policy.yearly(), newKeepWithinDays,
                newMinVerified), raised);
    }

    private static int raise(String field, int value, int floor, List<String> raised) {
        if (value >= floor) {
            return value;
        }
        raised.add(field + " " + value + " -> " + floor);
        return floor;
    }

    @Override
    public String toString() {
        return "at least " + minVerified + " verified, " + daily + " daily, all of the last " + keepWithinDays + " days";
    }
}
