package dev.vigil.worker.dump;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.codec.AgeRecipient;
import dev.vigil.codec.ArtifactCodec;
import dev.vigil.codec.Compression;
import dev.vigil.codec.Keyring;
import dev.vigil.codec.UnknownKeyException;
import dev.vigil.worker.WorkerProperties;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class EncryptionSettingsTest {

    /** Any X25519 recipient will do: the worker needs nothing else. */
    private static final String RECIPIENT = "age1cwdarrrurr2esflvtzecr27y0d8m9wwuy6zq6gpruvxjp678hv9q4x7u4p";
    private static final String KEYS = "k1:" + Base64.getEncoder().encodeToString(new byte[32]);

    @Test
    void aWorkerGivenOnlyAnAgeRecipientEncryptsToItAndCannotDecodeWhatItWrote() throws Exception {
        PgDumpProcess.Wrapping wrapping = DumpService.wrapping(settings("", "", RECIPIENT));

        assertThat(wrapping.key()).isEqualTo(AgeRecipient.parse(RECIPIENT));
        assertThat(wrapping.key().id()).startsWith("age:");
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        try (OutputStream out = ArtifactCodec.encoder(sink, wrapping.compression(), wrapping.level(), 0, wrapping.key())) {
            out.write("PGDMP".getBytes());
        }
        assertThat(new String(sink.toByteArray(), 0, 21)).isEqualTo("age-encryption.org/v1");
        assertThatThrownBy(() -> ArtifactCodec.decoder(new ByteArrayInputStream(sink.toByteArray()), Compression.ZSTD, wrapping.key().id(),
                Keyring.empty())).isInstanceOf(UnknownKeyException.class).hasMessageContaining("VIGIL_AGE_IDENTITY_FILE");
    }

    @Test
    void anAgeRecipientAndAKeyIdTogetherStopTheWorker() {
        assertThatThrownBy(() -> DumpService.wrapping(settings("k1", KEYS, RECIPIENT)))
                .hasMessageContaining("VIGIL_AGE_RECIPIENT or VIGIL_ENCRYPTION_KEY_ID, not both");
    }

    @Test
    void aMistypedRecipientStopsTheWorkerNamingIt() {
        String typo = RECIPIENT.replace("cwd", "cwe");

        assertThatThrownBy(() -> DumpService.wrapping(settings("", "", typo))).hasMessageContaining(typo).hasMessageContaining("checksum");
    }

    private static WorkerProperties settings(String keyId, String keys, String recipient) {
        return new WorkerProperties(Path.of("/usr/lib/postgresql"), null, Duration.ofSeconds(10), Duration.ofMinutes(30), Duration.ofSeconds(10), "w1",
                new WorkerProperties.Retry(3, Duration.ofSeconds(2), Duration.ofSeconds(30)), "zstd", 3, 0, keyId, keys, recipient,
                Duration.ofSeconds(5), "[A-Z0-9_]*PGPASSWORD", Path.of("/run/secrets"), 2);
    }
}
