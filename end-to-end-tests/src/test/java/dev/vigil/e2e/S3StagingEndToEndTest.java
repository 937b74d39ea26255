package dev.vigil.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.dev.EmbeddedStack;
import dev.vigil.local.DemoDatabase;
import dev.vigil.local.FreePorts;
import dev.vigil.local.LocalKafka;
import dev.vigil.local.LocalPostgres;
import dev.vigil.local.LocalS3;
import dev.vigil.local.ServiceTestSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3Client;
import tools.jackson.databind.JsonNode;

/** Workers on several hosts stage in an S3 bucket: the whole pipeline with S3 staging ends VERIFIED and leaves staging empty. */
class S3StagingEndToEndTest {

    private static JobsApi api;
    private static EmbeddedStack stack;
    private static S3Client s3;

    @BeforeAll
    static void start() throws Exception {
        LocalPostgres postgres = LocalPostgres.shared();
        ServiceTestSettings.s3Credentials();
        s3 = LocalS3.shared().client();
        s3.createBucket(b -> b.bucket("e2e-staging"));
        postgres.createDatabase("vigil_s3staging");
        DemoDatabase.load(postgres, "shop_s3staging");
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        Path targets = Files.writeString(tmp.resolve("s3staging-targets.yml"), """
                targets:
                  - id: shop
                    host: 127.0.0.1
                    port: %d
                    database: shop_s3staging
                    username: postgres
                """.formatted(postgres.port()));
        stack = EmbeddedStack.start(new EmbeddedStack.Settings(LocalKafka.shared().bootstrapServers(), LocalKafka.shared()::password, postgres.jdbcUrl("vigil_s3staging"),
                LocalPostgres.SUPERUSER, LocalS3.shared().endpoint(), "s3staging-backups", tmp.resolve("s3staging-local"),
                tmp.resolve("s3staging-verify"), postgres.host(), postgres.port(), postgres.verifierRole().role(), targets, FreePorts.next(),
                Map.of("vigil.staging.bucket", "e2e-staging", "vigil.staging.endpoint", LocalS3.shared().endpoint())));
        api = new JobsApi(stack);
    }

    @AfterAll
    static void stop() {
        if (stack != null) {
            stack.close();
        }
        s3.close();
        if (api != null) {
            api.close();
        }
    }

    @Test
    void aBackupStagedInS3IsStoredVerifiedAndLeavesStagingEmpty() throws Exception {
        String jobId = api.requestBackup("shop");

        JsonNode job = api.awaitFinal(jobId, Duration.ofSeconds(120));

        assertThat(job.get("status").asString()).as(job.toString()).isEqualTo("VERIFIED");
        assertThat(s3.listObjectsV2(b -> b.bucket("s3staging-backups").prefix("shop/")).contents())
                .anyMatch(o -> o.key().contains(jobId));
        assertThat(s3.listObjectsV2(b -> b.bucket("e2e-staging")).contents()).as("objects left in staging").isEmpty();
    }
}
