package dev.vigil.worker.dump;

import dev.vigil.contracts.FailureClass;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Picks a pg_dump that can dump a server: its major version must be at least the server's. Looks in
 * one configured directory, or in every {@code <root>/<major>/bin}. Thread-safe.
 */
final class PgDumpLocator {

    /** An installed pg_dump and its version. */
    record PgDump(Path executable, String version, int major) {
    }

    private static final Pattern VERSION = Pattern.compile("\\(PostgreSQL\\) (\\d+)(\\.\\d+)*");

    private final List<PgDump> installed;

    PgDumpLocator(Path binRoot, Path binDir) {
        this.installed = discover(binRoot, binDir);
    }

    List<PgDump> installed() {
        return installed;
    }

    PgDump forServer(int serverMajor, String serverVersion) throws DumpFailure {
        return installed.stream().filter(d -> d.major() >= serverMajor).min(Comparator.comparingInt(PgDump::major))
                .orElseThrow(() -> new DumpFailure(FailureClass.VERSION_MISMATCH, "the server runs PostgreSQL " + serverVersion
                        + " but the newest pg_dump on this worker is " + (installed.isEmpty() ? "none"
                                : installed.stream().map(PgDump::version).max(Comparator.naturalOrder()).orElseThrow())
                        + "; pg_dump must be version " + serverMajor + " or newer. Install it on the dump workers "
                        + "(Debian/Ubuntu: apt-get install postgresql-client-" + serverMajor + ") or set vigil.worker.pg-bin-dir"));
    }

    private static List<PgDump> discover(Path binRoot, Path binDir) {
        List<Path> candidates = new ArrayList<>();
        if (binDir != null) {
            candidates.add(binDir.resolve("pg_dump"));
        } else if (binRoot != null && Files.isDirectory(binRoot)) {
            try (Stream<Path> majors = Files.list(binRoot)) {
                majors.map(m -> m.resolve("bin").resolve("pg_dump")).forEach(candidates::add);
            } catch (IOException e) {
                // an unreadable root lists nothing; forServer says what to install
            }
        }
        List<PgDump> found = new ArrayList<>();
        for (Path candidate : candidates) {
            if (Files.isExecutable(candidate)) {
                String version = version(candidate);
                Matcher matcher = VERSION.matcher(version);
                if (matcher.find()) {
                    found.add(new PgDump(candidate, matcher.group().replace("(PostgreSQL) ", ""), Integer.parseInt(matcher.group(1))));
                }
            }
        }
        found.sort(Comparator.comparingInt(PgDump::major));
        return List.copyOf(found);
    }

    private static String version(Path executable) {
        try {
            Process process = new ProcessBuilder(executable.toString(), "--version").redirectErrorStream(true).start();
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            process.waitFor(10, TimeUnit.SECONDS);
            return out.strip();
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }
}
