package dev.vigil.worker.dump;

import dev.vigil.contracts.Artifact;
import dev.vigil.contracts.ArtifactCreated;
import dev.vigil.contracts.BackupRequested;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where finished artifacts wait for the storage service: a local directory (one host, or a shared
 * volume) or an S3 bucket (several hosts). Each staged artifact has a descriptor beside it, the
 * {@link ArtifactCreated} that announced it, so a redelivered request announces it again unchanged.
 */
interface Staging {

    /** The announcement of this job's artifact, if a complete one is staged. */
    Optional<ArtifactCreated> find(BackupRequested request) throws IOException;

    /** Starts writing this job's artifact; nothing is visible to the storage service until {@link Write#commit}. */
    Write open(BackupRequested request, String extension) throws IOException;

    /** One artifact being written. Closing it without a commit removes what was written. */
    interface Write extends AutoCloseable {

        /** Where the artifact's bytes go; closing this stream does not commit. */
        OutputStream stream();

        /** Local scratch space for pg_dump's directory format. */
        Path workDir();

        /** Makes the artifact visible, stores its descriptor and answers the announcement to publish. */
        ArtifactCreated commit(Artifact artifact) throws IOException;

        @Override
        void close() throws IOException;
    }
}
