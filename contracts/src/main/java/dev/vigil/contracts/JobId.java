package dev.vigil.contracts;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Objects;
import java.util.UUID;

/** Identifies one backup job from request to verdict; travels as a plain UUID string. */
public record JobId(@JsonValue UUID value) {

    public JobId {
        Objects.requireNonNull(value, "jobId is required");
    }

    public static JobId random() {
        return new JobId(UUID.randomUUID());
    }

    @JsonCreator
    public static JobId of(String value) {
        try {
            return new JobId(UUID.fromString(value));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new IllegalArgumentException("jobId must be a UUID, got: " + value);
        }
    }

    @Override
    public String toString() {
        return value.toString();
    }
}
