package dev.vigil.staging;

import dev.vigil.contracts.Artifact;
import dev.vigil.contracts.ArtifactCreated;
import dev.vigil.contracts.Catalog;
import dev.vigil.contracts.JobId;
import dev.vigil.contracts.TargetId;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Where finished artifacts wait between the dump worker, which writes them, and the storage service,
 * which reads and removes them: a directory (one host, or a volume both mount at the same path) or an
 * S3 bucket (workers on several hosts). The one owner of the layout
 * ({@code <targetId>/<jobId>.<extension>}), of the descriptor beside each artifact (the
 * {@link ArtifactCreated} that announced it, {@code <jobId>.json}, so a redelivered request is
 * announced again unchanged), and of the staging URIs in events ({@code file:} or {@code s3://}).
 * Reading and removing accept only what this staging area would have written for the event's job:
 * an event cannot point them anywhere else. Implementations are thread-safe.
 */
public interface Staging {

    /** The announcement of this job's artifact, if a complete one is staged. */
    Optional<ArtifactCreated> find(TargetId targetId, JobId jobId) throws IOException;

    /**
     * Starts writing this job's artifact, named with {@code extension} ({@link Artifact#fileExtension()});
     * nothing is visible to readers until {@link Write#commit}.
     */
    Write open(TargetId targetId, JobId jobId, String extension) throws IOException;

    /**
     * The staged artifact's bytes. The caller closes the stream.
     *
     * @throws StagingUnusableException the event names a place this staging area does not write for its
     *                                  job, or the artifact is not there: a permanent failure, with what to fix
     */
    InputStream read(ArtifactCreated created) throws StagingUnusableException, IOException;

    /**
     * The catalog the event's artifact refers to, staged beside it ({@code <jobId>.catalog.json}),
     * checked against the reference; empty when the artifact has none, or holds it itself (events
     * before version 3).
     *
     * @throws StagingUnusableException the reference names a place this staging area does not write for
     *                                  the event's job, or the catalog there is missing or not the one referred to
     */
    Optional<Catalog> readCatalog(ArtifactCreated created) throws StagingUnusableException, IOException;

    /** Removes the staged artifact, its catalog and its descriptor, if they exist; an event naming another place removes nothing. */
    void remove(ArtifactCreated created) throws IOException;

    /**
     * Writes a small probe object where artifacts go and removes it again, for a dry run: proves this
     * process may write to the staging area, and leaves nothing a reader could take for an artifact
     * (the probe is named outside every target's folder). A missing staging directory is created,
     * as the first dump would.
     *
     * @throws IOException naming the directory or bucket and what failed, writing or removing
     */
    Probe probe() throws IOException;

    /**
     * What a {@link #probe} found.
     *
     * @param location    where the probe was written and removed ({@code file:} or {@code s3://} URI)
     * @param usableBytes the space left for artifacts, where the staging area can tell (a directory); empty for a bucket
     */
    record Probe(String location, OptionalLong usableBytes) {
    }

    /** The prefix of a probe's name: a dot-file, never a target's folder (target ids start with a letter or digit). */
    String PROBE_PREFIX = ".vigil-probe-";

    /** One artifact being written. Closing it without a commit removes what was written. */
    interface Write extends AutoCloseable {

        /** Where the artifact's bytes go; closing this stream does not commit. */
        OutputStream stream();

        /** Local scratch space, e.g. for pg_dump's directory format. */
        Path workDir();

        /**
         * Makes the artifact visible, stores its catalog (if it has one) beside it, then its descriptor,
         * and answers the announcement to publish: the artifact referring to its catalog, not holding it.
         */
        ArtifactCreated commit(Artifact artifact) throws IOException;

        @Override
        void close() throws IOException;
    }

    /** The name a job's artifact is staged under: {@code <jobId>.<extension>}. */
    static String fileName(JobId jobId, String extension) {
        return jobId + "." + extension.replaceFirst("^\\.", "");
    }

    /** Whether {@code name} is what this layout names the job's artifact: {@code <jobId>.<extension>}, not its descriptor. */
    static boolean isArtifactOf(String name, JobId jobId) {
        return name.startsWith(jobId + ".") && name.length() > (jobId + ".").length() && !name.equals(descriptorName(jobId))
                && !name.equals(catalogName(jobId))
                && name.indexOf('/') < 0 && name.indexOf('\\') < 0 && !name.endsWith(".partial");
    }

    /** The staged catalog's name beside the artifact. */
    static String catalogName(JobId jobId) {
        return jobId + ".catalog.json";
    }

    /** The descriptor's name beside the artifact. */
    static String descriptorName(JobId jobId) {
        return jobId + ".json";
    }
}
