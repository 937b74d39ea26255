package dev.vigil.scheduler.api;

import dev.vigil.contracts.EventLimits;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * Reads the optional body of {@code POST /targets/{targetId}/backups}, {@code {"note": "..."}}, and
 * refuses what the job should not show: a note over {@link EventLimits#NOTE} characters (as the
 * event would refuse it) or one holding a control character or line break. No body, no note and a
 * blank note are all no note.
 */
final class BackupNote {

    private static final String EXAMPLE = "{\"note\": \"before the billing migration\"}";

    private BackupNote() {
    }

    static @Nullable String from(@Nullable JsonNode body) {
        if (body == null || body.isNull()) {
            return null;
        }
        if (!body.isObject()) {
            throw invalid("the body must be a JSON object such as " + EXAMPLE + ", or left out");
        }
        for (Map.Entry<String, JsonNode> field : body.properties()) {
            if (!"note".equals(field.getKey())) {
                throw invalid("the body has an unknown field '" + field.getKey() + "'; it takes only 'note', as in " + EXAMPLE);
            }
        }
        JsonNode note = body.get("note");
        if (note == null || note.isNull()) {
            return null;
        }
        if (!note.isString()) {
            throw invalid("note must be a JSON string, as in " + EXAMPLE + "; got " + note.getNodeType().name().toLowerCase());
        }
        return checked(note.asString());
    }

    /** The note as the job keeps it: null when blank; refused when too long or not one line of printable text. */
    static @Nullable String checked(String note) {
        if (note.isBlank()) {
            return null;
        }
        int length = note.codePointCount(0, note.length());
        if (length > EventLimits.NOTE) {
            throw invalid("note has " + length + " characters, more than the " + EventLimits.NOTE + " allowed; shorten it "
                    + "(link to a longer text instead)");
        }
        int position = 1;
        for (int i = 0; i < note.length(); position++) {
            int c = note.codePointAt(i);
            if (Character.isISOControl(c) || Character.getType(c) == Character.LINE_SEPARATOR
                    || Character.getType(c) == Character.PARAGRAPH_SEPARATOR || Character.getType(c) == Character.SURROGATE) {
                throw invalid("note has a control character, line break or broken character (U+%04X) at character %d; write it as one line of text"
                        .formatted(c, position));
            }
            i += Character.charCount(c);
        }
        return note;
    }

    private static ApiException invalid(String detail) {
        return new ApiException(400, "Invalid note", detail);
    }
}
