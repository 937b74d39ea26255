package dev.vigil.scheduler.target;

import dev.vigil.contracts.Connection;
import dev.vigil.contracts.DumpOptions;
import dev.vigil.contracts.TargetId;
import java.time.ZoneId;

/**
 * One database Vigil backs up: how to reach it (never its password, only a reference) and when.
 *
 * @param schedule a six-field Spring cron expression, already normalized
 * @param dump     what to dump of it
 */
public record Target(TargetId id, Connection connection, String schedule, ZoneId timeZone, DumpOptions dump) {
}
