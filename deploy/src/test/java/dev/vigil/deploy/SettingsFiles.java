package dev.vigil.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * Reads the services' settings files from the source tree, for the tests that keep files outside the
 * services (compose, canvases) true to them: {@code <service>/src/main/resources/<service>.yml} and
 * the shared {@code event-messaging/src/main/resources/vigil-common.yml}; and any YAML file in the
 * tree (docker-compose.yml, the targets file) the same way, duplicate keys refused. Stateless.
 */
final class SettingsFiles {

    private SettingsFiles() {
    }

    /** The repository root: Surefire runs in the module directory and sets basedir to it. */
    static Path repositoryRoot() {
        Path module = Path.of(System.getProperty("basedir", ".")).toAbsolutePath().normalize();
        return module.getParent();
    }

    static Path serviceSettings(Path root, String service) {
        return root.resolve(service).resolve("src/main/resources").resolve(service + ".yml");
    }

    static Path commonSettings(Path root) {
        return root.resolve("event-messaging/src/main/resources/vigil-common.yml");
    }

    /** The one document of a YAML file (duplicate keys refused). */
    static Object document(Path file) {
        try (Reader reader = Files.newBufferedReader(file)) {
            return yaml().load(reader);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every document of a YAML file (duplicate keys refused). */
    static List<Object> documents(Path file) {
        assertThat(file).as("settings file %s should exist", file).isRegularFile();
        try (Reader reader = Files.newBufferedReader(file)) {
            List<Object> documents = new ArrayList<>();
            yaml().loadAll(reader).forEach(documents::add);
            return documents;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The scalar leaves of a settings file's documents not bound to a profile, by dotted property name
     * ({@code vigil.worker.retry.attempts}), in file order; lists are left out.
     */
    static Map<String, String> leaves(Path file) {
        Map<String, String> leaves = new LinkedHashMap<>();
        for (Object document : documents(file)) {
            if (document instanceof Map<?, ?> map && !isProfileDocument(map)) {
                collectLeaves(map, "", leaves);
            }
        }
        return leaves;
    }

    private static boolean isProfileDocument(Map<?, ?> document) {
        Map<String, String> flat = new LinkedHashMap<>();
        collectLeaves(document, "", flat);
        return flat.keySet().stream().anyMatch(key -> key.startsWith("spring.config.activate."));
    }

    private static void collectLeaves(Map<?, ?> map, String prefix, Map<String, String> into) {
        map.forEach((key, value) -> {
            String name = prefix + key;
            if (value instanceof Map<?, ?> nested) {
                collectLeaves(nested, name + ".", into);
            } else if (value != null && !(value instanceof List<?>)) {
                into.put(name, String.valueOf(value));
            } else if (value == null) {
                into.put(name, "");
            }
        });
    }

    private static Yaml yaml() {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        return new Yaml(new SafeConstructor(options));
    }
}
