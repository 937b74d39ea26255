package dev.vigil.contracts;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** An extension installed in a source database, as {@code pg_extension} lists it. */
@JsonClassDescription("An extension installed in a source database, as pg_extension lists it.")
public record SourceExtension(
        @JsonPropertyDescription("The extension's name, e.g. postgis") String name,
        @JsonPropertyDescription("The version installed in the source, e.g. 3.4.2") String version) {

    public SourceExtension {
        Events.required(name, "extension.name");
        Events.required(version, "extension.version");
    }
}
