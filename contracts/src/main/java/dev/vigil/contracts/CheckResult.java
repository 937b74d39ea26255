package dev.vigil.contracts;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** How one of a target's checks came out on a restored backup. */
@JsonClassDescription("How one of a target's own checks came out on a restored backup.")
public record CheckResult(
        String name,
        @JsonProperty(required = true) boolean passed,
        @JsonPropertyDescription("What it answered, or the error it raised") String detail) {
}
