package dev.vigil.contracts;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/**
 * How many of a target's backups to keep. Grandfather-father-son: the newest verified backup of
 * each of the last {@code daily} days, {@code weekly} ISO weeks, {@code monthly} months and
 * {@code yearly} years (UTC); plus every backup taken in the last {@code keepWithinDays} days (manual
 * and pre-migration backups); and never fewer than {@code minVerified} verified backups. Zero turns a
 * rule off.
 */
@JsonClassDescription("How many of a target's backups to keep: grandfather-father-son tiers over verified backups, a window of days "
        + "in which every backup is kept, and a floor of verified backups.")
public record RetentionPolicy(
        @JsonProperty(required = true) @JsonPropertyDescription("Newest verified backup of each of the last N days (UTC)") int daily,
        @JsonProperty(required = true) @JsonPropertyDescription("Newest verified backup of each of the last N ISO weeks") int weekly,
        @JsonProperty(required = true) @JsonPropertyDescription("Newest verified backup of each of the last N months") int monthly,
        @JsonProperty(required = true) @JsonPropertyDescription("Newest verified backup of each of the last N years") int yearly,
        @JsonProperty(required = true) @JsonPropertyDescription("Every backup taken in the last N days, e.g. manual or pre-migration ones") int keepWithinDays,
        @JsonProperty(required = true) @JsonPropertyDescription("Never fewer verified backups than this, whatever the other rules say") int minVerified) {

    /** 7 daily, 4 weekly, 12 monthly, 3 yearly, everything of the last 7 days, at least 3 verified. */
    public static final RetentionPolicy DEFAULTS = new RetentionPolicy(7, 4, 12, 3, 7, 3);

    public RetentionPolicy {
        atLeastZero(daily, "daily");
        atLeastZero(weekly, "weekly");
        atLeastZero(monthly, "monthly");
        atLeastZero(yearly, "yearly");
        atLeastZero(keepWithinDays, "keepWithinDays");
        atLeastZero(minVerified, "minVerified");
        if (minVerified == 0 && daily + weekly + monthly + yearly == 0) {
            throw new IllegalArgumentException("retention keeps no verified backup at all (daily, weekly, monthly, yearly and minVerified "
                    + "are all 0); set at least minVerified: 1");
        }
    }

    private static void atLeastZero(int value, String field) {
        if (value < 0) {
            throw new IllegalArgumentException("retention." + field + " must be 0 or more, got: " + value);
        }
    }

    @Override
    public String toString() {
        return daily + " daily, " + weekly + " weekly, " + monthly + " monthly, " + yearly + " yearly, all of the last "
                + keepWithinDays + " days, at least " + minVerified + " verified";
    }
}
