package dev.vigil.contracts;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import org.jspecify.annotations.Nullable;

/** One table's row count as dumped against what the restore holds. */
@JsonClassDescription("One table's row count as dumped against what the restored database holds.")
public record TableCheck(
        String schema,
        String table,
        @JsonPropertyDescription("Rows the dump held at its snapshot; absent when nothing was expected: a dump made outside Vigil "
                + "(verdict RESTORED, since v4 of BackupVerified)")
        @JsonInclude(JsonInclude.Include.NON_NULL) @Nullable Long expectedRows,
        @JsonPropertyDescription("Rows found after restore; absent when the table is missing from the restore") @Nullable Long foundRows) {

    public TableCheck {
        Events.required(schema, "schema");
        Events.required(table, "table");
    }

    public boolean matches() {
        return foundRows != null && expectedRows != null && foundRows.longValue() == expectedRows.longValue();
    }
}
