package dev.vigil.contracts;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonProperty;

/** The exact number of rows one table held when it was dumped. */
@JsonClassDescription("The exact number of rows one table held when it was dumped.")
public record TableRowCount(String schema, String table, @JsonProperty(required = true) long rows) {

    public TableRowCount {
        Events.required(schema, "schema");
        Events.required(table, "table");
        if (rows < 0) {
            throw new IllegalArgumentException("rows must not be negative, got: " + rows);
        }
    }

    /** The table as {@code schema.table}, for messages. */
    public String qualifiedName() {
        return schema + "." + table;
    }
}
