package dev.vigil.verifier.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.codec.ArtifactCodec;
import dev.vigil.codec.Compression;
import dev.vigil.codec.Keyring;
import dev.vigil.contracts.Artifact;
import dev.vigil.contracts.ArtifactStored;
import dev.vigil.contracts.JobId;
import dev.vigil.contracts.Sha256;
import dev.vigil.contracts.StoredObject;
import dev.vigil.contracts.TableRowCount;
import dev.vigil.contracts.TargetId;
import dev.vigil.local.LocalS3;
import dev.vigil.messaging.Cancellation;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * A stored backup never fills the verifier's disk, against a real S3 endpoint: what a fetch writes
 * stops at the room it was given, whether the artifact is large or a few kilobytes that decompress
 * to hundreds of megabytes, and the backup's checksum is still checked to the end.
 */
class ArtifactFetchRoomTest {

    private static final String BUCKET = "fetch-room";
    private static final long ROOM = 8L * 1024 * 1024;
    private static final S3Client S3 = LocalS3.shared().client();

    @TempDir
    Path workDir;

    @BeforeAll
    static void bucket() {
        if (S3.listBuckets().buckets().stream().noneMatch(b -> b.name().equals(BUCKET))) {
            S3.createBucket(b -> b.bucket(BUCKET));
        }
    }

    @Test
    void anArtifactThatDecompressesPastTheRoomStopsThereAsNoRoomAfterItsChecksumIsChecked() throws Exception {
        // 256 MB of zeros, a few kilobytes compressed: what a decompression bomb looks like.
        ByteArrayOutputStream compressed = new ByteArrayOutputStream();
        try (OutputStream out = ArtifactCodec.encoder(compressed, Compression.ZSTD, 3, 0, null)) {
            byte[] zeros = new byte[1 << 20];
            for (int i = 0; i < 256; i++) {
                out.write(zeros);
            }
        }
        ArtifactStored stored = put(compressed.toByteArray(), "zstd", Sha256.of(compressed.toByteArray()));

        try (ArtifactFetch.WorkFiles files = new ArtifactFetch.WorkFiles(workDir, "bomb", stored)) {
            assertThatThrownBy(() -> fetch().fetch(stored, files, new Cancellation(), ROOM))
                    .isInstanceOf(ArtifactFetch.NoRoom.class).hasMessageContaining("outgrew the room").hasMessageContaining("8 MB");
            assertThat(Files.size(files.restorable)).as("bytes written before stopping").isLessThanOrEqualTo(ROOM);
        }
    }

    @Test
    void aDamagedArtifactIsDamageEvenWhereItWouldAlsoHaveOutgrownTheRoom() throws Exception {
        ByteArrayOutputStream compressed = new ByteArrayOutputStream();
        try (OutputStream out = ArtifactCodec.encoder(compressed, Compression.ZSTD, 3, 0, null)) {
            out.write(new byte[64 << 20]);
        }
        ArtifactStored stored = put(compressed.toByteArray(), "zstd", "00".repeat(32));

        try (ArtifactFetch.WorkFiles files = new ArtifactFetch.WorkFiles(workDir, "damaged", stored)) {
            assertThat(fetch().fetch(stored, files, new Cancellation(), ROOM)).get().asString().startsWith("artifact checksum mismatch");
        }
    }

    @Test
    void anArtifactWrittenAsItIsStopsAtTheRoomToo() throws Exception {
        byte[] large = new byte[(int) ROOM * 2];
        ArtifactStored stored = put(large, null, Sha256.of(large));

        try (ArtifactFetch.WorkFiles files = new ArtifactFetch.WorkFiles(workDir, "large", stored)) {
            assertThatThrownBy(() -> fetch().fetch(stored, files, new Cancellation(), ROOM)).isInstanceOf(ArtifactFetch.NoRoom.class);
            assertThat(Files.size(files.artifact)).isLessThanOrEqualTo(ROOM);
        }
    }

    @Test
    void anArtifactWithinTheRoomIsFetched() throws Exception {
        byte[] small = "PGDMP a small custom dump".getBytes();
        ArtifactStored stored = put(small, null, Sha256.of(small));

        try (ArtifactFetch.WorkFiles files = new ArtifactFetch.WorkFiles(workDir, "small", stored)) {
            assertThat(fetch().fetch(stored, files, new Cancellation(), ROOM)).isEqualTo(Optional.empty());
            assertThat(Files.readAllBytes(files.artifact)).isEqualTo(small);
        }
    }

    private static ArtifactFetch fetch() {
        return new ArtifactFetch(S3, Keyring.parse(""));
    }

    private static ArtifactStored put(byte[] object, String compression, String sha256) {
        JobId jobId = JobId.random();
        String key = "shop/" + jobId + ".dump";
        S3.putObject(b -> b.bucket(BUCKET).key(key), RequestBody.fromBytes(object));
        return ArtifactStored.now(jobId, new TargetId("shop"), new StoredObject("primary", BUCKET, key), new Artifact("custom", object.length,
                sha256, "15.18", "15.18", List.of(new TableRowCount("public", "t", 1)), compression, null, null));
    }
}
