package dev.vigil.contracts;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.regex.Pattern;

/**
 * Names one database Vigil backs up. It is the Kafka key of every event about that database, a
 * path segment in object keys and a URL segment in the API, hence the narrow alphabet.
 */
public record TargetId(@JsonValue String value) {

    /** Lower-case letters, digits, '.', '_' and '-', starting with a letter or digit, at most 63 characters. */
    public static final String PATTERN = "^[a-z0-9][a-z0-9._-]{0,62}$";
    private static final Pattern VALID = Pattern.compile(PATTERN);

    public TargetId {
        if (value == null || !VALID.matcher(value).matches()) {
            throw new IllegalArgumentException("targetId must match " + PATTERN + " (lower-case letters, digits, '.', '_', '-'), got: " + value);
        }
    }

    @JsonCreator
    public static TargetId of(String value) {
        return new TargetId(value);
    }

    @Override
    public String toString() {
        return value;
    }
}
