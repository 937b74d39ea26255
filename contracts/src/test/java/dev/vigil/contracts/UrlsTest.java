package dev.vigil.contracts;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import org.junit.jupiter.api.Test;

class UrlsTest {

    @Test
    void userInfoQueryAndFragmentAreLeftOutSchemeHostPortAndPathKept() {
        assertThat(Urls.withoutSecrets(URI.create("https://user:secret@exports.example.com:8443/db/x%20y.dump?X-Amz-Signature=abc#f")))
                .isEqualTo("https://exports.example.com:8443/db/x%20y.dump");
        assertThat(Urls.withoutSecrets(URI.create("S3://vigil-backups/incoming/orders.dump"))).isEqualTo("s3://vigil-backups/incoming/orders.dump");
        assertThat(Urls.withoutSecrets(URI.create("s3://team_dumps/incoming/a.dump"))).as("a bucket name that is no host name")
                .isEqualTo("s3://team_dumps/incoming/a.dump");
    }
}
