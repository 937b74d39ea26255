package dev.vigil.scheduler.api;

import dev.vigil.scheduler.job.JobPage;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.UUID;

/**
 * The {@code next} cursor of the jobs list, passed back as {@code before}: where a page ended, opaque
 * to clients (URL-safe Base64 of the time the last job is listed by and its id), so its form may change.
 */
final class JobCursor {

    private JobCursor() {
    }

    static String encode(JobPage.Position position) {
        return Base64.getUrlEncoder().withoutPadding()
                .encodeToString((position.listedAt() + " " + position.jobId()).getBytes(StandardCharsets.UTF_8));
    }

    static JobPage.Position decode(String cursor) {
        try {
            String[] parts = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8).split(" ", -1);
            if (parts.length == 2) {
                return new JobPage.Position(Instant.parse(parts[0]), UUID.fromString(parts[1]));
            }
        } catch (RuntimeException e) {
            // refused below, as anything else that is not a cursor this API gave
        }
        throw new ApiException(400, "Invalid before", "before '" + cursor + "' is not a cursor of this API; pass the 'next' of the "
                + "previous page unchanged, or leave before out for the first page");
    }
}
