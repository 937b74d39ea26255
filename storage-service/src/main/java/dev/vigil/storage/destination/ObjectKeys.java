package dev.vigil.storage.destination;

import dev.vigil.contracts.JobId;
import dev.vigil.contracts.TargetId;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * Object keys that sort by time within a target and cannot collide across targets or prefixes:
 * {@code <prefix>/<targetId>/<yyyy>/<mm>/<dd>/<yyyyMMddTHHmmssZ>-<jobId>.<ext>}, the extension saying how the
 * bytes are wrapped (e.g. {@code dump.zst.enc}).
 */
final class ObjectKeys {

    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyy/MM/dd").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    private ObjectKeys() {
    }

    static String of(String prefix, TargetId target, JobId job, Instant dumpedAt, String extension) {
        return head(prefix) + target.value() + "/" + DAY.format(dumpedAt) + "/" + STAMP.format(dumpedAt) + "-" + job + "." + extension;
    }

    /**
     * A dry run's probe object: {@code <prefix>/.vigil-dry-run-<targetId>-<jobId>}, beside the targets' folders
     * rather than in one (a directory store would keep a folder made for it), and never a backup's key:
     * a target id starts with a letter or digit, never a dot.
     */
    static String dryRunProbe(String prefix, TargetId target, JobId job) {
        return head(prefix) + ".vigil-dry-run-" + target.value() + "-" + job;
    }

    private static String head(String prefix) {
        return prefix == null || prefix.isBlank() ? "" : prefix.replaceAll("^/+|/+$", "") + "/";
    }
}
