package dev.vigil.security;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import dev.vigil.contracts.json.EventJson;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.http.MediaType;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.oauth2.server.resource.web.BearerTokenAuthenticationEntryPoint;
import org.springframework.security.oauth2.server.resource.web.access.BearerTokenAccessDeniedHandler;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.access.AccessDeniedHandler;

/**
 * 401 and 403 as RFC 9457 problem JSON that say what to do, beside the standard
 * {@code WWW-Authenticate: Bearer} challenge. Never repeats the token.
 */
final class ProblemAnswers implements AuthenticationEntryPoint, AccessDeniedHandler {

    private final BearerTokenAuthenticationEntryPoint challenge = new BearerTokenAuthenticationEntryPoint();
    private final BearerTokenAccessDeniedHandler denied = new BearerTokenAccessDeniedHandler();
    private final @Nullable String loginPage;

    /** @param loginPage where a browser asking for a page without being signed in is sent; null: nowhere, a 401 */
    ProblemAnswers(@Nullable String loginPage) {
        this.loginPage = loginPage;
    }

    @Override
    public void commence(HttpServletRequest request, HttpServletResponse response, AuthenticationException failure) throws IOException {
        if (loginPage != null && isPageRequest(request)) {
            response.sendRedirect(request.getContextPath() + loginPage);
            return;
        }
        challenge.commence(request, response, failure);
        boolean tokenGiven = request.getHeader("Authorization") != null;
        write(response, 401, "Sign-in required", tokenGiven
                ? "the access token was refused: " + failure.getMessage()
                : "send an access token: Authorization: Bearer vigil_<id>.<secret> (an admin creates one with POST /api/v1/tokens; "
                        + "./vigil dev writes one for its admin at start-up)", request);
    }

    @Override
    public void handle(HttpServletRequest request, HttpServletResponse response, AccessDeniedException failure) throws IOException {
        denied.handle(request, response, failure);
        write(response, 403, "Not allowed", "your role may not " + request.getMethod() + " " + request.getRequestURI()
                + "; an admin can give you a token with the role it needs", request);
    }

    /** A browser navigating (GET, asking for HTML, no bearer token), not a program calling the API. */
    private static boolean isPageRequest(HttpServletRequest request) {
        String accept = request.getHeader("Accept");
        return "GET".equals(request.getMethod()) && request.getHeader("Authorization") == null && accept != null && accept.contains("text/html")
                && !request.getRequestURI().startsWith("/api/");
    }

    private static void write(HttpServletResponse response, int status, String title, String detail, HttpServletRequest request)
            throws IOException {
        Map<String, Object> problem = new LinkedHashMap<>();
        problem.put("type", "about:blank");
        problem.put("title", title);
        problem.put("status", status);
        problem.put("detail", detail);
        problem.put("instance", request.getRequestURI());
        response.setStatus(status);
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        response.getOutputStream().write(EventJson.mapper().writeValueAsBytes(problem));
    }
}
