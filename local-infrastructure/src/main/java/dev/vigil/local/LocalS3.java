package dev.vigil.local;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import java.net.URI;
import java.nio.file.Path;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.gaul.s3proxy.nio2blob.FilesystemNio2BlobStore;
import org.gaul.s3proxy.nio2blob.TransientNio2BlobStore;

/**
 * A real S3 API endpoint (S3Proxy) on loopback, with AWS V4 signatures. Data lives in memory, or
 * in a directory when it must survive a restart. Clients need path-style addressing.
 */
public final class LocalS3 implements AutoCloseable {

    public static final String ACCESS_KEY = "vigil-local";
    public static final String SECRET_KEY = "vigil-local-secret";
    public static final String REGION = "us-east-1";
    private static final Shared<LocalS3> SHARED = new Shared<>(() -> start(null, 0));

    private final S3Proxy proxy;
    private final int port;

    private LocalS3(S3Proxy proxy, int port) {
        this.proxy = proxy;
        this.port = port;
    }

    public static LocalS3 shared() {
        return SHARED.get();
    }

    /** Starts an endpoint keeping objects under {@code dataDir}, or in memory when it is null; port 0 for any free port. */
    public static LocalS3 start(Path dataDir, int port) {
        int chosen = port > 0 ? port : FreePorts.next();
        BlobStore store = dataDir == null ? new TransientNio2BlobStore() : new FilesystemNio2BlobStore(dataDir.toAbsolutePath().toString());
        S3Proxy proxy = S3Proxy.builder()
                .blobStore(store)
                .endpoint(URI.create("http://127.0.0.1:" + chosen))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
                .ignoreUnknownHeaders(true)
                .build();
        try {
            proxy.start();
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (!"STARTED".equals(proxy.getState())) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("S3Proxy did not start: " + proxy.getState());
                }
                Thread.sleep(10);
            }
        } catch (Exception e) {
            throw new IllegalStateException("could not start the local S3 endpoint on port " + chosen, e);
        }
        return new LocalS3(proxy, chosen);
    }

    public String endpoint() {
        return "http://127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    /** A client of this endpoint (its credentials, path-style), for tests that look at what services stored. Close it after use. */
    public S3Client client() {
        return S3Client.builder().endpointOverride(URI.create(endpoint())).forcePathStyle(true).region(Region.of(REGION))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY))).build();
    }

    @Override
    public void close() throws Exception {
        proxy.stop();
    }
}
