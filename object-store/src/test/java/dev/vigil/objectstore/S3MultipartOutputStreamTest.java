package dev.vigil.objectstore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.local.LocalS3;
import java.net.URI;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3Client;

/** Against a real S3 endpoint (S3Proxy). */
class S3MultipartOutputStreamTest {

    private static S3Client s3;

    @BeforeAll
    static void client() {
        System.setProperty("aws.accessKeyId", LocalS3.ACCESS_KEY);
        System.setProperty("aws.secretAccessKey", LocalS3.SECRET_KEY);
        s3 = S3Clients.create(new S3Settings(URI.create(LocalS3.shared().endpoint()), LocalS3.REGION, true));
        s3.createBucket(b -> b.bucket("multipart"));
    }

    @Test
    void anObjectLargerThanOnePartArrivesWholeWithItsMetadata() throws Exception {
        byte[] data = new byte[S3MultipartOutputStream.MIN_PART_SIZE * 2 + 12345];
        new Random(5).nextBytes(data);

        try (S3MultipartOutputStream out = new S3MultipartOutputStream(s3, "multipart", "a/big.bin", S3MultipartOutputStream.MIN_PART_SIZE,
                1000, Map.of("sha256", "abc"))) {
            out.write(data, 0, 1000);
            out.write(data, 1000, data.length - 1000);
            out.complete();
            assertThat(out.partsUploaded()).isEqualTo(3);
        }

        var object = s3.getObjectAsBytes(b -> b.bucket("multipart").key("a/big.bin"));
        assertThat(object.asByteArray()).isEqualTo(data);
        assertThat(object.response().metadata()).containsEntry("sha256", "abc");
    }

    @Test
    void anUploadClosedWithoutCompletingLeavesNoObjectAndNoIncompleteUpload() throws Exception {
        try (S3MultipartOutputStream out = new S3MultipartOutputStream(s3, "multipart", "a/abandoned.bin", S3MultipartOutputStream.MIN_PART_SIZE,
                1000, Map.of())) {
            out.write(new byte[S3MultipartOutputStream.MIN_PART_SIZE + 1]);
        }

        assertThat(s3.listObjectsV2(b -> b.bucket("multipart").prefix("a/abandoned")).contents()).isEmpty();
        assertThat(s3.listMultipartUploads(b -> b.bucket("multipart")).uploads()).noneMatch(u -> u.key().equals("a/abandoned.bin"));
    }

    @Test
    void anObjectOutgrowingThePartLimitIsRefusedSayingWhatToChange() throws Exception {
        try (S3MultipartOutputStream out = new S3MultipartOutputStream(s3, "multipart", "a/too-big.bin", S3MultipartOutputStream.MIN_PART_SIZE,
                2, Map.of())) {
            out.write(new byte[S3MultipartOutputStream.MIN_PART_SIZE * 2 + 1]);
            assertThatThrownBy(out::complete).hasMessageContaining("outgrew 2 parts").hasMessageContaining("raise the part size");
        }
        assertThat(s3.listMultipartUploads(b -> b.bucket("multipart")).uploads()).noneMatch(u -> u.key().equals("a/too-big.bin"));
    }

    @Test
    void thePartSizeGrowsWithTheObjectSoAThousandPartLimitIsNeverExceeded() {
        int mib = 1024 * 1024;
        assertThat(S3MultipartOutputStream.partSizeFor(12L * mib, 16 * mib, 1000)).isEqualTo(16 * mib);
        assertThat(S3MultipartOutputStream.partSizeFor(100L * 1024 * mib, 16 * mib, 1000)).isEqualTo(103 * mib);
        assertThat(S3MultipartOutputStream.partSizeFor(300L * 1024 * mib, 16 * mib, 10_000)).isEqualTo(31 * mib);
        for (long size : new long[] {1, 5L * mib, 999L * mib + 1, 16_000L * mib + 3, 2_000_000L * mib}) {
            int part = S3MultipartOutputStream.partSizeFor(size, 5 * mib, 1000);
            assertThat((size + part - 1) / part).as("parts for %d bytes", size).isLessThanOrEqualTo(1000);
            assertThat(part % mib).isZero();
        }
        assertThatThrownBy(() -> S3MultipartOutputStream.partSizeFor(2_100_000L * mib, 5 * mib, 1000))
                .hasMessageContaining("does not fit in 1000 parts");
    }

    @Test
    void leftoversOfAnUploadWhoseAbortNeverArrivedAreAbortedAndNothingElse() {
        String kept = s3.createMultipartUpload(b -> b.bucket("multipart").key("a/leftover.bin.other")).uploadId();
        s3.createMultipartUpload(b -> b.bucket("multipart").key("a/leftover.bin"));
        s3.createMultipartUpload(b -> b.bucket("multipart").key("a/leftover.bin"));

        assertThat(S3MultipartOutputStream.abortLeftovers(s3, "multipart", "a/leftover.bin")).isEqualTo(2);

        assertThat(s3.listMultipartUploads(b -> b.bucket("multipart")).uploads()).extracting(u -> u.uploadId()).contains(kept)
                .hasSize((int) s3.listMultipartUploads(b -> b.bucket("multipart")).uploads().stream().filter(u -> !u.key().equals("a/leftover.bin")).count());
        s3.abortMultipartUpload(b -> b.bucket("multipart").key("a/leftover.bin.other").uploadId(kept));
    }
}
