package dev.vigil.scheduler.console;

import dev.vigil.contracts.Role;
import dev.vigil.security.TokenIntrospector;
import java.io.IOException;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.oauth2.client.oidc.userinfo.OidcUserRequest;
import org.springframework.security.oauth2.client.oidc.userinfo.OidcUserService;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.security.oauth2.client.registration.ClientRegistrations;
import org.springframework.security.oauth2.client.userinfo.OAuth2UserService;
import org.springframework.security.oauth2.client.web.HttpSessionOAuth2AuthorizedClientRepository;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.oidc.user.DefaultOidcUser;
import org.springframework.security.oauth2.core.oidc.user.OidcUser;
import org.springframework.security.web.DefaultRedirectStrategy;
import org.springframework.security.web.authentication.AuthenticationFailureHandler;

/**
 * The page's sign-in with an OpenID Connect provider (authorization code flow), beside the password
 * form: Spring Security checks the ID token (signature against the provider's keys, issuer,
 * audience, expiry, nonce); this class turns the person it names into a page user with exactly the
 * authorities a password user of their role has ({@link TokenIntrospector#authorities}), named by
 * the username claim. Someone the claims give no role is refused and no session is signed in.
 * The provider's settings are read on the first sign-in with it (and again after a failure), so the
 * scheduler starts, and its password sign-in works, while the provider is away. Thread-safe.
 */
final class ProviderSignIn {

    /** The registration's id: the redirect URI to register at the provider is {@code <page's address>/login/oauth2/code/oidc}. */
    static final String REGISTRATION_ID = "oidc";
    /** Where the page's link starts the sign-in. */
    static final String START = "/oauth2/authorization/" + REGISTRATION_ID;
    static final String NO_ROLE = "vigil_no_role";
    static final String NO_NAME = "vigil_no_name";

    private static final Logger log = LoggerFactory.getLogger(ProviderSignIn.class);

    private final OidcProperties properties;
    private final ProviderClaims claims;
    private final Registration registration;

    ProviderSignIn(OidcProperties properties) {
        this.properties = properties;
        this.claims = new ProviderClaims(properties);
        this.registration = new Registration(properties);
    }

    /** Adds the provider's sign-in to the page's chain: on success to {@code page}, as the password form does. */
    void configure(HttpSecurity http, String loginPage, String page) throws Exception {
        log.info("the page also signs in with the OpenID Connect provider {} (client {}, role claim {}, default role {})",
                properties.issuerUri(), properties.clientId(), claims.roleClaim(), properties.defaultRole() == null ? "none" : properties.defaultRole());
        OidcUserService provided = new OidcUserService();
        http.oauth2Login(login -> login.loginPage(loginPage)
                .clientRegistrationRepository(registration)
                // Kept in the session, so it goes with it (the default keeps every user's in memory for good).
                .authorizedClientRepository(new HttpSessionOAuth2AuthorizedClientRepository())
                .userInfoEndpoint(userInfo -> userInfo.oidcUserService(request -> pageUser(provided, request)))
                .defaultSuccessUrl(page, true)
                .failureHandler(refused(loginPage)));
    }

    private OidcUser pageUser(OAuth2UserService<OidcUserRequest, OidcUser> provided, OidcUserRequest request) {
        OidcUser user = provided.loadUser(request);
        Map<String, Object> said = user.getClaims();
        Optional<String> nameClaim = claims.usernameClaim(said);
        if (nameClaim.isEmpty()) {
            throw new OAuth2AuthenticationException(new OAuth2Error(NO_NAME,
                    "the provider named nobody Vigil can record in " + properties.usernameClaim() + ", email or sub", null));
        }
        String name = String.valueOf(said.get(nameClaim.get()));
        Role role = claims.role(said).orElseThrow(() -> new OAuth2AuthenticationException(new OAuth2Error(NO_ROLE,
                name + " has no role in the claim " + claims.roleClaim() + " and there is no default role", null)));
        log.info("{} signed in to the page with the OpenID Connect provider as {}", name, role);
        return new DefaultOidcUser(TokenIntrospector.authorities(role), user.getIdToken(), user.getUserInfo(), nameClaim.get());
    }

    /** Back to the sign-in page, which says why: no role (and which claim gives one), no name, or the provider's failure. */
    private static AuthenticationFailureHandler refused(String loginPage) {
        DefaultRedirectStrategy redirect = new DefaultRedirectStrategy();
        return (request, response, exception) -> {
            String code = exception instanceof OAuth2AuthenticationException oauth ? oauth.getError().getErrorCode() : "";
            log.info("sign-in with the OpenID Connect provider refused: {}", describe(exception));
            String reason = switch (code) {
                case NO_ROLE -> "norole";
                case NO_NAME -> "noname";
                default -> "provider";
            };
            redirect.sendRedirect(request, response, loginPage + "?" + reason);
        };
    }

    private static String describe(AuthenticationException exception) {
        if (exception instanceof OAuth2AuthenticationException oauth && oauth.getError().getDescription() != null) {
            return oauth.getError().getErrorCode() + ": " + oauth.getError().getDescription();
        }
        return exception.getMessage();
    }

    /** The one client registration, built from the provider's discovery document when first needed. */
    private static final class Registration implements ClientRegistrationRepository {

        private final OidcProperties properties;
        private volatile @Nullable ClientRegistration found;

        Registration(OidcProperties properties) {
            this.properties = properties;
        }

        @Override
        public @Nullable ClientRegistration findByRegistrationId(String registrationId) {
            if (!REGISTRATION_ID.equals(registrationId)) {
                return null;
            }
            ClientRegistration known = found;
            if (known != null) {
                return known;
            }
            synchronized (this) {
                if (found == null) {
                    try {
                        found = ClientRegistrations.fromIssuerLocation(properties.issuerUri()).registrationId(REGISTRATION_ID)
                                .clientId(properties.clientId()).clientSecret(properties.clientSecret())
                                .scope("openid", "profile", "email").clientName(properties.displayName()).build();
                        log.info("read the settings of the OpenID Connect provider {}", properties.issuerUri());
                    } catch (RuntimeException e) {
                        log.warn("could not read the settings of the OpenID Connect provider {}: {}; signing in with it fails until it answers",
                                properties.issuerUri(), e.getMessage());
                        return null;
                    }
                }
                return found;
            }
        }
    }
}
