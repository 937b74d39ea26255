package dev.vigil.scheduler.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.vigil.contracts.JobId;
import dev.vigil.contracts.TargetId;
import dev.vigil.contracts.Trigger;
import dev.vigil.scheduler.job.Job;
import dev.vigil.scheduler.job.JobFilter;
import dev.vigil.scheduler.job.JobPage;
import dev.vigil.scheduler.job.JobRegistry;
import dev.vigil.scheduler.job.JobStatus;
import dev.vigil.scheduler.target.Target;
import dev.vigil.scheduler.target.TargetList;
import java.net.URI;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/** The REST API: targets, backups on demand, and jobs. Errors answer as RFC 9457 problem JSON. */
@RestController
@RequestMapping("/api/v1")
class JobsController {

    private final JobRegistry registry;
    private final TargetList targets;

    JobsController(JobRegistry registry, TargetList targets) {
        this.registry = registry;
        this.targets = targets;
    }

    record TargetView(String targetId, String connection, String schedule, String timeZone) {
    }

    record Accepted(UUID jobId, String targetId, JobStatus status) {
    }

    @GetMapping("/targets")
    List<TargetView> targets() {
        return targets.all().stream().map(JobsController::view).toList();
    }

    /**
     * Starts a backup; the optional JSON body {@code {"note": "..."}} says why, and the job keeps it. With
     * {@code ?dryRun=true}, a dry run: every check short of pg_dump, reported on the job, no backup.
     */
    @PostMapping("/targets/{targetId}/backups")
    ResponseEntity<Accepted> backup(@PathVariable String targetId, @RequestParam(required = false) String dryRun,
            @RequestBody(required = false) JsonNode body) {
        TargetId id = parseTarget(targetId);
        boolean dry = dryRun(dryRun);
        String note = BackupNote.from(body);
        // The job names who asked as they signed in, never what a request header claims.
        JobId jobId = registry.request(id, Trigger.API, dev.vigil.security.Callers.name().orElse("api"), note, dry);
        return ResponseEntity.accepted().location(URI.create("/api/v1/jobs/" + jobId))
                .body(new Accepted(jobId.value(), id.value(), dry ? JobStatus.DRY_RUN : JobStatus.REQUESTED));
    }

    /** {@code dryRun} as given: true or false (or left out); anything else is refused, never taken for a real backup. */
    private static boolean dryRun(String value) {
        if (value == null || value.equalsIgnoreCase("false")) {
            return false;
        }
        if (value.isEmpty() || value.equalsIgnoreCase("true")) {
            return true;
        }
        throw new ApiException(400, "Invalid dryRun", "dryRun must be true or false, got '" + value + "'");
    }

    @GetMapping("/jobs/{jobId}")
    Job job(@PathVariable UUID jobId) {
        return registry.find(jobId).orElseThrow(() -> new ApiException(404, "Unknown job",
                "no job " + jobId + "; list jobs with GET /api/v1/jobs (filters: targetId, status, trigger, from, to)"));
    }

    /**
     * A page of the jobs list; {@code next} is the cursor of the following page, null on the last.
     * {@code targetId} repeats the filter when one was given (as the list of one target's jobs always did).
     */
    record JobList(@JsonInclude(JsonInclude.Include.NON_NULL) String targetId, List<Job> jobs,
            @JsonInclude(JsonInclude.Include.ALWAYS) String next) {
    }

    /** Jobs across all targets, newest first, narrowed by whichever filters are given, a page at a time. */
    @GetMapping("/jobs")
    JobList jobs(@RequestParam(required = false) String targetId, @RequestParam(required = false) String status,
            @RequestParam(required = false) String trigger, @RequestParam(required = false) String from,
            @RequestParam(required = false) String to, @RequestParam(required = false) String before,
            @RequestParam(defaultValue = "50") int limit) {
        if (limit < 1 || limit > 500) {
            throw new ApiException(400, "Invalid limit", "limit must be between 1 and 500, got " + limit);
        }
        TargetId target = targetId == null ? null : parseTarget(targetId);
        Instant since = instant("from", from);
        Instant until = instant("to", to);
        if (since != null && until != null && !since.isBefore(until)) {
            throw new ApiException(400, "Invalid from", "from (" + since + ") must be before to (" + until + "): from is inclusive, to exclusive");
        }
        JobFilter filter = new JobFilter(target, names("status", status, JobStatus.class, "a job status"),
                names("trigger", trigger, Trigger.class, "a trigger"), since, until);
        JobPage page = registry.list(filter, before == null ? null : position(PageCursor.decode(before)), limit);
        return new JobList(target == null ? null : target.value(), page.jobs(), page.next() == null ? null
                : PageCursor.encode(new PageCursor.Place(page.next().listedAt(), page.next().jobId())));
    }

