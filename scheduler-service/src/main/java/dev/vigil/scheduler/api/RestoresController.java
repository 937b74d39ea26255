package dev.vigil.scheduler.api;

import dev.vigil.contracts.JobId;
import dev.vigil.contracts.TargetId;
import dev.vigil.scheduler.restore.Restores;
import dev.vigil.security.Callers;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Restores (an admin's: recorded here, carried out by the verifier) and each target's retention and
 * legal holds (the storage service's, passed on with the caller's token), through the one API.
 */
@RestController
@RequestMapping("/api/v1")
class RestoresController {

    /** A PostgreSQL identifier as the verifier accepts it for a database: what createdb takes without quoting surprises. */
    private static final Pattern DATABASE = Pattern.compile("[A-Za-z_][A-Za-z0-9_$-]{0,62}");
    /** schema.table, split at the first dot; either name may hold spaces or capitals, as quoted identifiers do. */
    private static final Pattern QUALIFIED_TABLE = Pattern.compile("[^.\\p{Cntrl}]{1,63}\\.[^\\p{Cntrl}]{1,63}");

    private final Restores restores;
    private final StorageRelay relay;

    RestoresController(Restores restores, StorageRelay relay) {
        this.restores = restores;
        this.relay = relay;
    }

    record NewRestore(@Nullable UUID jobId, @Nullable String server, @Nullable String database, @Nullable Boolean clean,
            @Nullable List<String> schemas, @Nullable List<String> tables) {
    }

    record Accepted(UUID restoreId, String targetId, String status) {
    }

    @PostMapping("/targets/{targetId}/restores")
    ResponseEntity<Accepted> restore(@PathVariable String targetId, @RequestBody(required = false) @Nullable NewRestore body) {
        TargetId target = JobsController.parseTarget(targetId);
        if (body == null || body.database() == null || !DATABASE.matcher(body.database()).matches()) {
            throw new ApiException(400, "Invalid database", "name the database to restore into: {\"database\": \"shop_restored\"}, 1 to 63 letters, "
                    + "digits, _, $ or -, not starting with a digit; got " + (body == null ? "no body" : body.database()));
        }
        List<String> tables = body.tables() == null ? List.of() : body.tables();
        List<String> schemas = body.schemas() == null ? List.of() : body.schemas();
        for (String table : tables) {
            if (table == null || !QUALIFIED_TABLE.matcher(table).matches()) {
                throw new ApiException(400, "Invalid table", "tables are schema.table, e.g. public.orders; got " + table);
            }
        }
        if (tables.size() > 1000 || schemas.size() > 1000) {
            throw new ApiException(400, "Too many names", "name at most 1,000 tables and 1,000 schemas; leave both out to restore everything");
        }
        if (schemas.stream().anyMatch(s -> s == null || s.isBlank() || s.length() > 63)) {
            throw new ApiException(400, "Invalid schema", "schemas are names of 1 to 63 characters; got " + schemas);
        }
        String by = Callers.name().orElse("api");
        UUID restoreId = restores.request(new Restores.Request(target, body.jobId() == null ? null : new JobId(body.jobId()), body.server(),
                body.database(), Boolean.TRUE.equals(body.clean()), schemas, tables, by));
        return ResponseEntity.accepted().location(URI.create("/api/v1/restores/" + restoreId)).body(new Accepted(restoreId, target.value(), "REQUESTED"));
    }

    @GetMapping("/restores/{restoreId}")
    Restores.Restore one(@PathVariable UUID restoreId) {
        return restores.find(restoreId).orElseThrow(() -> new ApiException(404, "Unknown restore",
                "no restore " + restoreId + "; list them with GET /api/v1/restores?targetId=..."));
    }

    @GetMapping("/restores")
    Map<String, List<Restores.Restore>> list(@RequestParam(required = false) @Nullable String targetId, @RequestParam(defaultValue = "50") int limit) {
        if (limit < 1 || limit > 500) {
            throw new ApiException(400, "Invalid limit", "limit must be between 1 and 500, got " + limit);
        }
        return Map.of("restores", restores.list(targetId == null ? null : JobsController.parseTarget(targetId), limit));
    }

    /** The target's retention as the storage service plans it: kept, would delete, why, holds. */
    @GetMapping("/targets/{targetId}/retention")
    ResponseEntity<byte[]> retention(@PathVariable String targetId, HttpServletRequest request) {
        return passOn("GET", "/targets/" + JobsController.parseTarget(targetId).value() + "/retention", request);
    }

    @PutMapping("/backups/{jobId}/legal-hold")
    ResponseEntity<byte[]> hold(@PathVariable UUID jobId, HttpServletRequest request) {
        return passOn("PUT", "/backups/" + jobId + "/legal-hold", request);
    }

    @DeleteMapping("/backups/{jobId}/legal-hold")
    ResponseEntity<byte[]> release(@PathVariable UUID jobId, HttpServletRequest request) {
        return passOn("DELETE", "/backups/" + jobId + "/legal-hold", request);
    }

    private ResponseEntity<byte[]> passOn(String method, String path, HttpServletRequest request) {
        return StorageRelay.relay(relay.send(method, path, request, null));
    }
}
