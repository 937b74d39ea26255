package dev.vigil.contracts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.contracts.json.EventJson;
import dev.vigil.contracts.json.MalformedEventException;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Every schema version's golden JSON must read into today's records and write back unchanged, so a
 * field that is removed or renamed breaks the build before it breaks a consumer.
 */
class GoldenFixturesTest {

    static Stream<Class<?>> eventTypes() {
        return Topics.EVENT_TYPES.stream();
    }

    /** Every (event type, version) with a golden fixture, from version 1 to the type's current one. */
    static Stream<Arguments> goldenVersions() {
        return Topics.EVENT_TYPES.stream().flatMap(type -> IntStream.rangeClosed(1, currentVersion(type))
                .filter(v -> GoldenFixturesTest.class.getResource("/golden/v" + v + "/" + type.getSimpleName() + ".json") != null)
                .mapToObj(v -> Arguments.of(type, "v" + v)));
    }

    @ParameterizedTest
    @MethodSource("goldenVersions")
    void everyGoldenVersionRoundTripsWithoutLosingOrRenamingAField(Class<?> type, String version) throws IOException {
        JsonNode golden = golden(version, type);

        Object event = EventJson.read(EventJson.mapper().writeValueAsBytes(golden), type);
        JsonNode written = EventJson.mapper().readTree(EventJson.write(event));

        assertThat(fieldPaths(written)).as("fields written by %s", type.getSimpleName())
                .containsExactlyInAnyOrderElementsOf(fieldPaths(golden));
        assertThat(written).isEqualTo(golden);
    }

    @ParameterizedTest
    @MethodSource("eventTypes")
    void theCurrentVersionHasAGoldenFixtureCoveringEveryField(Class<?> type) throws IOException {
        String version = "v" + currentVersion(type);
        JsonNode golden = golden(version, type);
        assertThat(golden.get("schemaVersion").asInt()).isEqualTo(currentVersion(type));
        assertCovers(golden, type, version + " " + type.getSimpleName());
    }

    @Test
    void aVersionOneArtifactReadsAsPgDumpsOwnCompressionAndNotEncrypted() throws IOException {
        ArtifactCreated v1 = EventJson.read(EventJson.mapper().writeValueAsBytes(golden("v1", ArtifactCreated.class)), ArtifactCreated.class);

        assertThat(v1.artifact().compression()).isNull();
        assertThat(v1.artifact().encryptionKeyId()).isNull();
        assertThat(v1.artifact().fileExtension()).isEqualTo("dump");
    }

    @Test
    void aVersionOneRestoreRequestNamesNoOneAndItsAnswerRepeatsThat() throws IOException {
        RestoreRequested v1 = EventJson.read(EventJson.mapper().writeValueAsBytes(golden("v1", RestoreRequested.class)), RestoreRequested.class);

        assertThat(v1.requestedBy()).isNull();
        assertThat(RestoreCompleted.refused(v1, null, "not allowed").requestedBy()).isNull();
        assertThat(EventJson.mapper().readTree(EventJson.write(RestoreCompleted.refused(v1, null, "not allowed"))).has("requestedBy"))
                .as("an answer naming no one leaves the field out, as a v1 reader expects").isFalse();
    }

    @Test
    void aVersionOneBackupRequestHasNoNoteAndABlankNoteIsNone() throws IOException {
        BackupRequested v1 = EventJson.read(EventJson.mapper().writeValueAsBytes(golden("v1", BackupRequested.class)), BackupRequested.class);
        assertThat(v1.note()).isNull();

        ObjectNode blank = (ObjectNode) golden("v2", BackupRequested.class);
        blank.put("note", "  ");
        BackupRequested read = EventJson.read(EventJson.mapper().writeValueAsBytes(blank), BackupRequested.class);
        assertThat(read.note()).isNull();
        assertThat(EventJson.mapper().readTree(EventJson.write(read)).has("note")).as("no note is written as no field, as a v1 reader expects")
                .isFalse();
    }

