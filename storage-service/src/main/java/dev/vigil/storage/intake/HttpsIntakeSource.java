package dev.vigil.storage.intake;

import dev.vigil.contracts.Urls;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * An object served over https, e.g. a pre-signed URL: TLS verified against the JVM's trust store,
 * every host checked against {@link PublicHosts} (unless private hosts are allowed) before each
 * request, redirects followed only after the same check (at most 5), user info sent as Basic
 * authentication to the URL's own host only. The body streams, whatever its size; a transfer that
 * stalls for longer than the read timeout is cut.
 */
final class HttpsIntakeSource implements IntakeSource {

    private static final int MAX_REDIRECTS = 5;

    private final HttpClient client;
    private final IntakeUrl url;
    private final boolean allowPrivateHosts;
    private final Duration readTimeout;
    private final ScheduledExecutorService watchdog;

    HttpsIntakeSource(HttpClient client, IntakeUrl url, boolean allowPrivateHosts, Duration readTimeout, ScheduledExecutorService watchdog) {
        this.client = client;
        this.url = url;
        this.allowPrivateHosts = allowPrivateHosts;
        this.readTimeout = readTimeout;
        this.watchdog = watchdog;
    }

    /** Refuses a host that resolves to a private address (SSRF), unless vigil.storage.intake-allow-private-hosts allows them. */
    static void checkHost(URI uri, boolean allowPrivateHosts) throws IntakeRefused {
        if (!"https".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null) {
            throw IntakeRefused.badRequest("only https URLs are read, and " + Urls.withoutSecrets(uri) + " is not one");
        }
        if (allowPrivateHosts) {
            return;
        }
        try {
            Optional<java.net.InetAddress> inside = PublicHosts.firstPrivate(uri.getHost());
            if (inside.isPresent()) {
                throw IntakeRefused.badRequest("host " + uri.getHost() + " resolves to " + inside.get().getHostAddress() + ", a loopback, "
                        + "link-local, private or local address, which the storage service does not read from; serve the dump from a public "
                        + "host or upload it to the target's bucket (s3://…), or set vigil.storage.intake-allow-private-hosts=true");
            }
        } catch (UnknownHostException e) {
            throw IntakeRefused.badRequest("host " + uri.getHost() + " is not known (DNS); correct the URL");
        }
    }

    @Override
    public Head head(int length) throws IntakeRefused {
        try {
            HttpResponse<InputStream> response = send(Optional.of(length));
            try (InputStream in = response.body()) {
                int status = response.statusCode();
                if (status == 404 || status == 410) {
                    throw IntakeRefused.unusable("no object at " + url.shown() + " (HTTP " + status + "); upload the dump there first, or correct "
                            + "the URL");
                }
                if (status == 401 || status == 403) {
                    throw IntakeRefused.unusable("the server refused to serve " + url.shown() + " (HTTP " + status + ", access denied); give a "
                            + "URL that may be read, e.g. a pre-signed URL that has not expired");
                }
                if (status == 416) {
                    throw IntakeRefused.unusable("the object at " + url.shown() + " is empty; upload the whole dump made with pg_dump -Fc");
                }
                if (status != 200 && status != 206) {
                    throw new IntakeRefused(502, "the server answered HTTP " + status + " for " + url.shown() + "; try again later");
                }
                return new Head(in.readNBytes(length), size(response));
            }
        } catch (HttpTimeoutException e) {
            throw new IntakeRefused(504, "the server did not answer in time for " + url.shown() + "; try again later");
        } catch (IOException e) {
            throw new IntakeRefused(502, "could not read " + url.shown() + " (" + e.getMessage() + "); try again later");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IntakeRefused(503, "the storage service is stopping; try again");
        }
    }

