package dev.vigil.contracts;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.vigil.contracts.json.EventJson;

/**
 * Where an artifact's {@link Catalog} is kept, so events carry a reference rather than thousands of
 * entries: a JSON document holding the catalog under the field {@code catalog} (the staged
 * {@code <jobId>.catalog.json} beside the artifact, then the stored backup's manifest). The SHA-256
 * is of the catalog as {@link EventJson} writes it, so a reader can tell it
 * has the catalog the dump worker took.
 */
@JsonClassDescription("Where the artifact's catalog is kept (a JSON document holding it under 'catalog'), with its checksum and size.")
public record CatalogReference(
        @JsonPropertyDescription("file: or s3:// URI of the JSON document holding the catalog under 'catalog'") String uri,
        @JsonPropertyDescription("Lower-case hex SHA-256 of the catalog as written in JSON") String sha256,
        @JsonProperty(required = true) @JsonPropertyDescription("Number of catalog entries") int objects,
        @JsonProperty(required = true) @JsonPropertyDescription("false for a schema-only dump: no sequence values, no large objects") boolean withData,
        @JsonProperty(required = true) @JsonPropertyDescription("false when limited to some schemas: no extensions, no large objects") boolean wholeDatabase) {

    public CatalogReference {
        Events.required(uri, "catalogRef.uri");
        Events.required(sha256, "catalogRef.sha256");
    }

    /** A reference to {@code catalog}, kept at {@code uri}. */
    public static CatalogReference to(String uri, Catalog catalog) {
        return new CatalogReference(uri, sha256Of(catalog), catalog.objects().size(), catalog.withData(),
                catalog.wholeDatabase());
    }

    /** The same catalog, kept elsewhere. */
    public CatalogReference at(String newUri) {
        return new CatalogReference(newUri, sha256, objects, withData, wholeDatabase);
    }

    /** A document holding only {@code catalog}, as the staged {@code <jobId>.catalog.json} is. */
    public static byte[] document(Catalog catalog) {
        return EventJson.write(java.util.Map.of("catalog", catalog));
    }

    /**
     * The catalog a document holds under {@code catalog}, checked against this reference.
     *
     * @throws IllegalArgumentException the document holds no catalog, or another one than referred to
     */
    public Catalog readFrom(byte[] document) {
        Catalog catalog;
        try {
            tools.jackson.databind.JsonNode node = EventJson.mapper().readTree(document).get("catalog");
            if (node == null || node.isNull()) {
                throw new IllegalArgumentException(uri + " holds no catalog");
            }
            catalog = EventJson.mapper().treeToValue(node, Catalog.class);
        } catch (tools.jackson.core.JacksonException e) {
            throw new IllegalArgumentException(uri + " is not a catalog document: " + e.getOriginalMessage(), e);
        }
        if (!matches(catalog)) {
            throw new IllegalArgumentException("the catalog at " + uri + " is not the one the dump worker took: its SHA-256 differs from " + sha256);
        }
        return catalog;
    }

    /** Whether {@code catalog} is the one referred to. */
    public boolean matches(Catalog catalog) {
        return sha256.equals(sha256Of(catalog));
    }

    private static String sha256Of(Catalog catalog) {
        return Sha256.of(EventJson.write(catalog));
    }
}
