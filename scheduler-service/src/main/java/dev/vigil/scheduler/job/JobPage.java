package dev.vigil.scheduler.job;

import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * One page of jobs, newest first, and where the next page starts: before {@code next}, or nowhere
 * when this page is the last.
 */
public record JobPage(List<Job> jobs, @Nullable Position next) {

    /** A place in the list, newest first: the time a job is listed by, then its id. Jobs "before" it are older. */
    public record Position(Instant listedAt, UUID jobId) {
    }
}
