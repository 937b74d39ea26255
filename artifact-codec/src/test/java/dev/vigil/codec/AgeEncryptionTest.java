package dev.vigil.codec;

import static dev.vigil.codec.CodecSamples.decode;
import static dev.vigil.codec.CodecSamples.indexOf;
import static dev.vigil.codec.CodecSamples.pgDumpLike;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Artifacts encrypted to an age recipient are standard age files: checked against the real {@code age}
 * CLI (Debian: {@code apt-get install -y age}; {@code .ci/run} installs it). Without it these tests fail,
 * they do not skip: interoperability is the point of the format.
 */
class AgeEncryptionTest {

    @TempDir
    static Path dir;
    private static Path identityFile;
    private static AgeRecipient recipient;
    private static Keyring reader;

    @BeforeAll
    static void generateAnIdentityWithAgeKeygen() throws Exception {
        identityFile = dir.resolve("identity.txt");
        run(null, tool("age-keygen"), "-o", identityFile.toString());
        recipient = AgeRecipient.parse(new String(run(null, tool("age-keygen"), "-y", identityFile.toString()), StandardCharsets.US_ASCII));
        reader = Keyring.empty().withAgeIdentities(AgeIdentity.load(identityFile));
    }

    @Test
    void anIdentityFileYieldsTheRecipientAgeKeygenPrints() throws IOException {
        List<AgeIdentity> identities = AgeIdentity.load(identityFile);

        assertThat(identities).singleElement().satisfies(identity -> {
            assertThat(identity.recipient()).isEqualTo(recipient);
            assertThat(identity.recipient().id()).matches("age:[0-9a-f]{16}");
            assertThat(identity.toString()).doesNotContain("AGE-SECRET-KEY").isEqualTo("AgeIdentity[" + recipient.id() + "]");
        });
    }

    @ParameterizedTest(name = "{0} bytes")
    @ValueSource(ints = {0, 1, AgeFile.CHUNK - 1, AgeFile.CHUNK, AgeFile.CHUNK + 1, 3 * AgeFile.CHUNK, 250_000})
    void whatVigilEncryptsToARecipientTheAgeCliDecrypts(int size) throws Exception {
        byte[] plain = pgDumpLike(size);
        Path artifact = dir.resolve("vigil-" + size + ".age");
        Files.write(artifact, encode(plain, Compression.NONE, recipient));

        byte[] decrypted = run(null, tool("age"), "--decrypt", "-i", identityFile.toString(), artifact.toString());

        assertThat(decrypted).isEqualTo(plain);
    }

    @ParameterizedTest(name = "{0} bytes")
    @ValueSource(ints = {0, 1, AgeFile.CHUNK, AgeFile.CHUNK + 1, 250_000})
    void whatTheAgeCliEncryptsToTheRecipientVigilDecodes(int size) throws Exception {
        byte[] plain = pgDumpLike(size);

        byte[] encrypted = run(plain, tool("age"), "-r", recipient.toString());

        assertThat(new String(encrypted, 0, 22, StandardCharsets.US_ASCII)).isEqualTo("age-encryption.org/v1\n");
        assertThat(decode(encrypted, Compression.NONE, recipient.id(), reader)).isEqualTo(plain);
    }

    @Test
    void aCompressedArtifactRoundTripsAndTheAgeCliSeesTheCompressedBytes() throws Exception {
        byte[] plain = pgDumpLike(500_000);
        byte[] encoded = encode(plain, Compression.ZSTD, recipient);
        Path artifact = dir.resolve("compressed.age");
        Files.write(artifact, encoded);

        assertThat(decode(encoded, Compression.ZSTD, recipient.id(), reader)).isEqualTo(plain);
        byte[] zstd = run(null, tool("age"), "--decrypt", "-i", identityFile.toString(), artifact.toString());
        try (InputStream in = Compression.ZSTD.decompress(new ByteArrayInputStream(zstd))) {
            assertThat(in.readAllBytes()).isEqualTo(plain);
        }
    }

    @Test
    void aCodecGivenOnlyTheRecipientCannotDecodeAndSaysWhereTheIdentityGoes() throws IOException {
        byte[] encoded = encode(pgDumpLike(1000), Compression.ZSTD, recipient);
        Keyring workerSide = Keyring.parse("2026-a:" + java.util.Base64.getEncoder().encodeToString(new byte[32]));

        assertThatThrownBy(() -> decode(encoded, Compression.ZSTD, recipient.id(), workerSide))
                .isInstanceOf(UnknownKeyException.class)
                .hasMessageContaining("age recipient '" + recipient.id() + "'")
                .hasMessageContaining("needs that recipient's age identity")
                .hasMessageContaining("VIGIL_AGE_IDENTITY_FILE").hasMessageContaining("vigil.verifier.age-identity-file");
    }

    @Test
    void anArtifactEncryptedToAnotherRecipientThanItsEventNamesIsDamage() throws Exception {
        Path other = dir.resolve("other-identity.txt");
        run(null, tool("age-keygen"), "-o", other.toString());
        AgeRecipient otherRecipient = AgeIdentity.load(other).getFirst().recipient();
        byte[] encoded = encode(pgDumpLike(1000), Compression.NONE, otherRecipient);

        assertThatThrownBy(() -> decode(encoded, Compression.NONE, recipient.id(), reader))
                .isInstanceOf(ArtifactDamagedException.class).hasMessageContaining("not encrypted to the age recipient its event names");
    }

