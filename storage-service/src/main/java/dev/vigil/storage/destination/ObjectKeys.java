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
        String head = prefix == null || prefix.isBlank() ? "" : prefix.replaceAll("^/+|/+$", "") + "/";
        return head + target.value() + "/" + DAY.format(dumpedAt) + "/" + STAMP.format(dumpedAt) + "-" + job + "." + extension;
    }
}
