package dev.vigil.storage.store;

import java.util.Optional;

/** An object named by an {@code s3://bucket/key} URI, as the dump worker's S3 staging writes them. */
record S3Location(String bucket, String key) {

    static Optional<S3Location> parse(String uri) {
        if (uri == null || !uri.startsWith("s3://")) {
            return Optional.empty();
        }
        String rest = uri.substring("s3://".length());
        int slash = rest.indexOf('/');
        if (slash < 1 || slash == rest.length() - 1) {
            return Optional.empty();
        }
        return Optional.of(new S3Location(rest.substring(0, slash), rest.substring(slash + 1)));
    }

    /** The key of another object in the same folder. */
    String sibling(String name) {
        return key.substring(0, key.lastIndexOf('/') + 1) + name;
    }
}
