package dev.vigil.scheduler.console;

import dev.vigil.contracts.Role;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The operations page's sign-in with an OpenID Connect provider ({@code vigil.scheduler.oidc.*}),
 * besides the password form. Without an issuer the page signs in with passwords only and nothing
 * of OAuth 2 is set up.
 *
 * @param issuerUri     the provider's issuer, as its ID tokens name it (its settings are read from
 *                      {@code <issuer>/.well-known/openid-configuration}); empty: no provider sign-in
 * @param clientId      the client registered at the provider for the page
 * @param clientSecret  its secret, given by reference ({@code VIGIL_OIDC_CLIENT_SECRET}); never logged
 * @param displayName   how the page's sign-in link names the provider ("Sign in with …")
 * @param roleClaim     the claim giving the role: VIEWER, OPERATOR or ADMIN in any case, or a list
 *                      holding them (the highest counts); a dotted name reaches into an object claim
 * @param defaultRole   the role of someone whose claims name none; empty: they are refused
 * @param usernameClaim the claim naming the person in Vigil (jobs, the audit log); {@code email},
 *                      then {@code sub}, when it is missing
 */
@ConfigurationProperties("vigil.scheduler.oidc")
record OidcProperties(
        @Nullable String issuerUri,
        @Nullable String clientId,
        @Nullable String clientSecret,
        @DefaultValue("your identity provider") String displayName,
        @DefaultValue("vigil_role") String roleClaim,
        @Nullable Role defaultRole,
        @DefaultValue("preferred_username") String usernameClaim) {

    OidcProperties {
        displayName = blank(displayName) ? "your identity provider" : displayName.strip();
        roleClaim = blank(roleClaim) ? "vigil_role" : roleClaim.strip();
        usernameClaim = blank(usernameClaim) ? "preferred_username" : usernameClaim.strip();
        if (!blank(issuerUri) && blank(clientId)) {
            throw new IllegalArgumentException("vigil.scheduler.oidc.issuer-uri is set, so the page signs in with that provider: "
                    + "set vigil.scheduler.oidc.client-id (VIGIL_OIDC_CLIENT_ID) to the client registered there for Vigil, "
                    + "or empty the issuer to sign in with passwords only");
        }
    }

    /** Whether the page offers the provider's sign-in. */
    boolean enabled() {
        return !blank(issuerUri);
    }

    private static boolean blank(@Nullable String value) {
        return value == null || value.isBlank();
    }

    @Override
    public String toString() {
        // The client secret never leaves in a log line or an error report.
        return "OidcProperties[issuerUri=" + issuerUri + ", clientId=" + clientId + ", clientSecret=" + (blank(clientSecret) ? "none" : "(set)")
                + ", displayName=" + displayName + ", roleClaim=" + roleClaim + ", defaultRole=" + defaultRole
                + ", usernameClaim=" + usernameClaim + "]";
    }
}
