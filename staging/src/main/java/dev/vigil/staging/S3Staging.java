package dev.vigil.staging;

import dev.vigil.contracts.Artifact;
import dev.vigil.contracts.ArtifactCreated;
import dev.vigil.contracts.Catalog;
import dev.vigil.contracts.CatalogReference;
import dev.vigil.contracts.JobId;
import dev.vigil.contracts.TargetId;
import dev.vigil.contracts.json.EventJson;
import dev.vigil.objectstore.S3MultipartOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

/**
 * Staging in an S3 bucket, for workers on several hosts: {@code <prefix>/<targetId>/<jobId>.<ext>},
 * streamed as a multipart upload (one part in memory) that completes only on commit and is aborted
 * otherwise, with the descriptor {@code <jobId>.json} beside it; announced as an {@code s3://} URI.
 */
final class S3Staging implements Staging, AutoCloseable {

    private final S3Client s3;
    private final String bucket;
    private final String prefix;
    private final int partSize;
    private final Path localWork;

    S3Staging(S3Client s3, String bucket, String prefix, int partSize, Path localWork) {
        this.s3 = s3;
        this.bucket = bucket;
        this.prefix = prefix == null || prefix.isBlank() ? "" : prefix.replaceAll("^/+|/+$", "") + "/";
        this.partSize = partSize;
        this.localWork = localWork;
    }

    @Override
    public Optional<ArtifactCreated> find(TargetId targetId, JobId jobId) {
        try {
            byte[] descriptor = s3.getObjectAsBytes(b -> b.bucket(bucket).key(folder(targetId) + Staging.descriptorName(jobId))).asByteArray();
            return Optional.of(EventJson.read(descriptor, ArtifactCreated.class));
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        }
    }

    @Override
    public Write open(TargetId targetId, JobId jobId, String extension) throws IOException {
        String key = folder(targetId) + Staging.fileName(jobId, extension);
        S3MultipartOutputStream upload = new S3MultipartOutputStream(s3, bucket, key, partSize, 10_000, Map.of());
        // Scratch space for the directory format's files: this user's alone, as they hold the target's data.
        Path work = Files.createDirectories(localWork.resolve(targetId.value()),
                java.nio.file.attribute.PosixFilePermissions.asFileAttribute(java.nio.file.attribute.PosixFilePermissions.fromString("rwx------")));
        // The codec closes what it writes into; the upload must survive that until commit.
        OutputStream unclosable = new FilterOutputStream(upload) {
            @Override
            public void write(byte[] bytes, int offset, int length) throws IOException {
                out.write(bytes, offset, length);
            }

            @Override
            public void close() {
                // completed (or aborted) by the Write
            }
        };
        return new Write() {
            @Override
            public OutputStream stream() {
                return unclosable;
            }

            @Override
            public Path workDir() {
                return work;
            }

            @Override
            public ArtifactCreated commit(Artifact artifact) throws IOException {
                upload.complete();
                Artifact announced = artifact;
                if (artifact.catalog() != null) {
                    String catalogKey = folder(targetId) + Staging.catalogName(jobId);
                    s3.putObject(b -> b.bucket(bucket).key(catalogKey).contentType("application/json"),
                            RequestBody.fromBytes(CatalogReference.document(artifact.catalog())));
                    announced = artifact.withCatalogAt(CatalogReference.to("s3://" + bucket + "/" + catalogKey, artifact.catalog()));
                }
                ArtifactCreated event = ArtifactCreated.now(jobId, targetId, "s3://" + bucket + "/" + key, announced);
                s3.putObject(b -> b.bucket(bucket).key(folder(targetId) + Staging.descriptorName(jobId)).contentType("application/json"),
                        RequestBody.fromBytes(EventJson.write(event)));
                return event;
            }

            @Override
            public void close() {
                upload.close();
            }
        };
    }