    @Test
    void aMissingRequiredNumberIsReportedByName() throws IOException {
        ObjectNode golden = (ObjectNode) golden("v2", ArtifactCreated.class);
        ((ObjectNode) golden.get("artifact").get("tables").get(0)).remove("rows");

        assertThatThrownBy(() -> EventJson.read(EventJson.mapper().writeValueAsBytes(golden), ArtifactCreated.class))
                .isInstanceOf(MalformedEventException.class)
                .hasMessageContaining("rows");
    }

    private static void assertCovers(JsonNode node, Class<?> type, String where) {
        for (RecordComponent component : type.getRecordComponents()) {
            assertThat(node.has(component.getName())).as("golden %s has field %s", where, component.getName()).isTrue();
            Class<?> componentType = component.getType();
            if (componentType.isRecord() && componentType.getRecordComponents().length > 1 && !node.get(component.getName()).isNull()) {
                assertCovers(node.get(component.getName()), componentType, where + "." + component.getName());
            }
        }
    }

    private static int currentVersion(Class<?> type) {
        try {
            return type.getField("SCHEMA_VERSION").getInt(null);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(type + " has no SCHEMA_VERSION", e);
        }
    }

    @Test
    void aMissingFieldIsReportedByName() throws IOException {
        ObjectNode golden = (ObjectNode) golden("v1", BackupRequested.class);
        golden.remove("jobId");

        assertThatThrownBy(() -> EventJson.read(EventJson.mapper().writeValueAsBytes(golden), BackupRequested.class))
                .isInstanceOf(MalformedEventException.class)
                .hasMessageContaining("jobId");
    }

    @Test
    void somethingThatIsNotJsonIsMalformed() {
        assertThatThrownBy(() -> EventJson.read("backup please".getBytes(), BackupRequested.class))
                .isInstanceOf(MalformedEventException.class)
                .hasMessageStartingWith("BackupRequested is malformed");
    }

    @Test
    void anUnknownFieldFromANewerProducerIsIgnored() throws IOException {
        ObjectNode golden = (ObjectNode) golden("v1", BackupRequested.class);
        golden.put("priority", "high");

        BackupRequested event = EventJson.read(EventJson.mapper().writeValueAsBytes(golden), BackupRequested.class);

        assertThat(event.targetId()).isEqualTo(new TargetId("orders-db"));
    }

    @Test
    void aBackupRequestForARegisteredJobIsMalformedSoNoWorkerDumpsAJobAnOutsideRunnerReports() throws IOException {
        ObjectNode golden = (ObjectNode) golden("v3", BackupRequested.class);
        golden.put("trigger", "REGISTERED");

        assertThatThrownBy(() -> EventJson.read(EventJson.mapper().writeValueAsBytes(golden), BackupRequested.class))
                .isInstanceOf(MalformedEventException.class)
                .hasMessageContaining("trigger REGISTERED is not a request's");
    }

    @Test
    void anInvalidTargetIdSaysWhatIsAllowed() throws IOException {
        ObjectNode golden = (ObjectNode) golden("v1", BackupRequested.class);
        golden.put("targetId", "Orders DB!");

        assertThatThrownBy(() -> EventJson.read(EventJson.mapper().writeValueAsBytes(golden), BackupRequested.class))
                .isInstanceOf(MalformedEventException.class)
                .hasMessageContaining("targetId must match");
    }

    static JsonNode golden(String version, Class<?> type) throws IOException {
        String resource = "/golden/" + version + "/" + type.getSimpleName() + ".json";
        try (InputStream in = GoldenFixturesTest.class.getResourceAsStream(resource)) {
            assertThat(in).as("golden fixture %s", resource).isNotNull();
            return EventJson.mapper().readTree(in);
        }
    }

    private static List<String> fieldPaths(JsonNode node) {
        List<String> paths = new ArrayList<>();
        collect(node, "", paths);
        return paths;
    }

    private static void collect(JsonNode node, String prefix, List<String> paths) {
        if (node.isObject()) {
            Iterator<String> names = node.propertyNames().iterator();
            while (names.hasNext()) {
                String name = names.next();
                paths.add(prefix + name);
                collect(node.get(name), prefix + name + ".", paths);
            }
        } else if (node.isArray() && !node.isEmpty()) {
            collect(node.get(0), prefix + "[].", paths);
        }
    }
}
