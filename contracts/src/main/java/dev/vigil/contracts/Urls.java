package dev.vigil.contracts;

import java.net.URI;
import java.util.Locale;

/** URLs as events, logs and answers may show them. */
public final class Urls {

    private Urls() {
    }

    /**
     * The URL without what may be a credential: scheme (lower case), host (or, for a name that is no
     * host name, such as some bucket names, the authority without user info), port and path; never user
     * info, query string (a pre-signed URL's signature) or fragment. How {@code ArtifactStored.registeredFrom}
     * and a registered job's {@code artifactUrl} are written.
     */
    public static String withoutSecrets(URI uri) {
        String host = uri.getHost() != null ? uri.getHost()
                : uri.getRawAuthority() == null ? "" : uri.getRawAuthority().replaceFirst("^.*@", "");
        return (uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT)) + "://" + host
                + (uri.getHost() == null || uri.getPort() < 0 ? "" : ":" + uri.getPort()) + (uri.getRawPath() == null ? "" : uri.getRawPath());
    }
}
