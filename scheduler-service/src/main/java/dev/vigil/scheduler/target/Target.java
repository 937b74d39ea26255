package dev.vigil.scheduler.target;

import dev.vigil.contracts.Connection;
import dev.vigil.contracts.DumpOptions;
import dev.vigil.contracts.Monitoring;
import dev.vigil.contracts.RetentionPolicy;
import dev.vigil.contracts.SqlCheck;
import dev.vigil.contracts.TargetId;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * One database Vigil backs up: how to reach it (never its password, only a reference) and when.
 *
 * @param schedule   a six-field Spring cron expression, already normalized
 * @param dump       what to dump of it
 * @param retention  how many of its backups to keep; null: the storage service's default
 * @param checks     its own checks, run against every restored backup
 * @param labels     its labels ({@code team: payments}), checked by {@link dev.vigil.contracts.Labels#checked}; empty: none
 * @param monitoring how the notifier watches it, as the targets file sets it (without the schedule's interval, which
 *                   is announced with it); {@link Monitoring#DEFAULTS} when the file sets nothing
 */
public record Target(TargetId id, Connection connection, String schedule, ZoneId timeZone, DumpOptions dump,
        @Nullable RetentionPolicy retention, List<SqlCheck> checks, Map<String, String> labels, Monitoring monitoring) {
}
