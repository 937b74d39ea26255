package dev.vigil.security;

import org.springframework.security.config.annotation.web.builders.HttpSecurity;

/**
 * A service that serves pages to people adds a sign-in for browsers beside the bearer tokens (a
 * login form, a session, CSRF protection for it) as a bean of this type: the shared chain applies it
 * before its own rules, and sends a browser that is not signed in to {@link #loginPage()} instead of
 * answering 401. Requests carrying a bearer token stay stateless and need no CSRF token.
 */
public interface BrowserSignIn {

    /** Where a browser that is not signed in is sent. */
    String loginPage();

    /** Adds the browser's sign-in to the chain; its rules come before the shared ones. */
    void configure(HttpSecurity http) throws Exception;
}
