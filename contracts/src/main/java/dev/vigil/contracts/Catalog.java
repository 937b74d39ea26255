package dev.vigil.contracts;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.Map;
import java.util.TreeMap;

/**
 * The source's catalog as the dump holds it, taken in the dump's snapshot, for the verifier to
 * compare with the restore: one entry per object ({@code "index shop.orders_pkey"} and the like),
 * its value what must match. The flags say what the dump left out, so the restore is read alike.
 */
@JsonClassDescription("The source's catalog as the dump holds it: one entry per object (tables with columns, indexes, constraints, views, functions, extensions, sequences, large objects).")
public record Catalog(
        @JsonPropertyDescription("kind and name of each object, and what must match") Map<String, String> objects,
        @JsonProperty(required = true) @JsonPropertyDescription("false for a schema-only dump: no sequence values, no large objects") boolean withData,
        @JsonProperty(required = true) @JsonPropertyDescription("false when limited to some schemas: no extensions, no large objects") boolean wholeDatabase) {

    public Catalog {
        objects = new TreeMap<>(Events.required(objects, "catalog.objects"));
    }
}
