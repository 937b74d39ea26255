package dev.vigil.scheduler.target;

import dev.vigil.contracts.TargetId;
import java.util.List;

/**
 * The targets file was edited and its new content applied: {@link TargetList} already answers the new
 * targets. Published, synchronously, on the thread that watches the file.
 *
 * @param added   targets the file did not list before
 * @param changed targets whose settings differ (connection, schedule, dump options, labels…)
 * @param removed targets the file no longer lists
 */
public record TargetsChanged(List<Target> added, List<Target> changed, List<TargetId> removed) {
}
