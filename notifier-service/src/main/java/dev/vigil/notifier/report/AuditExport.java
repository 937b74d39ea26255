package dev.vigil.notifier.report;

import dev.vigil.contracts.StoredObject;
import dev.vigil.contracts.json.EventJson;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Writes verifications for an auditor as they are read, one at a time: CSV (one line each, the lists
 * summed up: how many differences and the first, checks passed and failed, the copies) or JSON (every
 * difference, check and copy). Not thread-safe; does not close the writer.
 */
abstract sealed class AuditExport {

    /** The CSV columns, in order. */
    static final List<String> COLUMNS = List.of("target", "job", "verdict", "verified_at", "stored_at", "size_bytes", "sha256", "format",
            "compression", "encryption_key_id", "restore_seconds", "tables_compared", "total_rows", "differences", "first_difference",
            "checks_passed", "checks_failed", "failed_checks", "environment_problems", "copies");

    protected final Writer out;
    private int written;

    private AuditExport(Writer out) {
        this.out = out;
    }

    static AuditExport csv(Writer out) {
        return new CsvExport(out);
    }

    static AuditExport json(Writer out, Period period, Instant generatedAt) {
        return new JsonExport(out, period, generatedAt);
    }

    /** Writes what comes before the first verification. */
    abstract void begin();

    /** Writes one verification. */
    final void add(Verification verification) {
        write(verification, written++ == 0);
        flushEvery();
    }

    /** Writes what comes after the last verification; answers how many were written. */
    final int end() {
        finish();
        try {
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return written;
    }

    abstract void write(Verification verification, boolean first);

    abstract void finish();

    protected final void print(String text) {
        try {
            out.write(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void flushEvery() {
        if (written % 200 == 0) {
            try {
                out.flush();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** A copy as one line says it: {@code primary:bucket/key}. */
    static String copy(StoredObject copy) {
        return copy.destination() + ":" + copy.bucket() + "/" + copy.key();
    }

    private static final class CsvExport extends AuditExport {

        CsvExport(Writer out) {
            super(out);
        }

        @Override
        void begin() {
            print(Csv.line(COLUMNS));
        }

        @Override
        void write(Verification v, boolean first) {
            print(Csv.line(Arrays.asList(v.targetId(), v.jobId(), v.verdict(), v.verifiedAt(), v.storedAt(), v.sizeBytes(), v.sha256(),
                    v.format(), v.compression(), v.encryptionKeyId(), v.restoreSeconds(), v.tablesCompared(), v.totalRows(),
                    v.differences().size(), v.differences().isEmpty() ? null : v.differences().getFirst(), v.checksPassed(), v.checksFailed(),
                    v.checks().stream().filter(c -> !c.passed()).map(c -> c.name()).collect(Collectors.joining("; ")),
                    String.join("; ", v.environmentProblems()),
                    v.copies().stream().map(AuditExport::copy).collect(Collectors.joining("; ")))));
        }

        @Override
        void finish() {
        }
    }

    private static final class JsonExport extends AuditExport {

        private final Period period;
        private final Instant generatedAt;

        JsonExport(Writer out, Period period, Instant generatedAt) {
            super(out);
            this.period = period;
            this.generatedAt = generatedAt;
        }

        @Override
        void begin() {
            print("{\"from\":" + EventJson.writeString(period.from()) + ",\"to\":" + EventJson.writeString(period.to())
                    + ",\"generatedAt\":" + EventJson.writeString(generatedAt) + ",\"verifications\":[");
        }

        @Override
        void write(Verification verification, boolean first) {
            print((first ? "\n" : ",\n") + EventJson.writeString(verification));
        }

        @Override
        void finish() {
            print("\n]}\n");
        }
    }
}
