package dev.vigil.storage.intake;

import dev.vigil.contracts.Role;
import dev.vigil.security.AccessRule;
import dev.vigil.security.Callers;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /api/v1/intakes}: registers a dump made outside Vigil against a job (the scheduler calls
 * it for the operator's report, with the operator's token). 202 with what was accepted, or a problem
 * (RFC 9457) saying what is wrong and what to do; a refused request records nothing.
 */
@RestController
@RequestMapping("/api/v1/intakes")
class IntakeController {

    private final IntakeService intakes;

    IntakeController(IntakeService intakes) {
        this.intakes = intakes;
    }

    /** Registering a dump stores a backup of a target: an operator's right, as taking one is. */
    @Configuration(proxyBeanMethods = false)
    static class Rules {

        @Bean
        AccessRule intakesNeedAnOperator() {
            return AccessRule.post("/api/v1/intakes", Role.OPERATOR);
        }
    }

    @PostMapping
    ResponseEntity<?> register(@RequestBody(required = false) IntakeService.Request request) throws InterruptedException {
        if (request == null) {
            return problem(400, "the body must be JSON: {\"jobId\": \"<uuid>\", \"targetId\": \"<target>\", \"url\": \"s3://<bucket>/<key> or "
                    + "https://…\", \"sha256\": \"<optional lower-case hex>\"}");
        }
        try {
            return ResponseEntity.status(HttpStatus.ACCEPTED).body(intakes.accept(request, Callers.name().orElse(null)));
        } catch (IntakeRefused e) {
            return problem(e.status(), e.getMessage());
        }
    }

    private static ResponseEntity<ProblemDetail> problem(int status, String detail) {
        return ResponseEntity.status(status).body(ProblemDetail.forStatusAndDetail(HttpStatus.valueOf(status), detail));
    }
}
