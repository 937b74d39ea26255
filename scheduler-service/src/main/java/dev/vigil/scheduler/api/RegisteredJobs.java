package dev.vigil.scheduler.api;

import dev.vigil.contracts.EventLimits;
import dev.vigil.contracts.JobId;
import dev.vigil.contracts.Role;
import dev.vigil.contracts.TargetId;
import dev.vigil.contracts.Trigger;
import dev.vigil.contracts.Urls;
import dev.vigil.contracts.json.EventJson;
import dev.vigil.scheduler.job.Job;
import dev.vigil.scheduler.job.JobRegistry;
import dev.vigil.scheduler.job.JobStatus;
import dev.vigil.security.AccessRule;
import dev.vigil.security.Callers;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/**
 * Dumps made outside Vigil (a CI job, a managed database's export), registered against a job:
 * {@code POST /api/v1/jobs} queues a job no worker takes; its runner then reports it once with
 * {@code PATCH /api/v1/jobs/{jobId}}: {@code {"status": "success", "artifactUrl": "s3://bucket/key"}} (the
 * storage service fetches, checks and stores it, the verifier restores it) or {@code {"status": "failed",
 * "reason": "..."}} (the job ends FAILED and alerts). Operators may do both.
 */
@RestController
@RequestMapping("/api/v1")
class RegisteredJobs {

    private static final String SUCCESS_EXAMPLE = "{\"status\": \"success\", \"artifactUrl\": \"s3://bucket/incoming/billing.dump\"}";
    private static final String FAILED_EXAMPLE = "{\"status\": \"failed\", \"reason\": \"pg_dump: error: connection refused\"}";
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
    /** The longest reason a runner may give. */
    static final int REASON = 2_000;

    private final JobRegistry registry;
    private final StorageRelay storage;

    RegisteredJobs(JobRegistry registry, StorageRelay storage) {
        this.registry = registry;
        this.storage = storage;
    }

    @Configuration(proxyBeanMethods = false)
    static class Rules {

        @Bean
        AccessRule registeringNeedsAnOperator() {
            return AccessRule.post("/api/v1/jobs", Role.OPERATOR);
        }

        @Bean
        AccessRule reportingNeedsAnOperator() {
            return new AccessRule(HttpMethod.PATCH, "/api/v1/jobs/{jobId}", Role.OPERATOR);
        }
    }

    record Registered(UUID jobId, String targetId, JobStatus status, String trigger) {
    }

    /** Queues a job for a dump made outside Vigil: {@code {"targetId": "...", "note": "..."}}. */
    @PostMapping("/jobs")
    ResponseEntity<Registered> register(@RequestBody(required = false) @Nullable JsonNode body) {
        Map<String, JsonNode> fields = fields(body, Set.of("targetId", "note"), "{\"targetId\": \"billing-db\", \"note\": \"nightly export\"}",
                "Invalid registration");
        JsonNode target = fields.get("targetId");
        if (target == null || !target.isString()) {
            throw new ApiException(400, "Invalid registration", "targetId is required, a string naming a target (GET /api/v1/targets lists them)");
        }
        TargetId targetId = JobsController.parseTarget(target.asString());
        JsonNode note = fields.get("note");
        if (note != null && !note.isNull() && !note.isString()) {
            throw new ApiException(400, "Invalid note", "note must be a JSON string");
        }
        String checked = note == null || note.isNull() ? null : BackupNote.checked(note.asString());
        JobId jobId = registry.register(targetId, Callers.name().orElse("api"), checked);
        return ResponseEntity.created(URI.create("/api/v1/jobs/" + jobId))
                .body(new Registered(jobId.value(), targetId.value(), JobStatus.REQUESTED, Trigger.REGISTERED.name()));
    }

    record Reported(UUID jobId, String targetId, JobStatus status, @Nullable String artifactUrl) {
    }

