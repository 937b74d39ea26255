package dev.vigil.contracts;

import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Labels set on a target ({@code team: payments}), by which subscriptions choose whose alerts they
 * hear. Keys are short lower-case names; values short printable text.
 */
public final class Labels {

    private static final Pattern KEY = Pattern.compile("[a-z0-9]([a-z0-9._/-]{0,62})");

    private Labels() {
    }

    /** A sorted copy of the labels, refused when a key or value is malformed or there are too many; null stays null. */
    public static Map<String, String> checked(Map<String, String> labels) {
        if (labels == null) {
            return null;
        }
        if (labels.size() > EventLimits.LABELS) {
            throw new IllegalArgumentException("labels holds " + labels.size() + " items, more than the " + EventLimits.LABELS + " a target may carry");
        }
        Map<String, String> copy = new TreeMap<>();
        labels.forEach((key, value) -> {
            if (key == null || !KEY.matcher(key).matches()) {
                throw new IllegalArgumentException("label key '" + key + "' must be 1 to 63 lower-case letters, digits, '.', '_', '/' or '-', "
                        + "starting with a letter or digit");
            }
            if (value == null || value.isBlank() || value.length() > 128 || value.chars().anyMatch(Character::isISOControl)) {
                throw new IllegalArgumentException("label '" + key + "' needs a value of 1 to 128 printable characters");
            }
            copy.put(key, value);
        });
        return java.util.Collections.unmodifiableMap(copy);
    }
}
