package dev.vigil.worker.dump;

import dev.vigil.contracts.Artifact;
import dev.vigil.contracts.ArtifactCreated;
import dev.vigil.contracts.BackupRequested;
import dev.vigil.contracts.json.EventJson;
import dev.vigil.objectstore.S3MultipartOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

/**
 * Staging in an S3 bucket, for workers on several hosts: {@code <prefix>/<targetId>/<jobId>.<ext>},
 * streamed as a multipart upload (one part in memory) that completes only on commit and is aborted
 * otherwise, with the descriptor {@code <jobId>.json} beside it.
 */
final class S3Staging implements Staging {

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
    public Optional<ArtifactCreated> find(BackupRequested request) {
        try {
            byte[] descriptor = s3.getObjectAsBytes(b -> b.bucket(bucket).key(key(request, "json"))).asByteArray();
            return Optional.of(EventJson.read(descriptor, ArtifactCreated.class));
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        }
    }

    @Override
    public Write open(BackupRequested request, String extension) throws IOException {
        String key = key(request, extension);
        S3MultipartOutputStream upload = new S3MultipartOutputStream(s3, bucket, key, partSize, 10_000, Map.of());
        Path work = Files.createDirectories(localWork.resolve(request.targetId().value()));
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
                ArtifactCreated event = ArtifactCreated.now(request.jobId(), request.targetId(), "s3://" + bucket + "/" + key, artifact);
                s3.putObject(b -> b.bucket(bucket).key(key(request, "json")).contentType("application/json"),
                        RequestBody.fromBytes(EventJson.write(event)));
                return event;
            }

            @Override
            public void close() {
                upload.close();
            }
        };
    }

    private String key(BackupRequested request, String extension) {
        return prefix + request.targetId().value() + "/" + request.jobId() + "." + extension;
    }
}
