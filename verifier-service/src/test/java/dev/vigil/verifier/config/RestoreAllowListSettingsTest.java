package dev.vigil.verifier.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.verifier.VerifierProperties;
import dev.vigil.verifier.VerifierProperties.RestoreRule;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

/** The restore allow-list reads as the canvas and docs say: from YAML-style properties and from environment variables. */
class RestoreAllowListSettingsTest {

    private static VerifierProperties bind(org.springframework.core.env.PropertySource<?> source) {
        return new Binder(ConfigurationPropertySources.from(source)).bind("vigil.verifier", VerifierProperties.class).get();
    }

    @Test
    void rulesReadFromEnvironmentVariablesWithCommaSeparatedDatabases() {
        VerifierProperties settings = bind(new SystemEnvironmentPropertySource(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, Map.of(
                "VIGIL_VERIFIER_RESTOREALLOWLIST_0_TARGET", "orders-db",
                "VIGIL_VERIFIER_RESTOREALLOWLIST_0_SERVER", "staging",
                "VIGIL_VERIFIER_RESTOREALLOWLIST_0_DATABASES", "orders_restored,orders_*_copy",
                "VIGIL_VERIFIER_RESTOREALLOWLIST_1_TARGET", "*",
                "VIGIL_VERIFIER_RESTOREALLOWLIST_1_DATABASES", "scratch_*")));

        assertThat(settings.restoreAllowList()).containsExactly(
                new RestoreRule("orders-db", "staging", List.of("orders_restored", "orders_*_copy")),
                new RestoreRule("*", null, List.of("scratch_*")));
    }

    @Test
    void rulesReadFromPropertiesAndNoneMeansAnEmptyList() {
        VerifierProperties settings = bind(new MapPropertySource("yaml", Map.of(
                "vigil.verifier.restore-allow-list[0].target", "orders.db",
                "vigil.verifier.restore-allow-list[0].databases[0]", "orders_restored")));

        assertThat(settings.restoreAllowList()).containsExactly(new RestoreRule("orders.db", null, List.of("orders_restored")));
        assertThat(bind(new MapPropertySource("none", Map.of("vigil.verifier.region", "eu-west-1"))).restoreAllowList()).isEmpty();
    }
}
