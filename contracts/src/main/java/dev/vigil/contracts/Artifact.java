package dev.vigil.contracts;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;

/** What a dump produced: its format, size, checksum, the versions involved and the row counts it holds. */
@JsonClassDescription("What a dump produced: format, size, checksum, versions and the row counts it holds.")
public record Artifact(
        @JsonPropertyDescription("pg_dump output format, e.g. custom") String format,
        long sizeBytes,
        @JsonPropertyDescription("Lower-case hex SHA-256 of the artifact bytes") String sha256,
        @JsonPropertyDescription("Version of the source server, e.g. 15.18") String serverVersion,
        @JsonPropertyDescription("Version of the pg_dump that wrote the artifact") String pgDumpVersion,
        @JsonPropertyDescription("Row count per dumped table") List<TableRowCount> tables) {

    public Artifact {
        Events.required(format, "artifact.format");
        Events.required(sha256, "artifact.sha256");
        Events.required(serverVersion, "artifact.serverVersion");
        Events.required(pgDumpVersion, "artifact.pgDumpVersion");
        tables = List.copyOf(Events.required(tables, "artifact.tables"));
        if (sizeBytes < 0) {
            throw new IllegalArgumentException("artifact.sizeBytes must not be negative, got: " + sizeBytes);
        }
    }
}