    @Override
    public InputStream open() throws IOException {
        HttpResponse<InputStream> response;
        try {
            response = send(Optional.empty());
        } catch (IntakeRefused e) {
            throw new Unreadable(e.getMessage(), true, e);
        } catch (HttpTimeoutException e) {
            throw new Unreadable("the server did not answer in time for " + url.shown(), false, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("stopped while asking for " + url.shown());
        }
        int status = response.statusCode();
        if (status != 200) {
            response.body().close();
            boolean lasting = status >= 400 && status < 500 && status != 408 && status != 429;
            throw new Unreadable("the server answered HTTP " + status + " for " + url.shown()
                    + (status == 404 || status == 410 ? ": the dump is gone; upload it again and register it against a new job"
                    : status == 401 || status == 403 ? ": access denied (an expired pre-signed URL?); register the dump against a new job with "
                    + "a URL that may be read" : ""), lasting, null);
        }
        return new StallGuard(response.body());
    }

    /** One GET, following redirects after checking each hop's host. */
    private HttpResponse<InputStream> send(Optional<Integer> firstBytes) throws IOException, InterruptedException, IntakeRefused {
        URI current = url.uri();
        for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
            checkHost(current, allowPrivateHosts);
            URI target = withoutUserInfo(current);
            HttpRequest.Builder request = HttpRequest.newBuilder(target).GET().timeout(readTimeout);
            firstBytes.ifPresent(n -> request.header("Range", "bytes=0-" + (n - 1)));
            if (current.getRawUserInfo() != null && current.getHost().equalsIgnoreCase(url.uri().getHost())) {
                request.header("Authorization", "Basic " + Base64.getEncoder().encodeToString(current.getUserInfo().getBytes(StandardCharsets.UTF_8)));
            }
            HttpResponse<InputStream> response = client.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
            int status = response.statusCode();
            if (status != 301 && status != 302 && status != 303 && status != 307 && status != 308) {
                return response;
            }
            response.body().close();
            String location = response.headers().firstValue("Location")
                    .orElseThrow(() -> IntakeRefused.unusable("the server redirected " + url.shown() + " (HTTP " + status + ") without a Location"));
            // A redirect may go elsewhere, but only where a URL given by the operator could go: https, and a public host.
            current = target.resolve(location);
        }
        throw IntakeRefused.unusable("the server redirected " + url.shown() + " more than " + MAX_REDIRECTS + " times; give the final URL");
    }

    private static URI withoutUserInfo(URI uri) {
        try {
            return new URI(uri.getScheme(), null, uri.getHost(), uri.getPort(), uri.getPath(), uri.getQuery(), null);
        } catch (java.net.URISyntaxException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static long size(HttpResponse<?> response) {
        Optional<String> range = response.headers().firstValue("Content-Range");
        if (range.isPresent() && range.get().contains("/") && !range.get().endsWith("/*")) {
            return Long.parseLong(range.get().substring(range.get().lastIndexOf('/') + 1).strip());
        }
        return response.statusCode() == 200 ? response.headers().firstValueAsLong("Content-Length").orElse(-1) : -1;
    }

    /**
     * Cuts a transfer that has not moved for the read timeout: HttpClient's own timeout ends at the
     * response's headers, and a body read would otherwise wait for good. Interrupting the reading
     * thread ends its wait with an IOException.
     */
    private final class StallGuard extends FilterInputStream {
        private final Thread reader = Thread.currentThread();
        private volatile long lastProgress = System.nanoTime();
        private volatile boolean stalled;
        private final ScheduledFuture<?> check;

        StallGuard(InputStream in) {
            super(in);
            long period = Math.max(100, readTimeout.toMillis() / 4);
            check = watchdog.scheduleAtFixedRate(() -> {
                if (System.nanoTime() - lastProgress > readTimeout.toNanos() && !stalled) {
                    stalled = true;
                    reader.interrupt();
                }
            }, period, period, TimeUnit.MILLISECONDS);
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            try {
                int n = super.read(b, off, len);
                lastProgress = System.nanoTime();
                return n;
            } catch (IOException e) {
                if (stalled) {
                    Thread.interrupted();
                    throw new Unreadable("the transfer of " + url.shown() + " stalled for longer than " + readTimeout, false, e);
                }
                throw e;
            }
        }

        @Override
        public void close() throws IOException {
            check.cancel(false);
            if (stalled) {
                Thread.interrupted();
            }
            super.close();
        }
    }
}
