package dev.vigil.notifier.report;

import java.util.List;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * CSV as RFC 4180 writes it (fields separated by commas, a field holding a comma, a double quote or a
 * line break in double quotes with its quotes doubled, lines ended by CRLF), safe to open in a
 * spreadsheet: a text cell starting with {@code = + - @}, a tab or a carriage return gets a leading
 * single quote, so a target id or a difference cannot be run as a formula (CSV injection).
 */
final class Csv {

    static final String LINE_END = "\r\n";

    private Csv() {
    }

    /** One line: the fields, each made safe and quoted where needed, then CRLF. A null is an empty field. */
    static String line(List<?> fields) {
        return fields.stream().map(Csv::field).collect(Collectors.joining(",")) + LINE_END;
    }

    /** One field. Numbers are written as they are; text is guarded against formulas, then quoted if it must be. */
    static String field(@Nullable Object value) {
        if (value == null) {
            return "";
        }
        String text = value.toString();
        if (!(value instanceof Number) && !text.isEmpty() && "=+-@\t\r".indexOf(text.charAt(0)) >= 0) {
            text = "'" + text;
        }
        if (text.indexOf(',') >= 0 || text.indexOf('"') >= 0 || text.indexOf('\n') >= 0 || text.indexOf('\r') >= 0) {
            return '"' + text.replace("\"", "\"\"") + '"';
        }
        return text;
    }
}
