package dev.vigil.cli;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** How the command line writes sizes, times and tables. */
final class Text {

    private static final DateTimeFormatter DATE_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss", Locale.ROOT);
    private static final DateTimeFormatter DATE_MINUTES = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm", Locale.ROOT);
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss", Locale.ROOT);

    private Text() {
    }

    /** Bytes in decimal units, one decimal: 950 B, 12.3 kB, 4.5 MB, 1.2 GB. */
    static String size(long bytes) {
        if (bytes < 1000) {
            return bytes + " B";
        }
        String[] units = {"kB", "MB", "GB", "TB", "PB"};
        double value = bytes;
        int unit = -1;
        while (value >= 1000 && unit < units.length - 1) {
            value /= 1000;
            unit++;
        }
        return String.format(Locale.ROOT, "%.1f %s", value, units[unit]);
    }

    /** An ISO-8601 instant as local date and time to the second; text that is not one is shown as it is. */
    static String dateTime(String instant, ZoneId zone) {
        return format(instant, zone, DATE_TIME);
    }

    /** An ISO-8601 instant as local date and time to the minute. */
    static String dateMinutes(String instant, ZoneId zone) {
        return format(instant, zone, DATE_MINUTES);
    }

    /** An ISO-8601 instant as local time of day. */
    static String time(String instant, ZoneId zone) {
        return format(instant, zone, TIME);
    }

    /** Whether two instants fall on the same local day. */
    static boolean sameDay(String a, String b, ZoneId zone) {
        try {
            return Instant.parse(a).atZone(zone).toLocalDate().equals(Instant.parse(b).atZone(zone).toLocalDate());
        } catch (DateTimeParseException | NullPointerException e) {
            return false;
        }
    }

    private static String format(String instant, ZoneId zone, DateTimeFormatter format) {
        if (instant == null) {
            return "";
        }
        try {
            return Instant.parse(instant).atZone(zone).format(format);
        } catch (DateTimeParseException e) {
            return instant;
        }
    }

    /** Elapsed time as m:ss, or h:mm:ss from an hour. */
    static String elapsed(long millis) {
        long seconds = millis / 1000;
        return seconds >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", seconds / 3600, seconds / 60 % 60, seconds % 60)
                : String.format(Locale.ROOT, "%d:%02d", seconds / 60, seconds % 60);
    }

    /** At most {@code max} characters, the cut marked with "...". */
    static String shorten(String text, int max) {
        if (text == null) {
            return "";
        }
        return text.length() <= max ? text : text.substring(0, Math.max(0, max - 3)) + "...";
    }

    /** Columns padded to their widest cell; the columns named right-aligned are numbers. */
    static final class Table {

        private final String[] header;
        private final boolean[] right;
        private final List<String[]> rows = new ArrayList<>();

        Table(String... header) {
            this.header = header;
            this.right = new boolean[header.length];
        }

        Table right(int... columns) {
            for (int column : columns) {
                right[column] = true;
            }
            return this;
        }

        Table row(Object... cells) {
            rows.add(Arrays.stream(cells).map(cell -> cell == null ? "" : cell.toString()).toArray(String[]::new));
            return this;
        }

        boolean isEmpty() {
            return rows.isEmpty();
        }

        /** The table's lines, each starting with {@code indent}, without trailing blanks. */
        List<String> lines(String indent) {
            int[] widths = new int[header.length];
            for (int i = 0; i < header.length; i++) {
                widths[i] = header[i].length();
            }
            for (String[] row : rows) {
                for (int i = 0; i < row.length; i++) {
                    widths[i] = Math.max(widths[i], row[i].length());
                }
            }
            List<String> lines = new ArrayList<>();
            lines.add(line(indent, header, widths));
            rows.forEach(row -> lines.add(line(indent, row, widths)));
            return lines;
        }

        private String line(String indent, String[] cells, int[] widths) {
            StringBuilder line = new StringBuilder(indent);
            for (int i = 0; i < cells.length; i++) {
                if (i > 0) {
                    line.append("  ");
                }
                String cell = cells[i];
                String pad = " ".repeat(widths[i] - cell.length());
                line.append(right[i] ? pad + cell : cell + pad);
            }
            return line.toString().stripTrailing();
        }
    }
}
