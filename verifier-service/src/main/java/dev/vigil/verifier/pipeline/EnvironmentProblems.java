package dev.vigil.verifier.pipeline;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Tells, from what pg_restore or psql said, the restores that failed because of the verification
 * server (something it lacks) from those that failed because of the backup. Each problem names what
 * is missing and what to install or configure; a restore with such a problem says nothing about the
 * backup, so its verdict is INCONCLUSIVE rather than FAILED.
 */
final class EnvironmentProblems {

    private static final Pattern EXTENSION_NOT_AVAILABLE = Pattern.compile("extension \"([^\"]+)\" is not available");
    private static final Pattern EXTENSION_CONTROL_FILE = Pattern.compile("could not open extension control file \"[^\"]*/([^/\"]+)\\.control\"");
    private static final Pattern LIBRARY = Pattern.compile("could not (?:access|load) (?:file|library) \"([^\"]+)\"");
    private static final Pattern ROLE = Pattern.compile("role \"([^\"]+)\" does not exist");
    private static final Pattern TABLESPACE = Pattern.compile("tablespace \"([^\"]+)\" does not exist");
    private static final Pattern EXTENSION_PERMISSION = Pattern.compile("permission denied to create extension \"([^\"]+)\"");

    private EnvironmentProblems() {
    }

    /** The problems of the verification server that {@code output} shows, each once; empty when it shows none. */
    static List<String> in(String output, int serverMajor) {
        Set<String> problems = new LinkedHashSet<>();
        for (String line : output.split("\n")) {
            Matcher m;
            if ((m = EXTENSION_NOT_AVAILABLE.matcher(line)).find() || (m = EXTENSION_CONTROL_FILE.matcher(line)).find()) {
                problems.add("the verification server lacks the extension \"" + m.group(1) + "\", which the source uses: install it there "
                        + "(for PostgreSQL " + serverMajor + "; many are in the postgresql-contrib package, others in packages of their own), "
                        + "or point vigil.verifier.scratch at a server that has it");
            } else if ((m = EXTENSION_PERMISSION.matcher(line)).find()) {
                // Not trusted: only a superuser may create it, and the verifier deliberately restores as no superuser.
                problems.add("the role restored as may not create the extension \"" + m.group(1) + "\": it is not a trusted extension, so "
                        + "only a superuser may create it, and the verifier restores untrusted backups as a role that may only create "
                        + "databases. Backups using it stay INCONCLUSIVE here; to verify them, point vigil.verifier.scratch at a server kept "
                        + "for verification alone, as a role that may create the extension, with vigil.verifier.allow-superuser=true");
            } else if ((m = LIBRARY.matcher(line)).find()) {
                problems.add("the verification server lacks the library " + m.group(1) + " (an extension's binaries): install the package that "
                        + "provides it for PostgreSQL " + serverMajor);
            } else if ((m = ROLE.matcher(line)).find()) {
                problems.add("the verification server lacks the role \"" + m.group(1) + "\", which the backup refers to: create it there "
                        + "(create role \"" + m.group(1) + "\")");
            } else if ((m = TABLESPACE.matcher(line)).find()) {
                problems.add("the verification server lacks the tablespace \"" + m.group(1) + "\", which the backup refers to: create it "
                        + "there, or dump without tablespaces");
            }
        }
        return List.copyOf(problems);
    }

    /**
     * The problem of a work directory too small for the verification: it needs {@code needed} bytes
     * besides the {@code keepFree} left for others, and has {@code usable}.
     */
    static List<String> diskSpace(java.nio.file.Path workDir, long usable, long needed, long keepFree) {
        if (usable - keepFree >= needed) {
            return List.of();
        }
        return List.of("the verifier's work directory " + workDir + " has " + megabytes(usable) + " free; this backup needs "
                + megabytes(needed) + " there besides the " + megabytes(keepFree) + " kept free (vigil.verifier.keep-free): free space "
                + "there, or point vigil.verifier.work-dir at a larger disk");
    }

    private static String megabytes(long bytes) {
        return String.format(java.util.Locale.ROOT, "%.1f MB", bytes / 1e6);
    }

    /** The problem of a verification server older than the source, if it is. */
    static List<String> serverVersion(int serverMajor, int sourceMajor) {
        if (serverMajor >= sourceMajor) {
            return List.of();
        }
        return List.of("the verification server runs PostgreSQL " + serverMajor + ", older than the source's " + sourceMajor
                + ": point vigil.verifier.scratch at a PostgreSQL " + sourceMajor + " server or newer");
    }
}
