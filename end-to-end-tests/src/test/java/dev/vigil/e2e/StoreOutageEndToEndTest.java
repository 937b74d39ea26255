package dev.vigil.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.dev.EmbeddedStack;
import dev.vigil.local.Arrivals;
import dev.vigil.local.DemoDatabase;
import dev.vigil.local.FaultyProxy;
import dev.vigil.local.FreePorts;
import dev.vigil.local.LocalKafka;
import dev.vigil.local.LocalPostgres;
import dev.vigil.local.LocalS3;
import dev.vigil.local.ServiceTestSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3Client;
import tools.jackson.databind.JsonNode;

/**
 * The whole pipeline while the S3 endpoint is stopped for a while (the storage service and the
 * verifier reach it through a proxy that refuses connections): backups dumped meanwhile wait in
 * staging, and once the endpoint is back each ends VERIFIED, stored exactly once.
 */
class StoreOutageEndToEndTest {

    private static final String BUCKET = "outage-backups";
    private static FaultyProxy proxy;
    private static JobsApi api;
    private static EmbeddedStack stack;
    private static S3Client s3;

    @BeforeAll
    static void start() throws Exception {
        LocalPostgres postgres = LocalPostgres.shared();
        ServiceTestSettings.s3Credentials();
        s3 = LocalS3.shared().client();
        proxy = FaultyProxy.start("127.0.0.1", LocalS3.shared().port());
        postgres.createDatabase("vigil_outage");
        DemoDatabase.load(postgres, "shop_outage");
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        Path targets = Files.writeString(tmp.resolve("outage-targets.yml"), """
                targets:
                  - {id: shop-a, host: 127.0.0.1, port: %d, database: shop_outage, username: postgres}
                  - {id: shop-b, host: 127.0.0.1, port: %d, database: shop_outage, username: postgres}
                """.formatted(postgres.port(), postgres.port()));
        stack = EmbeddedStack.start(new EmbeddedStack.Settings(LocalKafka.shared().bootstrapServers(), LocalKafka.shared()::password, postgres.jdbcUrl("vigil_outage"),
                LocalPostgres.SUPERUSER, proxy.endpoint(), BUCKET, tmp.resolve("outage-staging"), tmp.resolve("outage-verify"),
                postgres.host(), postgres.port(), postgres.verifierRole().role(), targets, FreePorts.next(),
                Map.of("vigil.storage.upload.attempts", "2",
                        "vigil.storage.upload.initial-backoff", "100ms",
                        "vigil.storage.upload.circuit-open-for", "1s",
                        "vigil.storage.upload.pending-initial-wait", "500ms",
                        "vigil.storage.upload.pending-max-wait", "2s",
                        "vigil.storage.upload.pending-check", "300ms")));
        api = new JobsApi(stack);
    }

    @AfterAll
    static void stop() {
        if (stack != null) {
            stack.close();
        }
        if (api != null) {
            api.close();
        }
        proxy.close();
        s3.close();
    }

    @Test
    void backupsTakenWhileTheStoreIsDownEndVerifiedOnceItReturnsEachStoredOnce() throws Exception {
        List<String> jobs;
        proxy.down();
        try {
            jobs = List.of(api.requestBackup("shop-a"), api.requestBackup("shop-b"));
            for (String jobId : jobs) {
                api.awaitStatus(jobId, "DUMPED", Duration.ofSeconds(120));
            }
            // Long enough for the storage service's upload attempts, open circuit and pending rechecks to go round more than once.
            List<String> dumped = jobs;
            Arrivals.of("jobs past DUMPED while the store is down", () -> dumped.stream().filter(jobId -> !status(jobId).equals("DUMPED")).toList())
                    .noMoreArriveWithin(Duration.ofSeconds(3));
            for (String jobId : jobs) {
                assertThat(api.job(jobId).get("status").asString()).as("a job whose store is down, after 3 s").isEqualTo("DUMPED");
            }
        } finally {
            proxy.up();
        }

        for (String jobId : jobs) {
            JsonNode job = api.awaitFinal(jobId, Duration.ofSeconds(120));
            assertThat(job.get("status").asString()).as(job.toString()).isEqualTo("VERIFIED");
            assertThat(s3.listObjectsV2(b -> b.bucket(BUCKET)).contents())
                    .filteredOn(o -> o.key().contains(jobId) && !o.key().endsWith(".manifest.json")).as("copies of job %s", jobId).hasSize(1);
        }
    }

    private static String status(String jobId) {
        try {
            return api.job(jobId).get("status").asString();
        } catch (Exception e) {
            throw new IllegalStateException("could not read job " + jobId, e);
        }
    }
}
