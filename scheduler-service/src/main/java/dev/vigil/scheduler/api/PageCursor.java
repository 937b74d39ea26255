package dev.vigil.scheduler.api;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.UUID;

/**
 * The {@code next} cursor of a list that pages newest first (the jobs, the audit log), passed back as
 * {@code before}: where a page ended, opaque to clients (URL-safe Base64 of the time the last entry is
 * listed by and its id), so its form may change.
 */
final class PageCursor {

    /** Where a page ended: the last entry's time and id. */
    record Place(Instant at, UUID id) {
    }

    private PageCursor() {
    }

    static String encode(Place place) {
        return Base64.getUrlEncoder().withoutPadding()
                .encodeToString((place.at() + " " + place.id()).getBytes(StandardCharsets.UTF_8));
    }

    static Place decode(String cursor) {
        try {
            String[] parts = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8).split(" ", -1);
            if (parts.length == 2) {
                return new Place(Instant.parse(parts[0]), UUID.fromString(parts[1]));
            }
        } catch (RuntimeException e) {
            // refused below, as anything else that is not a cursor this API gave
        }
        throw new ApiException(400, "Invalid before", "before '" + cursor + "' is not a cursor of this API; pass the 'next' of the "
                + "previous page unchanged, or leave before out for the first page");
    }
}
