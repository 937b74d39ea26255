package dev.vigil.contracts;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/**
 * A check of a target's own, run against every restored backup: a query answering one row with one
 * boolean column, true when the backup holds what the team expects (e.g. "the newest order is less
 * than 24 hours old").
 */
@JsonClassDescription("A check of a target's own, run against every restored backup: a query answering one row with one boolean, true when it holds.")
public record SqlCheck(
        @JsonPropertyDescription("What it checks, as listed in verdicts") String name,
        @JsonPropertyDescription("A query answering exactly one row with one boolean column; run read-only") String sql) {

    public SqlCheck {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("every check needs a name, which verdicts list it by");
        }
        if (sql == null || sql.isBlank()) {
            throw new IllegalArgumentException("check '" + name + "' needs sql: a query answering one row with one boolean, e.g. "
                    + "select count(*) > 0 from orders");
        }
        // One statement: a second one could lift the read-only transaction or the timeout it runs under ("commit; ...").
        if (sql.strip().replaceAll(";\\s*$", "").contains(";")) {
            throw new IllegalArgumentException("check '" + name + "' must be one statement, but its sql holds ';' before its end; write "
                    + "one query answering one row with one boolean (a ';' inside a string literal is refused too)");
        }
    }
}
