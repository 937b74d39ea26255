package dev.vigil.notifier.incident;

import dev.vigil.contracts.Role;
import dev.vigil.security.AccessRule;
import dev.vigil.security.Callers;
import dev.vigil.notifier.IncidentKind;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/**
 * The incidents API: {@code GET /api/v1/incidents?state=open&target=&kind=&limit=}, {@code GET
 * /api/v1/incidents/{id}}, {@code POST /api/v1/incidents/{id}/acknowledge} with an optional {@code {"note": ...}} (an operator; who acknowledges is who signed in).
 */
@RestController
@RequestMapping("/api/v1/incidents")
class IncidentsController {

    private final Incidents incidents;

    IncidentsController(Incidents incidents) {
        this.incidents = incidents;
    }

    @GetMapping
    List<Incident> list(@RequestParam(defaultValue = "all") String state, @RequestParam(required = false) String target,
            @RequestParam(required = false) String kind, @RequestParam(defaultValue = "100") int limit) {
        String stateFilter = switch (state.toLowerCase(Locale.ROOT)) {
            case "open" -> "OPEN";
            case "resolved" -> "RESOLVED";
            case "all" -> null;
            default -> throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "state must be open, resolved or all, got: " + state);
        };
        IncidentKind kindFilter = null;
        if (kind != null) {
            try {
                kindFilter = IncidentKind.valueOf(kind.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "kind must be one of " + List.of(IncidentKind.values()) + ", got: " + kind);
            }
        }
        if (limit < 1 || limit > 1_000) {
            throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "limit must be from 1 to 1000, got: " + limit);
        }
        return incidents.list(stateFilter, target, kindFilter, limit);
    }

    @GetMapping("/{id}")
    Incident one(@PathVariable String id) {
        return incidents.find(uuid(id)).orElseThrow(() -> notFound(id));
    }

    /** Optionally why, or what they do about it; who acknowledges is who signed in. */
    record Acknowledgement(String note) {
    }

    /** Who may do what here; reads need a viewer, anything not named an admin. */
    @org.springframework.context.annotation.Configuration(proxyBeanMethods = false)
    static class Rules {

        @org.springframework.context.annotation.Bean
        AccessRule acknowledgingNeedsAnOperator() {
            return AccessRule.post("/api/v1/incidents/{id}/acknowledge", Role.OPERATOR);
        }
    }

    @PostMapping("/{id}/acknowledge")
    Incident acknowledge(@PathVariable String id, @RequestBody(required = false) Acknowledgement body) {
        UUID incidentId = uuid(id);
        String by = Callers.name().orElseThrow(() -> new ResponseStatusException(HttpStatus.UNAUTHORIZED, "sign in to acknowledge"));
        String note = body == null ? null : body.note();
        if (note != null && note.length() > 2_000) {
            throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "note is longer than 2,000 characters");
        }
        Incident incident = incidents.find(incidentId).orElseThrow(() -> notFound(id));
        if (!"OPEN".equals(incident.state())) {
            throw new ResponseStatusException(HttpStatus.CONFLICT, "incident " + id + " is already resolved (" + incident.resolution() + ")");
        }
        return incidents.acknowledge(incidentId, by, note).orElseThrow(
                () -> new ResponseStatusException(HttpStatus.CONFLICT, "incident " + id + " was resolved meanwhile"));
    }

    private static UUID uuid(String id) {
        try {
            return UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "an incident id is a UUID, got: " + id);
        }
    }

    private static ResponseStatusException notFound(String id) {
        return new ResponseStatusException(HttpStatus.NOT_FOUND, "no incident " + id + "; list them at /api/v1/incidents?state=open");
    }
}
