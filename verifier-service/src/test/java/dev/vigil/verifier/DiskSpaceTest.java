package dev.vigil.verifier;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.contracts.Artifact;
import dev.vigil.contracts.ArtifactStored;
import dev.vigil.contracts.BackupVerified;
import dev.vigil.contracts.JobId;
import dev.vigil.contracts.StoredObject;
import dev.vigil.contracts.TableRowCount;
import dev.vigil.contracts.TargetId;
import dev.vigil.contracts.Verdict;
import dev.vigil.local.LocalS3;
import dev.vigil.local.ServiceTestSettings;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A work directory without room for the download is the verifier's problem, not the backup's: the
 * verdict is INCONCLUSIVE and says how much is free and needed, before anything is downloaded.
 */
@DirtiesContext
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "spring.config.name=verifier-service")
class DiskSpaceTest {

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        ServiceTestSettings.s3Credentials();
        ServiceTestSettings.kafkaAndDatabase(registry, VerifierApplication.NAME, "verifier_disk_test");
        registry.add("vigil.verifier.endpoint", () -> LocalS3.shared().endpoint());
        Verifications.scratchAsVerifierRole(registry);
        registry.add("vigil.verifier.instance-id", () -> "disk-1");
        registry.add("vigil.verifier.work-dir", () -> Path.of(System.getProperty("java.io.tmpdir"), "verify-disk").toString());
        // More than any disk here has: whatever the backup's size, there is no room for it.
        registry.add("vigil.verifier.keep-free", () -> "1000000TB");
    }

    @Test
    void aWorkDirectoryWithoutRoomGivesAnEnvironmentVerdictSayingHowMuchIsNeeded() {
        JobId jobId = JobId.random();
        ArtifactStored stored = ArtifactStored.now(jobId, new TargetId("roomless"), new StoredObject("primary", "no-such-bucket", "k.dump"),
                new Artifact("custom", 123_000_000, "ef".repeat(32), "15.18", "15.18", List.of(new TableRowCount("public", "t", 1))));
        BackupVerified verified = Verifications.announce(stored);

        assertThat(verified.verdict()).isEqualTo(Verdict.INCONCLUSIVE);
        assertThat(verified.differences()).isEmpty();
        assertThat(verified.environmentProblems()).singleElement().asString().contains("verify-disk").contains("needs 123.0 MB")
                .contains("vigil.verifier.keep-free").contains("larger disk");
    }
}
