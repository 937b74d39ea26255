package dev.vigil.security;

import dev.vigil.contracts.RequestAudited;
import dev.vigil.contracts.Role;
import dev.vigil.messaging.outbox.Outbox;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Records every signed-in request that could change state (POST, PUT, PATCH, DELETE) once it is
 * answered, allowed or not: who, what, when, the status and how long it took, as
 * {@link RequestAudited} through the service's outbox (the scheduler keeps them all as the audit
 * log). A service without a database has no state-changing endpoint; there the record is logged.
 * Requests without a valid token are answered 401 before anything runs, and are not recorded (they
 * would let anyone fill the log); the 401 is logged. Sits in the security chain after the bearer
 * token is read and before access is decided, so a 403 is recorded too.
 */
final class RequestAudit extends OncePerRequestFilter {

    private static final Logger log = LoggerFactory.getLogger(RequestAudit.class);
    private static final Set<String> CHANGING = Set.of("POST", "PUT", "PATCH", "DELETE");

    private final String service;
    private final @Nullable Outbox outbox;
    private final @Nullable TransactionTemplate transactions;
    private final Tracer tracer;

    RequestAudit(String service, @Nullable Outbox outbox, @Nullable TransactionTemplate transactions, Tracer tracer) {
        this.service = service;
        this.outbox = outbox;
        this.transactions = transactions;
        this.tracer = tracer;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (!CHANGING.contains(request.getMethod())) {
            chain.doFilter(request, response);
            return;
        }
        Authentication caller = SecurityContextHolder.getContext().getAuthentication();
        Optional<Role> role = Callers.role(caller);
        long started = System.nanoTime();
        int status = 500;
        try {
            chain.doFilter(request, response);
            status = response.getStatus();
        } finally {
            long millis = (System.nanoTime() - started) / 1_000_000;
            if (role.isPresent()) {
                record(RequestAudited.now(service, caller.getName(), role.get(), request.getMethod(), request.getRequestURI(), status, millis,
                        traceId()));
            } else {
                log.warn("{} {} without a valid access token: {}", request.getMethod(), request.getRequestURI(), response.getStatus());
            }
        }
    }

    private void record(RequestAudited event) {
        log.info("audit: {} ({}) {} {} -> {} {}", event.principal(), event.role(), event.method(), event.path(), event.status(), event.outcome());
        if (outbox == null || transactions == null) {
            return;
        }
        try {
            transactions.executeWithoutResult(status -> outbox.append(service, event));
        } catch (RuntimeException e) {
            // The request is answered already; losing its record must be loud, never hidden.
            log.error("could not record {} {} by {} in the audit log: {}", event.method(), event.path(), event.principal(), e.toString());
        }
    }

    private @Nullable String traceId() {
        Span span = tracer.currentSpan();
        return span == null ? null : span.context().traceId();
    }
}
