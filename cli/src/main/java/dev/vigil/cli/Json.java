package dev.vigil.cli;

import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;

/** Reading the API's answers leniently: a field that is missing or null is absent, whatever its kind. */
final class Json {

    private Json() {
    }

    /** The field as text, or null when it is missing or null. */
    static String text(JsonNode node, String field) {
        JsonNode value = node == null ? null : node.get(field);
        return value == null || value.isNull() || value.isMissingNode() ? null : value.isValueNode() ? value.asString() : value.toString();
    }

    /** The field as text, or {@code otherwise} when it is missing or null. */
    static String text(JsonNode node, String field, String otherwise) {
        String text = text(node, field);
        return text == null ? otherwise : text;
    }

    /** The field as a number, or null when it is missing, null or not a number. */
    static Long number(JsonNode node, String field) {
        JsonNode value = node == null ? null : node.get(field);
        return value != null && value.isNumber() ? value.asLong() : null;
    }

    /** Whether the field is there and not null. */
    static boolean has(JsonNode node, String field) {
        return node != null && node.hasNonNull(field);
    }

    /** The field's array elements, none when it is missing, null or not an array. */
    static List<JsonNode> list(JsonNode node, String field) {
        JsonNode value = node == null ? null : node.get(field);
        List<JsonNode> items = new ArrayList<>();
        if (value != null && value.isArray()) {
            value.forEach(items::add);
        }
        return items;
    }

    /** The field's array of strings, none when it is missing. */
    static List<String> strings(JsonNode node, String field) {
        return list(node, field).stream().map(item -> item.isValueNode() ? item.asString() : item.toString()).toList();
    }
}
