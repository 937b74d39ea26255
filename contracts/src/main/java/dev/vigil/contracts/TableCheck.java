package dev.vigil.contracts;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import org.jspecify.annotations.Nullable;

/** One table's row count as dumped against what the restore holds. */
@JsonClassDescription("One table's row count as dumped against what the restored database holds.")
public record TableCheck(
        String schema,
        String table,
        @JsonProperty(required = true) long expectedRows,
        @JsonPropertyDescription("Rows found after restore; absent when the table is missing from the restore") @Nullable Long foundRows) {

    public TableCheck {
        Events.required(schema, "schema");
        Events.required(table, "table");
    }

    public boolean matches() {
        return foundRows != null && foundRows == expectedRows;
    }
}
