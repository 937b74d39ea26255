package dev.vigil.verifier.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.codec.AgeIdentity;
import dev.vigil.codec.Keyring;
import dev.vigil.verifier.VerifierProperties;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.util.unit.DataSize;

class KeyringSettingsTest {

    @TempDir
    Path dir;

    @Test
    void theAgeIdentityFileJoinsTheKeyringUnderItsRecipientsKeyId() throws Exception {
        Path identity = Path.of(KeyringSettingsTest.class.getResource("/age-test-identity.txt").toURI());

        Keyring keyring = VerifierConfiguration.keyring(settings(identity.toString()));

        String id = AgeIdentity.load(identity).getFirst().recipient().id();
        assertThat(keyring.ageIdentity(id)).isPresent();
        assertThat(keyring.toString()).contains(id).doesNotContain("AGE-SECRET-KEY");
    }

    @Test
    void aMissingOrBrokenIdentityFileStopsStartUpNamingTheSettingNotTheKey() throws Exception {
        Path missing = dir.resolve("absent.txt");
        Path broken = dir.resolve("broken.txt");
        Files.writeString(broken, "AGE-SECRET-KEY-1QQQQ\n");

        assertThatThrownBy(() -> VerifierConfiguration.keyring(settings(missing.toString())))
                .hasMessageContaining("VIGIL_AGE_IDENTITY_FILE").hasMessageContaining("absent.txt");
        assertThatThrownBy(() -> VerifierConfiguration.keyring(settings(broken.toString())))
                .hasMessageContaining("broken.txt line 1").hasMessageNotContaining("QQQQ");
        assertThat(VerifierConfiguration.keyring(settings("")).ageIds()).isEmpty();
    }

    private static VerifierProperties settings(String ageIdentityFile) {
        return new VerifierProperties(null, "us-east-1", true, null, Path.of("/usr/lib/postgresql"), null, null, "", ageIdentityFile,
                "v1", 2, true, Duration.ofSeconds(60), DataSize.ofGigabytes(1), null, null, false, null, 1);
    }
}
