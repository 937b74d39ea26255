package dev.vigil.scheduler.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.contracts.Role;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProviderClaimsTest {

    private final ProviderClaims claims = new ProviderClaims("vigil_role", null, "preferred_username");

    @Test
    void theRoleClaimIsReadInAnyCaseAndTheHighestOfAListCounts() {
        assertThat(claims.role(Map.of("vigil_role", "operator"))).contains(Role.OPERATOR);
        assertThat(claims.role(Map.of("vigil_role", List.of("Viewer", "ADMIN", "operator")))).contains(Role.ADMIN);
        assertThat(claims.role(Map.of("vigil_role", List.of("auditor", " viewer ")))).contains(Role.VIEWER);
    }

    @Test
    void withoutAKnownRoleSomeoneHasNoneUnlessThereIsADefault() {
        assertThat(claims.role(Map.of("sub", "nemo"))).isEmpty();
        assertThat(claims.role(Map.of("vigil_role", List.of("superuser")))).isEmpty();
        assertThat(new ProviderClaims("vigil_role", Role.VIEWER, "preferred_username").role(Map.of("sub", "nemo"))).contains(Role.VIEWER);
        assertThat(new ProviderClaims("vigil_role", Role.VIEWER, "preferred_username").role(Map.of("vigil_role", "ADMIN"))).contains(Role.ADMIN);
    }

    @Test
    void aDottedRoleClaimReachesIntoAnObjectClaim() {
        ProviderClaims keycloak = new ProviderClaims("realm_access.roles", null, "preferred_username");

        assertThat(keycloak.role(Map.of("realm_access", Map.of("roles", List.of("offline_access", "operator"))))).contains(Role.OPERATOR);
    }

    @Test
    void theNameComesFromTheUsernameClaimThenEmailThenSubjectWhicheverIsARecordableName() {
        assertThat(claims.usernameClaim(Map.of("preferred_username", "olga", "email", "olga@example.org", "sub", "1234"))).contains("preferred_username");
        assertThat(claims.usernameClaim(Map.of("email", "olga@example.org", "sub", "1234"))).contains("email");
        assertThat(claims.usernameClaim(Map.of("preferred_username", "olga\nadmin", "sub", "1234"))).contains("sub");
        assertThat(claims.usernameClaim(Map.of("sub", "x".repeat(101)))).isEmpty();
    }
}
