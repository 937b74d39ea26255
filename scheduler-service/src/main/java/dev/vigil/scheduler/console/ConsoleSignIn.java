package dev.vigil.scheduler.console;

import dev.vigil.scheduler.access.SessionTokens;
import dev.vigil.scheduler.access.Users;
import dev.vigil.security.BrowserSignIn;
import org.springframework.http.HttpMethod;
import org.springframework.security.authentication.dao.DaoAuthenticationProvider;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.web.csrf.CookieCsrfTokenRepository;
import org.springframework.security.web.savedrequest.HttpSessionRequestCache;
import org.springframework.security.web.csrf.CsrfFilter;
import org.springframework.security.web.csrf.CsrfToken;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Clock;

/**
 * The operations page's sign-in: a username and password (the {@code users} table) on the login
 * form {@link ConsoleController} serves, then a session cookie (HTTP-only, SameSite=Lax) and CSRF protection for
 * everything the page changes (the token in the {@code XSRF-TOKEN} cookie, sent back as
 * {@code X-XSRF-TOKEN}). A request with a bearer token stays stateless and needs no CSRF token.
 * Guessing is slowed down by {@link SignInThrottle}. With {@code vigil.scheduler.oidc.issuer-uri}
 * set, the page also signs in with that OpenID Connect provider ({@link ProviderSignIn}) into the
 * same kind of session.
 */
@Component
class ConsoleSignIn implements BrowserSignIn {

    static final String PAGE = "/admin/operations";

    private final Users users;
    private final SessionTokens sessionTokens;
    private final OidcProperties oidc;

    ConsoleSignIn(Users users, SessionTokens sessionTokens, OidcProperties oidc) {
        this.users = users;
        this.sessionTokens = sessionTokens;
        this.oidc = oidc;
    }

    @Override
    public String loginPage() {
        return "/login";
    }

    @Override
    public void configure(HttpSecurity http) throws Exception {
        DaoAuthenticationProvider passwords = new DaoAuthenticationProvider(users);
        passwords.setPasswordEncoder(users.passwordEncoder());
        http.authenticationProvider(new SignInThrottle(passwords, Clock.systemUTC()))
                .sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.IF_REQUIRED))
                .requestCache(cache -> cache.requestCache(new HttpSessionRequestCache()))
                .csrf(csrf -> csrf.spa().csrfTokenRepository(CookieCsrfTokenRepository.withHttpOnlyFalse())
                        // CSRF needs ambient credentials: a bearer token is none, and a request without a session has none
                        // (it gets its 401); the login form is checked all the same.
                        .ignoringRequestMatchers(request -> request.getHeader("Authorization") != null
                                || request.getSession(false) == null && !"/login".equals(request.getServletPath())))
                // The page reads its CSRF token from the cookie: load it on every request, so the cookie is there
                // after signing in (which replaces the token) and before the page's first change.
                .addFilterAfter(new OncePerRequestFilter() {
                    @Override
                    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
                            throws ServletException, IOException {
                        CsrfToken token = (CsrfToken) request.getAttribute(CsrfToken.class.getName());
                        if (token != null) {
                            token.getToken();
                        }
                        chain.doFilter(request, response);
                    }
                }, CsrfFilter.class)
                // The sign-in page answers everyone, whatever it says (a refusal, signed out); permitAll below covers two of its addresses only.
                .authorizeHttpRequests(requests -> requests.requestMatchers(HttpMethod.GET, "/login").permitAll())
                // Always on to the page: the request a browser made before signing in may have been its favicon.
                .formLogin(form -> form.loginPage("/login").defaultSuccessUrl(PAGE, true).permitAll())
                // Signing out also revokes the token the session had for passing requests on to the other services.
                .logout(logout -> logout.addLogoutHandler((request, response, caller) -> sessionTokens.revoke(request.getSession(false),
                                caller == null ? "sign-out" : caller.getName()))
                        .logoutSuccessUrl("/login?logout").permitAll());
        if (oidc.enabled()) {
            new ProviderSignIn(oidc).configure(http, loginPage(), PAGE);
        }
    }
}
