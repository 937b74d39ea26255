package dev.vigil.contracts.schema;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.annotation.JsonValue;
import dev.vigil.contracts.MaxItems;
import dev.vigil.contracts.MaxLength;
import dev.vigil.contracts.TargetId;
import dev.vigil.contracts.Topics;
import dev.vigil.contracts.json.EventJson;
import java.lang.reflect.Field;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * Derives a JSON Schema (draft 2020-12) from an event record by reflection: components become
 * properties, every component not marked {@code @Nullable} is required, typed ids become their
 * JSON value type. Unknown properties are allowed, as consumers ignore them.
 */
public final class RecordSchemas {

    private static final String BASE_ID = "https://vigil.dev/schemas/";

    private RecordSchemas() {
    }

    public static String fileName(Class<?> eventType) {
        return eventType.getSimpleName() + ".schema.json";
    }

    public static String schemaJson(Class<?> eventType) {
        Map<String, Object> schema = new LinkedHashMap<>();
        schema.put("$schema", "https://json-schema.org/draft/2020-12/schema");
        schema.put("$id", BASE_ID + fileName(eventType));
        schema.put("title", eventType.getSimpleName());
        schema.putAll(schemaOf(eventType));
        schema.put("x-vigil-topic", Topics.of(eventType));
        schema.put("x-vigil-kafka-key", "targetId");
        schema.put("x-vigil-schema-version", schemaVersion(eventType));
        return EventJson.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(schema) + "\n";
    }

    private static int schemaVersion(Class<?> type) {
        try {
            Field field = type.getField("SCHEMA_VERSION");
            return field.getInt(null);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(type.getName() + " must declare SCHEMA_VERSION", e);
        }
    }

    private static Map<String, Object> schemaOf(Type type) {
        if (type instanceof ParameterizedType parameterized) {
            Class<?> raw = (Class<?>) parameterized.getRawType();
            Type[] args = parameterized.getActualTypeArguments();
            if (List.class.isAssignableFrom(raw)) {
                return ordered("type", "array", "items", schemaOf(args[0]));
            }
            if (Map.class.isAssignableFrom(raw)) {
                return ordered("type", "object", "additionalProperties", schemaOf(args[1]));
            }
            throw new IllegalArgumentException("unsupported generic type in an event: " + type);
        }
        Class<?> cls = (Class<?>) type;
        if (cls == String.class) {
            return ordered("type", "string");
        }
        if (cls == UUID.class) {
            return ordered("type", "string", "format", "uuid");
        }
        if (cls == Instant.class) {
            return ordered("type", "string", "format", "date-time");
        }
        if (cls == int.class || cls == Integer.class || cls == long.class || cls == Long.class) {
            return ordered("type", "integer");
        }
        if (cls == boolean.class || cls == Boolean.class) {
            return ordered("type", "boolean");
        }
        if (cls.isEnum()) {
            return ordered("type", "string", "enum", Arrays.stream(cls.getEnumConstants()).map(Object::toString).toList());
        }
        if (cls.isRecord()) {
            return recordSchema(cls);
        }
        throw new IllegalArgumentException("unsupported type in an event: " + cls.getName());
    }

    private static Map<String, Object> recordSchema(Class<?> cls) {
        RecordComponent[] components = cls.getRecordComponents();
        // A typed id (a one-component record whose component is its JSON value) is that value on the wire.
        if (components.length == 1 && components[0].getAccessor().isAnnotationPresent(JsonValue.class)
                || components.length == 1 && components[0].isAnnotationPresent(JsonValue.class)) {
            Map<String, Object> value = new LinkedHashMap<>(schemaOf(components[0].getGenericType()));
            if (cls == TargetId.class) {
                value.put("pattern", TargetId.PATTERN);
            }
            return value;
        }
        Map<String, Object> properties = new LinkedHashMap<>();
        List<String> required = new ArrayList<>();
        for (RecordComponent component : components) {
            Map<String, Object> property = new LinkedHashMap<>(schemaOf(component.getGenericType()));
            MaxItems maxItems = component.getAnnotation(MaxItems.class);
            if (maxItems != null) {
                property.put("maxItems", maxItems.value());
            }
            MaxLength maxLength = component.getAnnotation(MaxLength.class);
            if (maxLength != null) {
                property.put("maxLength", maxLength.value());
            }
            // Jackson's annotation cannot sit on a record component itself: Java puts it on the accessor (and field).
            JsonPropertyDescription description = component.getAccessor().getAnnotation(JsonPropertyDescription.class);
            if (description != null) {
                property.put("description", description.value());
            }
            properties.put(component.getName(), property);
            if (component.getAnnotatedType().isAnnotationPresent(Nullable.class)) {
                property.put("type", List.of(property.get("type"), "null"));
            } else {
                required.add(component.getName());
            }
        }
        Map<String, Object> schema = new LinkedHashMap<>();
        JsonClassDescription description = cls.getAnnotation(JsonClassDescription.class);
        if (description != null) {
            schema.put("description", description.value());
        }
        schema.put("type", "object");
        schema.put("properties", properties);
        schema.put("required", required);
        schema.put("additionalProperties", true);
        return schema;
    }

    private static Map<String, Object> ordered(Object... keyValues) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            map.put((String) keyValues[i], keyValues[i + 1]);
        }
        return map;
    }
}
