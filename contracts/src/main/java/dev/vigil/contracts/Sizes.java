package dev.vigil.contracts;

import java.util.Locale;

/** Sizes as operators read them in messages, reports and checks: "512 B", "9.8 MiB", one way everywhere. */
public final class Sizes {

    private static final String[] UNITS = {"KiB", "MiB", "GiB", "TiB", "PiB"};

    private Sizes() {
    }

    /** Bytes in binary units with one decimal: 512 B, 9.8 MiB, 1.2 GiB. */
    public static String human(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        double value = bytes;
        int unit = -1;
        while (value >= 1024 && unit < UNITS.length - 1) {
            value /= 1024;
            unit++;
        }
        return String.format(Locale.ROOT, "%.1f %s", value, UNITS[unit]);
    }
}