    /** A comma-separated list of an enum's names (the parameter may also be repeated); none given: empty. */
    private static <E extends Enum<E>> Set<E> names(String parameter, String value, Class<E> type, String what) {
        Set<E> names = EnumSet.noneOf(type);
        if (value == null) {
            return names;
        }
        for (String name : value.split(",", -1)) {
            try {
                names.add(Enum.valueOf(type, name.strip()));
            } catch (IllegalArgumentException e) {
                throw new ApiException(400, "Invalid " + parameter, parameter + " '" + name + "' is not " + what + "; use one or more of "
                        + Arrays.stream(type.getEnumConstants()).map(Enum::name).collect(Collectors.joining(", ")) + ", separated by commas");
            }
        }
        return names;
    }

    private static Instant instant(String parameter, String value) {
        if (value == null) {
            return null;
        }
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw new ApiException(400, "Invalid " + parameter, parameter + " '" + value + "' is not an ISO-8601 instant; write it like "
                    + "2026-11-21T03:00:00Z (in a URL, an offset's '+' is written %2B, as in 2026-11-21T04:00:00%2B01:00)");
        }
    }

    /** One verification of the history: the evidence a verdict rests on. */
    record VerificationView(UUID jobId, java.time.Instant verifiedAt, String verdict, long restoreMillis, Long sizeBytes, String serverVersion,
            String pgDumpVersion, int tables, long rows, int checksPassed, int checksFailed, List<String> differences,
            List<String> environmentProblems) {
    }

    /** The restore-time trend over the history shown: newest, median and slowest, in milliseconds. */
    record RestoreTimes(long latest, long median, long slowest) {
    }

    record VerificationHistory(String targetId, RestoreTimes restoreMillis, List<VerificationView> verifications) {
    }

    /** A target's verifications, newest first, with the restore-time trend (the measured recovery time). */
    @GetMapping("/targets/{targetId}/verifications")
    VerificationHistory verifications(@PathVariable String targetId, @RequestParam(defaultValue = "30") int limit) {
        if (limit < 1 || limit > 500) {
            throw new ApiException(400, "Invalid limit", "limit must be between 1 and 500, got " + limit);
        }
        TargetId id = parseTarget(targetId);
        List<VerificationView> views = registry.verifiedByTarget(id, limit).stream().map(JobsController::verificationView).toList();
        List<Long> times = views.stream().filter(v -> !"INCONCLUSIVE".equals(v.verdict())).map(VerificationView::restoreMillis).sorted().toList();
        RestoreTimes trend = times.isEmpty() ? null : new RestoreTimes(views.stream().filter(v -> !"INCONCLUSIVE".equals(v.verdict()))
                .findFirst().orElseThrow().restoreMillis(), times.get(times.size() / 2), times.getLast());
        return new VerificationHistory(id.value(), trend, views);
    }

    private static VerificationView verificationView(Job job) {
        Job.Verification v = job.verification();
        var artifact = job.artifact();
        long rows = v.tables().stream().mapToLong(t -> t.foundRows() == null ? 0 : t.foundRows()).sum();
        int passed = (int) v.checks().stream().filter(dev.vigil.contracts.CheckResult::passed).count();
        return new VerificationView(job.jobId(), job.stages().get(JobStatus.VERIFIED), v.verdict(), v.restoreMillis(),
                artifact == null ? null : artifact.sizeBytes(), artifact == null ? null : artifact.serverVersion(),
                artifact == null ? null : artifact.pgDumpVersion(), v.tables().size(), rows, passed, v.checks().size() - passed,
                v.differences(), v.environmentProblems());
    }

    private static JobPage.Position position(PageCursor.Place place) {
        return new JobPage.Position(place.at(), place.id());
    }

    static TargetId parseTarget(String targetId) {
        try {
            return new TargetId(targetId);
        } catch (IllegalArgumentException e) {
            throw new ApiException(400, "Invalid target id", e.getMessage());
        }
    }

    private static TargetView view(Target target) {
        return new TargetView(target.id().value(), target.connection().describe(), target.schedule(), target.timeZone().getId());
    }
}