    @Test
    void aChangedHeaderFailsItsMac() throws IOException {
        byte[] encoded = encode(pgDumpLike(1000), Compression.NONE, recipient);
        // The version line is authenticated too: "v1" becomes "v2" only to fail as not age; change a stanza argument instead.
        int stanza = indexOf(encoded, "-> X25519 ".getBytes(StandardCharsets.US_ASCII));
        byte[] renamed = encoded.clone();
        renamed[stanza + 3] = 'Y';
        int macLine = indexOf(encoded, "\n--- ".getBytes(StandardCharsets.US_ASCII));
        byte[] extraStanza = splice(encoded, macLine + 1, "-> grease x\n\n".getBytes(StandardCharsets.US_ASCII));

        assertThatThrownBy(() -> decode(renamed, Compression.NONE, recipient.id(), reader)).isInstanceOf(ArtifactDamagedException.class);
        assertThatThrownBy(() -> decode(extraStanza, Compression.NONE, recipient.id(), reader))
                .isInstanceOf(ArtifactDamagedException.class).hasMessageContaining("MAC does not match");
    }

    @Test
    void aFlippedOrTruncatedPayloadIsDamage() throws IOException {
        byte[] encoded = encode(pgDumpLike(3 * AgeFile.CHUNK), Compression.NONE, recipient);
        byte[] flipped = encoded.clone();
        flipped[encoded.length - 100] ^= 0x01;
        int payload = indexOf(encoded, "\n--- ".getBytes(StandardCharsets.US_ASCII)) + 5 + 43 + 1 + 16;
        byte[] atChunkBoundary = Arrays.copyOf(encoded, payload + 2 * (AgeFile.CHUNK + 16));

        assertThatThrownBy(() -> decode(flipped, Compression.NONE, recipient.id(), reader))
                .isInstanceOf(ArtifactDamagedException.class).hasMessageContaining("authentication failed in chunk 2");
        assertThatThrownBy(() -> decode(atChunkBoundary, Compression.NONE, recipient.id(), reader))
                .isInstanceOf(ArtifactDamagedException.class).hasMessageContaining("chunk 1");
        assertThatThrownBy(() -> decode(Arrays.copyOf(encoded, 60), Compression.NONE, recipient.id(), reader))
                .isInstanceOf(ArtifactDamagedException.class).hasMessageContaining("truncated");
    }

    @Test
    void aVigilFormatArtifactIsNotMistakenForAnAgeFile() {
        assertThatThrownBy(() -> decode("VGLE\u0002 not age".getBytes(StandardCharsets.US_ASCII), Compression.NONE, recipient.id(), reader))
                .isInstanceOf(ArtifactDamagedException.class).hasMessageContaining("not an age-encrypted artifact");
    }

    @Test
    void keyMistakesAreNamedWithoutShowingTheSecret() throws IOException {
        String secret = Files.readAllLines(identityFile).stream().filter(l -> l.startsWith("AGE-SECRET-KEY-1")).findFirst().orElseThrow();
        String typo = secret.substring(0, 30) + (secret.charAt(30) == 'Q' ? 'P' : 'Q') + secret.substring(31);
        Path broken = dir.resolve("broken-identity.txt");
        Files.writeString(broken, "# created: now\n" + typo + "\n");

        assertThatThrownBy(() -> AgeIdentity.load(broken)).hasMessageContaining("line 2").hasMessageContaining("checksum")
                .hasMessageNotContaining(typo).hasMessageNotContaining(secret.substring(16, 40));
        assertThatThrownBy(() -> AgeIdentity.parse(recipient.toString())).hasMessageContaining("not an X25519 identity");
        assertThatThrownBy(() -> AgeRecipient.parse("age1qqqq")).hasMessageContaining("age recipient 'age1qqqq' is not valid");
        assertThat(reader.toString()).contains(recipient.id()).doesNotContain("AGE-SECRET-KEY");
    }

    /** A system tool from the PATH; the test fails (never skips) without it. */
    private static Path tool(String name) {
        for (String entry : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!entry.isEmpty() && Files.isExecutable(Path.of(entry, name))) {
                return Path.of(entry, name);
            }
        }
        throw new AssertionError(name + " not found on the PATH: install the age CLI (Debian: apt-get install -y age); .ci/run does");
    }

    /** Runs a tool with {@code stdin}, returning its stdout; fails with its stderr. */
    private static byte[] run(byte[] stdin, Path tool, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(tool.toString()));
        command.addAll(List.of(args));
        Path errors = Files.createTempFile(dir, "stderr", ".txt");
        Process process = new ProcessBuilder(command).redirectError(errors.toFile()).start();
        Thread feeder = Thread.ofVirtual().start(() -> {
            try (OutputStream in = process.getOutputStream()) {
                if (stdin != null) {
                    in.write(stdin);
                }
            } catch (IOException ignored) {
                // The tool exited early; its exit code and stderr say why.
            }
        });
        byte[] out = process.getInputStream().readAllBytes();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as(tool.getFileName() + " finished").isTrue();
        feeder.join();
        assertThat(process.exitValue()).as(tool.getFileName() + " exit code; stderr: " + Files.readString(errors)).isZero();
        return out;
    }

    private static byte[] encode(byte[] plain, Compression compression, AgeRecipient to) throws IOException {
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        try (OutputStream out = ArtifactCodec.encoder(sink, compression, compression == Compression.ZSTD ? 3 : 0, 0, to)) {
            out.write(plain);
        }
        return sink.toByteArray();
    }

    private static byte[] splice(byte[] bytes, int at, byte[] inserted) {
        byte[] out = new byte[bytes.length + inserted.length];
        System.arraycopy(bytes, 0, out, 0, at);
        System.arraycopy(inserted, 0, out, at, inserted.length);
        System.arraycopy(bytes, at, out, at + inserted.length, bytes.length - at);
        return out;
    }

}
