package dev.vigil.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Where the services' own logs say a job's time went: the dump worker's dump and the verifier's restore, split. */
final class ServiceLogs {

    private static final Pattern TIMESTAMP = Pattern.compile("^(\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d+(?:Z|[+-]\\d\\d:?\\d\\d))");
    private static final Pattern FINISHED = Pattern.compile("dump finished: job \\S+ target \\S+: (\\d+) bytes, (\\d+) tables");
    private static final Pattern SPLIT = Pattern.compile("dump of job \\S+ took \\d+ ms: (.*)$");
    private static final Pattern RESTORED = Pattern.compile("\\(\\d+ tables, \\d+ ms: (download and decode \\d+ ms, \\S+ until \\d+ ms.*; comparison \\d+ ms)\\)$");

    private ServiceLogs() {
    }

    /**
     * The worker's "dump started" to "dump finished" lines of the job: the time between them, the
     * artifact's size and tables, and the worker's own split of the dump.
     */
    static String worker(Path log, String jobId) throws IOException {
        List<String> lines = lines(log, jobId);
        Optional<String> started = lines.stream().filter(line -> line.contains("dump started: job " + jobId)).findFirst();
        Optional<String> finished = lines.stream().filter(line -> line.contains("dump finished: job " + jobId)).findFirst();
        if (started.isEmpty() || finished.isEmpty()) {
            return "worker: no dump lines for the job in " + log.getFileName();
        }
        Matcher sizes = FINISHED.matcher(finished.get());
        String artifact = sizes.find() ? String.format(java.util.Locale.ROOT, ", artifact %.1f MB, %s tables",
                Long.parseLong(sizes.group(1)) / 1e6, sizes.group(2)) : "";
        Optional<OffsetDateTime> from = timestamp(started.get());
        Optional<OffsetDateTime> to = timestamp(finished.get());
        String between = from.isPresent() && to.isPresent()
                ? String.format(java.util.Locale.ROOT, "%.1f s", Duration.between(from.get(), to.get()).toMillis() / 1000.0) : "?";
        String split = lines.stream().map(SPLIT::matcher).filter(Matcher::find).map(m -> " (" + m.group(1) + ")").findFirst().orElse("");
        return "worker: dump started -> finished " + between + artifact + split;
    }

    /** The verifier's own split of the job's restore: download and decode, pg_restore, comparison. */
    static String verifier(Path log, String jobId) throws IOException {
        return lines(log, jobId).stream().filter(line -> line.contains("restored job " + jobId)).map(RESTORED::matcher).filter(Matcher::find)
                .map(m -> "verifier: " + m.group(1)).findFirst().orElse("verifier: no restore line for the job in " + log.getFileName());
    }

    /**
     * When the log says {@code <phrase> job <id>}, by job id, each time in the order logged (a job
     * handled twice by this process has two); e.g. {@code "dump started:"}.
     */
    static java.util.Map<String, List<java.time.Instant>> times(Path log, String phrase) throws IOException {
        Pattern job = Pattern.compile(Pattern.quote(phrase) + " job (\\S+)");
        java.util.Map<String, List<java.time.Instant>> times = new java.util.LinkedHashMap<>();
        for (String line : Files.readAllLines(log)) {
            Matcher m = job.matcher(line);
            if (m.find()) {
                timestamp(line).ifPresent(at -> times.computeIfAbsent(m.group(1), id -> new java.util.ArrayList<>()).add(at.toInstant()));
            }
        }
        return times;
    }

    private static List<String> lines(Path log, String jobId) throws IOException {
        return Files.readAllLines(log).stream().filter(line -> line.contains(jobId)).toList();
    }

    private static Optional<OffsetDateTime> timestamp(String line) {
        Matcher m = TIMESTAMP.matcher(line);
        return m.find() ? Optional.of(OffsetDateTime.parse(m.group(1))) : Optional.empty();
    }
}
