package dev.vigil.scheduler.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class RegisteredJobsUrlTest {

    @Test
    void theShownUrlKeepsNoCredentialsQueryOrFragment() {
        assertThat(RegisteredJobs.shown("https://user:secret@exports.example.com:8443/db/x.dump?X-Amz-Signature=abc#f"))
                .isEqualTo("https://exports.example.com:8443/db/x.dump");
        assertThat(RegisteredJobs.shown("s3://vigil-backups/incoming/orders.dump")).isEqualTo("s3://vigil-backups/incoming/orders.dump");
        assertThat(RegisteredJobs.shown(" S3://vigil-backups/incoming/a%20b.dump ")).isEqualTo("s3://vigil-backups/incoming/a%20b.dump");
    }

    @Test
    void aUrlOtherThanS3OrHttpsIsRefusedSayingWhatToGive() {
        assertThatThrownBy(() -> RegisteredJobs.shown("http://exports.example.com/x.dump")).hasMessageContaining("s3://bucket/key");
        assertThatThrownBy(() -> RegisteredJobs.shown("file:///etc/passwd")).hasMessageContaining("scheme file");
        assertThatThrownBy(() -> RegisteredJobs.shown("s3://bucket with space/k")).hasMessageContaining("not a URL");
    }
}
