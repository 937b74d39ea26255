package dev.vigil.contracts;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * What a dump produced: its format, size, checksum, the versions involved, the row counts it holds,
 * and how its bytes are wrapped (compression, then encryption). Since schema version 2 of the events
 * that carry it: {@code compression} and {@code encryptionKeyId} (absent in version 1, meaning
 * pg_dump's own custom-format compression and no encryption), and the source's {@code catalog}.
 * Since version 3 of {@link ArtifactCreated} and 4 of {@link ArtifactStored}: {@code catalogRef}
 * instead of the catalog itself, which keeps the events small whatever the size of the source's schema.
 */
@JsonClassDescription("What a dump produced: format, size, checksum, versions, the row counts it holds, and how its bytes are wrapped.")
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Artifact(
        @JsonPropertyDescription("pg_dump output format, e.g. custom") String format,
        @JsonProperty(required = true) @JsonPropertyDescription("Size of the artifact as stored, in bytes") long sizeBytes,
        @JsonPropertyDescription("Lower-case hex SHA-256 of the artifact bytes") String sha256,
        @JsonPropertyDescription("Version of the source server, e.g. 15.18") String serverVersion,
        @JsonPropertyDescription("Version of the pg_dump that wrote the artifact") String pgDumpVersion,
        @JsonPropertyDescription("Row count per dumped table") @MaxItems(EventLimits.TABLES) List<TableRowCount> tables,
        @JsonPropertyDescription("Compression around pg_dump's output: zstd, gzip or none (since v2)") @Nullable String compression,
        @JsonPropertyDescription("Id of the key the artifact is encrypted under (AES-256-GCM, segmented); absent when not encrypted (since v2)")
        @Nullable String encryptionKeyId,
        @JsonPropertyDescription("The source's catalog as the dump holds it (v2 to v3 of ArtifactStored, v2 of ArtifactCreated); absent when "
                + "not taken, e.g. for table-level selections, or when catalogRef refers to it")
        @Nullable Catalog catalog,
        @JsonPropertyDescription("Where the source's catalog is kept (since v3 of ArtifactCreated and v4 of ArtifactStored); absent when not "
                + "taken, or when catalog holds it")
        @Nullable CatalogReference catalogRef) {

    public Artifact {
        Events.required(format, "artifact.format");
        Events.required(sha256, "artifact.sha256");
        Events.required(serverVersion, "artifact.serverVersion");
        Events.required(pgDumpVersion, "artifact.pgDumpVersion");
        tables = Events.atMost(Events.required(tables, "artifact.tables"), EventLimits.TABLES, "artifact.tables");
        if (sizeBytes < 0) {
            throw new IllegalArgumentException("artifact.sizeBytes must not be negative, got: " + sizeBytes);
        }
    }

    /** An artifact as schema version 1 described it: pg_dump's own compression, not encrypted. */
    public Artifact(String format, long sizeBytes, String sha256, String serverVersion, String pgDumpVersion, List<TableRowCount> tables) {
        this(format, sizeBytes, sha256, serverVersion, pgDumpVersion, tables, null, null, null, null);
    }

    /** An artifact as schema version 2 described it: wrapping, and the catalog itself. */
    public Artifact(String format, long sizeBytes, String sha256, String serverVersion, String pgDumpVersion, List<TableRowCount> tables,
            @Nullable String compression, @Nullable String encryptionKeyId, @Nullable Catalog catalog) {
        this(format, sizeBytes, sha256, serverVersion, pgDumpVersion, tables, compression, encryptionKeyId, catalog, null);
    }

    /** This artifact with its catalog kept elsewhere: the reference instead of the catalog. */
    public Artifact withCatalogAt(CatalogReference reference) {
        return new Artifact(format, sizeBytes, sha256, serverVersion, pgDumpVersion, tables, compression, encryptionKeyId, null, reference);
    }

    /** Whether a catalog was taken with the dump, held here or referred to. */
    public boolean hasCatalog() {
        return catalog != null || catalogRef != null;
    }

    /** The file name ending that says how to read the artifact, e.g. {@code dump.zst.enc}. */
    public String fileExtension() {
        return extensionFor(format, compression, encryptionKeyId != null);
    }

    /** The file name ending for an artifact of this format and wrapping, known before it is written. */
    public static String extensionFor(String format, @Nullable String compression, boolean encrypted) {
        String compressed = switch (compression == null ? "none" : compression) {
            case "zstd" -> ".zst";
            case "gzip" -> ".gz";
            default -> "";
        };
        String body = switch (format) {
            case "plain" -> "sql";
            case "directory" -> "dump.tar";
            default -> "dump";
        };
        return body + compressed + (encrypted ? ".enc" : "");
    }
}
