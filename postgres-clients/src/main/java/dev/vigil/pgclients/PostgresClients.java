package dev.vigil.pgclients;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The PostgreSQL client programs installed on this host, by major version: either in one configured
 * directory, or in every {@code <root>/<major>/bin} (Debian's {@code /usr/lib/postgresql} layout).
 * A program can handle a server when its major version is at least the server's. Immutable, thread-safe.
 */
public final class PostgresClients {

    /** One installed program and its version. */
    public record Program(Path executable, String version, int major) {
    }

    private static final Pattern VERSION = Pattern.compile("\\(PostgreSQL\\) ((\\d+)(\\.\\d+)*)");

    private final String program;
    private final List<Program> installed;

    private PostgresClients(String program, List<Program> installed) {
        this.program = program;
        this.installed = installed;
    }

    /** Finds {@code program} (e.g. pg_dump) in {@code binDir} when set, else under {@code binRoot}. */
    public static PostgresClients find(String program, Path binRoot, Path binDir) {
        List<Path> candidates = new ArrayList<>();
        if (binDir != null) {
            candidates.add(binDir.resolve(program));
        } else if (binRoot != null && Files.isDirectory(binRoot)) {
            try (Stream<Path> majors = Files.list(binRoot)) {
                majors.map(m -> m.resolve("bin").resolve(program)).forEach(candidates::add);
            } catch (IOException e) {
                // an unreadable root lists nothing; callers say what to install
            }
        }
        List<Program> found = new ArrayList<>();
        for (Path candidate : candidates) {
            if (Files.isExecutable(candidate)) {
                Matcher matcher = VERSION.matcher(version(candidate));
                if (matcher.find()) {
                    found.add(new Program(candidate, matcher.group(1), Integer.parseInt(matcher.group(2))));
                }
            }
        }
        found.sort(Comparator.comparingInt(Program::major));
        return new PostgresClients(program, List.copyOf(found));
    }

    /** Installed versions, oldest first. */
    public List<Program> installed() {
        return installed;
    }

    /** The oldest installed program whose major is at least {@code serverMajor}: the closest fit. */
    public Optional<Program> forServer(int serverMajor) {
        return installed.stream().filter(p -> p.major() >= serverMajor).findFirst();
    }

    /** The newest installed program, if any. */
    public Optional<Program> newest() {
        return installed.isEmpty() ? Optional.empty() : Optional.of(installed.getLast());
    }

    /** A sentence for an operator when nothing fits a server. */
    public String noneFits(int serverMajor, String serverVersion) {
        return "the server runs PostgreSQL " + serverVersion + " but the newest " + program + " here is "
                + newest().map(Program::version).orElse("not installed") + "; " + program + " must be version " + serverMajor
                + " or newer. Install it (Debian/Ubuntu: apt-get install postgresql-client-" + serverMajor
                + ") or point the service at a directory holding it";
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
