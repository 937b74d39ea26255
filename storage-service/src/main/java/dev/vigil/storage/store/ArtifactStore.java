package dev.vigil.storage.store;

import java.io.IOException;
import java.nio.file.Path;

/** A destination that holds artifacts under keys. One real adapter: {@link S3ArtifactStore}. */
public interface ArtifactStore {

    /** Uploads {@code file} under {@code key}, recording its SHA-256 with the object. */
    void put(String key, Path file, String sha256) throws IOException;

    String bucket();
}
