package dev.vigil.contracts;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.contracts.json.EventJson;
import dev.vigil.contracts.schema.RecordSchemas;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

/** The schemas shipped in the repository are the ones the records generate, and describe the golden events. */
class JsonSchemasTest {

    static Stream<Class<?>> eventTypes() {
        return Topics.EVENT_TYPES.stream();
    }

    @ParameterizedTest
    @MethodSource("eventTypes")
    void theSchemaInTheRepositoryIsTheOneTheRecordGenerates(Class<?> type) throws IOException {
        Path file = Path.of("schemas", RecordSchemas.fileName(type));

        assertThat(file).exists();
        assertThat(Files.readString(file)).isEqualTo(RecordSchemas.schemaJson(type));
    }

    @ParameterizedTest
    @MethodSource("eventTypes")
    void theGoldenEventHasEveryRequiredFieldOfTheSchemaWithItsType(Class<?> type) throws Exception {
        JsonNode schema = EventJson.mapper().readTree(RecordSchemas.schemaJson(type));
        JsonNode golden = GoldenFixturesTest.golden("v" + type.getField("SCHEMA_VERSION").getInt(null), type);

        assertConforms(golden, schema, type.getSimpleName());
    }

    @Test
    void aFieldsDescriptionInTheRecordReachesTheSchema() {
        JsonNode properties = EventJson.mapper().readTree(RecordSchemas.schemaJson(BackupRequested.class)).get("properties");

        assertThat(properties.get("note").get("description").asString()).startsWith("Why the backup was asked for");
        assertThat(properties.get("trigger").get("description").asString()).startsWith("SCHEDULE, CATCH_UP, API or EXTERNAL; never REGISTERED");
    }

    /** A deliberately small validator: required fields, JSON types, enum values, patterns and the caps, recursively. */
    private static void assertConforms(JsonNode value, JsonNode schema, String path) {
        JsonNode types = schema.path("type");
        // A nullable field is ["<type>", "null"]; nulls are skipped by the caller.
        String type = types.isArray() ? types.get(0).asString() : types.asString();
        switch (type) {
            case "object" -> {
                assertThat(value.isObject()).as("%s is an object", path).isTrue();
                for (JsonNode required : schema.path("required")) {
                    assertThat(value.hasNonNull(required.asString())).as("%s.%s is present", path, required.asString()).isTrue();
                }
                for (var property : schema.path("properties").properties()) {
                    JsonNode field = value.get(property.getKey());
                    if (field != null && !field.isNull()) {
                        assertConforms(field, property.getValue(), path + "." + property.getKey());
                    }
                }
            }
            case "array" -> {
                assertThat(value.isArray()).as("%s is an array", path).isTrue();
                if (schema.has("maxItems")) {
                    assertThat(value.size()).as("%s holds at most maxItems", path).isLessThanOrEqualTo(schema.path("maxItems").asInt());
                }
                for (JsonNode item : value) {
                    assertConforms(item, schema.path("items"), path + "[]");
                }
            }
            case "string" -> {
                assertThat(value.isString()).as("%s is a string", path).isTrue();
                if (schema.has("enum")) {
                    assertThat(schema.path("enum").valueStream().map(JsonNode::asString))
                            .as("%s is one of the enum values", path).contains(value.asString());
                }
                if (schema.has("maxLength")) {
                    assertThat(value.asString().codePointCount(0, value.asString().length())).as("%s holds at most maxLength characters", path)
                            .isLessThanOrEqualTo(schema.path("maxLength").asInt());
                }
                if (schema.has("pattern")) {
                    assertThat(value.asString()).as("%s matches its pattern", path).matches(schema.path("pattern").asString());
                }
            }
            case "integer" -> assertThat(value.isIntegralNumber()).as("%s is an integer", path).isTrue();
            case "boolean" -> assertThat(value.isBoolean()).as("%s is a boolean", path).isTrue();
            default -> throw new AssertionError("unexpected schema type " + type + " at " + path);
        }
    }
}