    /** The outside runner's report: success with the artifact's URL (and optionally its SHA-256), or failed with why. */
    @PatchMapping("/jobs/{jobId}")
    ResponseEntity<?> report(@PathVariable UUID jobId, @RequestBody(required = false) @Nullable JsonNode body, HttpServletRequest request) {
        Map<String, JsonNode> fields = fields(body, Set.of("status", "artifactUrl", "sha256", "reason"), SUCCESS_EXAMPLE + " or " + FAILED_EXAMPLE,
                "Invalid report");
        String status = text(fields, "status");
        if (!"success".equals(status) && !"failed".equals(status)) {
            throw new ApiException(400, "Invalid report", "status must be \"success\" or \"failed\"" + (status == null ? "" : ", got \"" + status + "\"")
                    + ": " + SUCCESS_EXAMPLE + " or " + FAILED_EXAMPLE);
        }
        Job job = reportable(jobId);
        if ("failed".equals(status)) {
            if (fields.containsKey("artifactUrl") || fields.containsKey("sha256")) {
                throw new ApiException(400, "Invalid report", "a failed report gives a reason, no artifactUrl or sha256: " + FAILED_EXAMPLE);
            }
            String reason = reason(text(fields, "reason"));
            if (!registry.reportFailed(job, reason)) {
                throw reportedAlready(jobId);
            }
            return ResponseEntity.ok(new Reported(jobId, job.targetId(), JobStatus.FAILED, null));
        }
        if (fields.containsKey("reason")) {
            throw new ApiException(400, "Invalid report", "a success report gives artifactUrl (and optionally sha256), no reason: " + SUCCESS_EXAMPLE);
        }
        String url = text(fields, "artifactUrl");
        if (url == null || url.isBlank()) {
            throw new ApiException(400, "Invalid report", "artifactUrl is required for a success: " + SUCCESS_EXAMPLE);
        }
        String shown = shown(url);
        String sha256 = text(fields, "sha256");
        if (sha256 != null && !SHA256.matcher(sha256).matches()) {
            throw new ApiException(400, "Invalid report", "sha256 must be 64 lower-case hex digits (sha256sum prints them), or left out");
        }
        if (!registry.claimReport(jobId, shown)) {
            throw reportedAlready(jobId);
        }
        Map<String, Object> intake = new LinkedHashMap<>();
        intake.put("jobId", jobId);
        intake.put("targetId", job.targetId());
        intake.put("url", url);
        if (sha256 != null) {
            intake.put("sha256", sha256);
        }
        dev.vigil.scheduler.restore.StorageApi.Answer answer;
        try {
            answer = storage.send("POST", "/intakes", request, EventJson.mapper().writeValueAsBytes(intake));
        } catch (ApiException e) {
            registry.releaseReport(jobId);
            throw e;
        }
        if (answer.status() / 100 != 2) {
            // The storage service said what is wrong (unreadable, not a dump, not allowed): nothing was recorded, the runner may report again.
            registry.releaseReport(jobId);
            return StorageRelay.relay(answer);
        }
        return ResponseEntity.accepted().location(URI.create("/api/v1/jobs/" + jobId))
                .body(new Reported(jobId, job.targetId(), JobStatus.DUMPED, shown));
    }

    private Job reportable(UUID jobId) {
        Job job = registry.find(jobId).orElseThrow(() -> new ApiException(404, "Unknown job",
                "no job " + jobId + "; register one with POST /api/v1/jobs {\"targetId\": \"...\"}"));
        if (!Trigger.REGISTERED.name().equals(job.trigger())) {
            throw new ApiException(409, "Not a registered job", "job " + jobId + " is Vigil's own backup (trigger " + job.trigger()
                    + "), not a dump made outside: only a job made with POST /api/v1/jobs is reported");
        }
        if (job.stages().containsKey(JobStatus.DUMPED) || job.failure() != null) {
            throw reportedAlready(jobId);
        }
        return job;
    }

    private static ApiException reportedAlready(UUID jobId) {
        return new ApiException(409, "Reported already", "job " + jobId + " was reported already and its report stands; "
                + "for another dump, register a new job (POST /api/v1/jobs)");
    }

    /** The URL as the job shows it: scheme, host and path, no credentials, query string or fragment (a pre-signed URL's signature). */
    static String shown(String url) {
        URI uri;
        try {
            uri = new URI(url.strip());
        } catch (URISyntaxException e) {
            throw new ApiException(400, "Invalid artifactUrl", "artifactUrl is not a URL (" + e.getReason() + "); give s3://bucket/key or https://host/path");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(java.util.Locale.ROOT);
        if (!scheme.equals("s3") && !scheme.equals("https") || uri.getHost() == null && uri.getAuthority() == null) {
            throw new ApiException(400, "Invalid artifactUrl", "artifactUrl must be s3://bucket/key (an object the storage service can read) or "
                    + "https://host/path; got " + (scheme.isEmpty() ? "no scheme" : "scheme " + scheme));
        }
        String shown = Urls.withoutSecrets(uri);
        if (shown.length() > EventLimits.URL) {
            throw new ApiException(400, "Invalid artifactUrl", "artifactUrl is longer than " + EventLimits.URL + " characters");
        }
        return shown;
    }

    private static String reason(@Nullable String reason) {
        if (reason == null || reason.isBlank()) {
            throw new ApiException(400, "Invalid report", "a failed report says why in reason: " + FAILED_EXAMPLE);
        }
        String oneLine = reason.strip().replaceAll("\\p{Cntrl}+", " ");
        if (oneLine.codePointCount(0, oneLine.length()) > REASON) {
            throw new ApiException(400, "Invalid report", "reason has more than " + REASON + " characters; shorten it (the job and the alert show it)");
        }
        return oneLine;
    }

    private static @Nullable String text(Map<String, JsonNode> fields, String name) {
        JsonNode value = fields.get(name);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isString()) {
            throw new ApiException(400, "Invalid report", name + " must be a JSON string");
        }
        return value.asString();
    }

    private static Map<String, JsonNode> fields(@Nullable JsonNode body, Set<String> allowed, String example, String title) {
        if (body == null || !body.isObject()) {
            throw new ApiException(400, title, "the body must be a JSON object such as " + example);
        }
        Map<String, JsonNode> fields = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> field : body.properties()) {
            if (!allowed.contains(field.getKey())) {
                throw new ApiException(400, title, "the body has an unknown field '" + field.getKey() + "'; it takes " + String.join(", ", allowed.stream()
                        .sorted().toList()) + ", as in " + example);
            }
            fields.put(field.getKey(), field.getValue());
        }
        return fields;
    }
}