    @Override
    public InputStream read(ArtifactCreated created) throws StagingUnusableException {
        String key = staged(created).orElseThrow(() -> new StagingUnusableException("staging location " + created.stagingUri()
                + " is not where the staging bucket " + bucket + " (prefix '" + prefix + "') keeps job " + created.jobId() + " of target "
                + created.targetId() + "; nothing was read. The dump worker and the storage service must use the same vigil.staging settings"));
        try {
            return s3.getObject(b -> b.bucket(bucket).key(key));
        } catch (NoSuchKeyException e) {
            throw new StagingUnusableException("the staged artifact " + created.stagingUri() + " is not in the staging bucket; it may have been "
                    + "stored and removed already, or staged on another endpoint than the storage service's vigil.staging.endpoint");
        }
    }

    @Override
    public Optional<Catalog> readCatalog(ArtifactCreated created) throws StagingUnusableException {
        CatalogReference reference = created.artifact().catalogRef();
        if (reference == null) {
            return Optional.empty();
        }
        String key = folder(created.targetId()) + Staging.catalogName(created.jobId());
        if (!reference.uri().equals("s3://" + bucket + "/" + key)) {
            throw new StagingUnusableException("the catalog reference " + reference.uri() + " is not where the staging bucket " + bucket
                    + " keeps job " + created.jobId() + "'s catalog; nothing was read");
        }
        try {
            return Optional.of(reference.readFrom(s3.getObjectAsBytes(b -> b.bucket(bucket).key(key)).asByteArray()));
        } catch (SdkException | IllegalArgumentException e) {
            throw new StagingUnusableException("the staged catalog " + reference.uri() + " cannot be used: " + e.getMessage());
        }
    }

    @Override
    public void remove(ArtifactCreated created) throws IOException {
        Optional<String> key = staged(created);
        if (key.isEmpty()) {
            return;
        }
        try {
            s3.deleteObject(b -> b.bucket(bucket).key(key.get()));
            s3.deleteObject(b -> b.bucket(bucket).key(folder(created.targetId()) + Staging.catalogName(created.jobId())));
            s3.deleteObject(b -> b.bucket(bucket).key(folder(created.targetId()) + Staging.descriptorName(created.jobId())));
        } catch (SdkException e) {
            throw new IOException("could not remove " + created.stagingUri() + " from the staging bucket: " + e.getMessage(), e);
        }
    }

    @Override
    public Probe probe() throws IOException {
        String key = prefix + Staging.PROBE_PREFIX + UUID.randomUUID();
        try {
            s3.putObject(b -> b.bucket(bucket).key(key).contentType("text/plain"), RequestBody.fromString("vigil dry run probe\n"));
        } catch (SdkException e) {
            throw new IOException("could not write a probe object to the staging bucket s3://" + bucket + "/" + prefix + ": " + e.getMessage()
                    + " Check that the bucket exists on vigil.staging.endpoint and that this service's credentials may write to it", e);
        }
        try {
            s3.deleteObject(b -> b.bucket(bucket).key(key));
        } catch (SdkException e) {
            throw new IOException("wrote the probe object s3://" + bucket + "/" + key + " but could not remove it: " + e.getMessage()
                    + " Staging needs delete rights too (the storage service removes what it stored); remove the probe by hand", e);
        }
        return new Probe("s3://" + bucket + "/" + prefix, OptionalLong.empty());
    }

    /** The key the event's {@code s3://} URI names, if it is where this bucket stages the event's job. */
    private Optional<String> staged(ArtifactCreated created) {
        String uri = created.stagingUri();
        String ours = "s3://" + bucket + "/" + folder(created.targetId());
        if (uri == null || !uri.startsWith(ours) || !Staging.isArtifactOf(uri.substring(ours.length()), created.jobId())) {
            return Optional.empty();
        }
        return Optional.of(uri.substring(("s3://" + bucket + "/").length()));
    }

    /** Closes the S3 client (called by Spring when the context closes). */
    @Override
    public void close() {
        s3.close();
    }

    @Override
    public String toString() {
        return "s3://" + bucket + "/" + prefix;
    }

    private String folder(TargetId targetId) {
        return prefix + targetId.value() + "/";
    }
}
