package dev.vigil.storage.intake;

import dev.vigil.contracts.EventLimits;
import dev.vigil.contracts.Urls;
import java.net.URI;
import java.net.URISyntaxException;

/**
 * Where a dump made outside Vigil is to be read from: {@code s3://<bucket>/<key>} (read with the
 * storage service's own S3 credentials) or {@code https://<host>/<path>[?<query>]} (e.g. a pre-signed
 * URL). The full URL may hold a credential (a signed query string, user info): only {@link #shown()},
 * without them, may be logged or published. Immutable.
 */
record IntakeUrl(URI uri, String full) {

    /** Parses and checks the form of {@code url}. */
    static IntakeUrl parse(String url) throws IntakeRefused {
        if (url == null || url.isBlank()) {
            throw IntakeRefused.badRequest("url is missing; give the uploaded dump's location, s3://<bucket>/<key> or https://…");
        }
        if (url.length() > EventLimits.URL) {
            throw IntakeRefused.badRequest("url is " + url.length() + " characters long, more than the " + EventLimits.URL + " allowed");
        }
        URI uri;
        try {
            uri = new URI(url.strip());
        } catch (URISyntaxException e) {
            throw IntakeRefused.badRequest("url is not a valid URL (" + e.getReason() + " at index " + e.getIndex()
                    + "); give s3://<bucket>/<key> or https://…, with special characters percent-encoded");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(java.util.Locale.ROOT);
        switch (scheme) {
            case "s3" -> {
                if (uri.getRawAuthority() == null || uri.getRawAuthority().isBlank() || uri.getRawPath() == null || uri.getRawPath().length() < 2) {
                    throw IntakeRefused.badRequest("an s3 URL names a bucket and a key: s3://<bucket>/<key>");
                }
                if (uri.getRawQuery() != null || uri.getRawFragment() != null || uri.getRawUserInfo() != null) {
                    throw IntakeRefused.badRequest("an s3 URL is s3://<bucket>/<key>, without user info, query or fragment");
                }
            }
            case "https" -> {
                if (uri.getHost() == null || uri.getHost().isBlank()) {
                    throw IntakeRefused.badRequest("url names no host; give https://<host>/<path>");
                }
            }
            default -> throw IntakeRefused.badRequest("url scheme '" + (scheme.isEmpty() ? "(none)" : scheme) + "' is not accepted; upload the "
                    + "dump to one of the target's S3 buckets (s3://<bucket>/<key>) or serve it over TLS (https://…)");
        }
        return new IntakeUrl(uri, url.strip());
    }

    boolean isS3() {
        return "s3".equalsIgnoreCase(uri.getScheme());
    }

    String bucket() {
        return uri.getRawAuthority();
    }

    /** The object key, percent-decoded. */
    String key() {
        return uri.getPath().substring(1);
    }

    /** The URL without user info, query string or fragment: what logs, answers and events show. */
    String shown() {
        return Urls.withoutSecrets(uri);
    }

    @Override
    public String toString() {
        return shown();
    }
}
