package dev.vigil.codec;

import java.io.IOException;

/** The artifact's bytes are not what was written: flipped, truncated, reordered, or not a Vigil artifact at all. */
public class ArtifactDamagedException extends IOException {

    public ArtifactDamagedException(String message) {
        super(message);
    }
}
