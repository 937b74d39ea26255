package dev.vigil.scheduler.api;

import dev.vigil.contracts.Role;
import dev.vigil.scheduler.access.Users;
import dev.vigil.scheduler.job.JobOutcome;
import dev.vigil.scheduler.job.JobRegistry;
import dev.vigil.scheduler.target.Target;
import dev.vigil.scheduler.target.TargetList;
import dev.vigil.security.Callers;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.springframework.http.ResponseEntity;
import org.springframework.scheduling.support.CronExpression;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * What the operations page reads at a glance (every target's health and trends in one answer) and
 * the page's users, who sign in with a password (an admin's business).
 */
@RestController
@RequestMapping("/api/v1")
class ConsoleApi {

    /** The notifier's default freshness limit (VIGIL_NOTIFIER_FRESHNESS_LIMIT), for targets that set none. */
    static final Duration DEFAULT_FRESHNESS = Duration.ofHours(25);
    private static final int TREND = 30;
    private static final Pattern USERNAME = Pattern.compile("[a-z0-9][a-z0-9._@-]{0,63}");

    private final TargetList targets;
    private final JobRegistry registry;
    private final Users users;

    ConsoleApi(TargetList targets, JobRegistry registry, Users users) {
        this.targets = targets;
        this.registry = registry;
        this.users = users;
    }

    /** One finished backup in a trend. */
    record Point(String jobId, String status, @Nullable Instant at, @Nullable Long sizeBytes, @Nullable Long restoreMillis) {
    }

    /**
     * A target at a glance. {@code health}: {@code green} verified within 80% of its freshness limit,
     * {@code amber} within the limit, {@code red} past it or never verified.
     */
    record TargetHealth(String targetId, String connection, String schedule, String timeZone, Map<String, String> labels,
            @Nullable Instant nextRun, long freshnessLimitSeconds, @Nullable Instant lastVerifiedAt, @Nullable Long ageSeconds, String health,
            @Nullable String lastStatus, @Nullable String lastVerdict, List<Point> recent) {
    }

    @GetMapping("/overview")
    Map<String, Object> overview() {
        Instant now = Instant.now();
        Map<String, List<JobOutcome>> recent = registry.recentOutcomes(TREND).stream().collect(Collectors.groupingBy(JobOutcome::targetId));
        Map<String, Instant> lastPassed = registry.lastPassed();
        List<TargetHealth> health = targets.all().stream().sorted(Comparator.comparing(t -> t.id().value())).map(target -> {
            String id = target.id().value();
            List<JobOutcome> outcomes = recent.getOrDefault(id, List.of());
            Duration limit = target.monitoring().freshnessLimit(DEFAULT_FRESHNESS);
            Instant verified = lastPassed.get(id);
            Long age = verified == null ? null : Duration.between(verified, now).toSeconds();
            String colour = age == null || age > limit.toSeconds() ? "red" : age > limit.toSeconds() * 8 / 10 ? "amber" : "green";
            JobOutcome last = outcomes.isEmpty() ? null : outcomes.getLast();
            return new TargetHealth(id, target.connection().describe(), target.schedule(), target.timeZone().getId(), target.labels(),
                    nextRun(target, now), limit.toSeconds(), verified, age, colour, last == null ? null : last.status().name(),
                    last == null ? null : last.verdict(), outcomes.stream().map(o -> new Point(o.jobId().toString(), o.status().name(), o.finishedAt(),
                            o.sizeBytes(), o.restoreMillis())).toList());
        }).toList();
        return Map.of("at", now, "targets", health);
    }

    private static @Nullable Instant nextRun(Target target, Instant now) {
        ZonedDateTime next = CronExpression.parse(target.schedule()).next(now.atZone(target.timeZone()));
        return next == null ? null : next.toInstant();
    }

    record NewUser(@Nullable String username, @Nullable String password, @Nullable String role) {
    }

    @PostMapping("/users")
    ResponseEntity<Users.UserView> createUser(@RequestBody(required = false) @Nullable NewUser request) {
        if (request == null || request.username() == null || !USERNAME.matcher(request.username()).matches()) {
            throw new ApiException(400, "Invalid username", "a username is 1 to 64 lower-case letters, digits, . _ @ -, starting with a letter "
                    + "or digit, e.g. {\"username\": \"alice\", \"password\": \"…\", \"role\": \"OPERATOR\"}");
        }
        if (request.password() == null || request.password().length() < 12 || request.password().length() > 200) {
            throw new ApiException(400, "Invalid password", "a password has 12 to 200 characters");
        }
        Role role;
        try {
            role = Role.valueOf(String.valueOf(request.role()));
        } catch (IllegalArgumentException e) {
            throw new ApiException(400, "Invalid role", "role must be one of " + Arrays.toString(Role.values()) + ", got " + request.role());
        }
        Users.UserView created = users.create(request.username(), request.password(), role, Callers.name().orElse("api"))
                .orElseThrow(() -> new ApiException(409, "Username taken", "a user named " + request.username() + " exists; choose another name"));
        return ResponseEntity.created(URI.create("/api/v1/users/" + created.username())).body(created);
    }

    @GetMapping("/users")
    Map<String, List<Users.UserView>> users() {
        return Map.of("users", users.all());
    }

    @DeleteMapping("/users/{username}")
    Users.UserView disable(@PathVariable String username) {
        return users.disable(username, Callers.name().orElse("api")).orElseThrow(() -> new ApiException(404, "Unknown user",
                "no user " + username + "; list them with GET /api/v1/users"));
    }
}
