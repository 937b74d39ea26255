package dev.vigil.contracts.schema;

import dev.vigil.contracts.Topics;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes one JSON Schema file per event into a directory. The build runs it after compiling the
 * contracts, so the schemas in the repository are always those of the records.
 */
public final class JsonSchemaWriter {

    private JsonSchemaWriter() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            throw new IllegalArgumentException("usage: JsonSchemaWriter <output directory>");
        }
        Path dir = Path.of(args[0]);
        Files.createDirectories(dir);
        for (Class<?> type : Topics.EVENT_TYPES) {
            Path file = dir.resolve(RecordSchemas.fileName(type));
            String schema = RecordSchemas.schemaJson(type);
            if (!Files.exists(file) || !Files.readString(file).equals(schema)) {
                Files.writeString(file, schema, StandardCharsets.UTF_8);
            }
        }
    }
}
