package dev.vigil.codec;

import static dev.vigil.codec.CodecSamples.indexOf;
import static dev.vigil.codec.CodecSamples.pgDumpLike;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.Base64;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ArtifactCodecTest {

    private static final String KEY_A = Base64.getEncoder().encodeToString(bytes(32, 1));
    private static final String KEY_B = Base64.getEncoder().encodeToString(bytes(32, 2));
    private static final Keyring KEYRING = Keyring.parse("2026-a:" + KEY_A + ", 2026-b:" + KEY_B);

    static Stream<Arguments> shapes() {
        int segment = SegmentedAesGcm.SEGMENT;
        return Stream.of(Compression.values()).flatMap(c -> Stream.of(true, false).flatMap(encrypted ->
                Stream.of(0, 1, segment - 1, segment, segment + 1, 3 * segment + segment / 2).map(size -> Arguments.of(c, encrypted, size))));
    }

    @ParameterizedTest(name = "{0} encrypted={1} {2} bytes")
    @MethodSource("shapes")
    void whatIsEncodedDecodesToTheSameBytes(Compression compression, boolean encrypted, int size) throws IOException {
        byte[] plain = pgDumpLike(size);
        byte[] encoded = encode(plain, compression, encrypted ? "2026-b" : null);

        assertThat(decode(encoded, compression, encrypted ? "2026-b" : null)).isEqualTo(plain);
        if (encrypted && plain.length >= 64) {
            assertThat(indexOf(encoded, Arrays.copyOf(plain, 64))).as("position of the plaintext's first 64 bytes in the artifact").isEqualTo(-1);
        }
    }

    @Test
    void zstdCompressesRealisticDataAndEncryptionAddsLittle() throws IOException {
        byte[] plain = pgDumpLike(2_000_000);

        int compressed = encode(plain, Compression.ZSTD, null).length;
        int encrypted = encode(plain, Compression.ZSTD, "2026-a").length;

        assertThat(compressed).isLessThan(plain.length / 2);
        assertThat(encrypted - compressed).isLessThan(200);
    }

    @Test
    void aFlippedByteIsCaughtAsDamage() throws IOException {
        byte[] encoded = encode(pgDumpLike(600_000), Compression.ZSTD, "2026-a");
        encoded[encoded.length / 2] ^= 0x01;

        assertThatThrownBy(() -> decode(encoded, Compression.ZSTD, "2026-a"))
                .isInstanceOf(ArtifactDamagedException.class).hasMessageContaining("authentication failed in segment");
    }

    @Test
    void aTruncationAtASegmentBoundaryIsCaughtAsDamage() throws IOException {
        byte[] encoded = encode(pgDumpLike(3 * SegmentedAesGcm.SEGMENT), Compression.NONE, "2026-a");
        int header = 4 + 2 + "2026-a".length() + SegmentedAesGcm.SALT + 7;
        byte[] truncated = Arrays.copyOf(encoded, header + 2 * (SegmentedAesGcm.SEGMENT + 16));

        assertThatThrownBy(() -> decode(truncated, Compression.NONE, "2026-a"))
                .isInstanceOf(ArtifactDamagedException.class).hasMessageContaining("damaged or truncated");
        assertThatThrownBy(() -> decode(Arrays.copyOf(encoded, encoded.length - 5), Compression.NONE, "2026-a"))
                .isInstanceOf(ArtifactDamagedException.class);
    }

    @Test
    void anArtifactUnderAKeyNotHeldNamesTheKeyAndWhatToDo() throws IOException {
        byte[] encoded = encode(pgDumpLike(1000), Compression.ZSTD, "2026-a");

        assertThatThrownBy(() -> CodecSamples.decode(encoded, Compression.ZSTD, "2026-a", Keyring.parse("2026-b:" + KEY_B)))
                .isInstanceOf(UnknownKeyException.class)
                .hasMessageContaining("key '2026-a'").hasMessageContaining("2026-b").hasMessageContaining("VIGIL_ENCRYPTION_KEYS");
    }

    @Test
    void anArtifactEncryptedUnderAnotherKeyThanItsEventNamesIsDamageNotDecrypted() throws IOException {
        byte[] encoded = encode(pgDumpLike(1000), Compression.ZSTD, "2026-a");

        assertThatThrownBy(() -> decode(encoded, Compression.ZSTD, "2026-b"))
                .isInstanceOf(ArtifactDamagedException.class)
                .hasMessageContaining("encrypted under key '2026-a'").hasMessageContaining("its event names key '2026-b'");
    }

    @Test
    void eachArtifactIsEncryptedUnderItsOwnKeyDerivedFromItsSalt() throws IOException {
        byte[] first = encode(pgDumpLike(1000), Compression.NONE, "2026-a");
        byte[] second = encode(pgDumpLike(1000), Compression.NONE, "2026-a");

        assertThat(first[4]).as("format byte").isEqualTo((byte) 2);
        byte[] firstSalt = salt(first);
        byte[] secondSalt = salt(second);
        assertThat(firstSalt).isNotEqualTo(secondSalt);
        assertThat(SegmentedAesGcm.derive(KEYRING.key("2026-a").orElseThrow(), firstSalt).getEncoded())
                .isNotEqualTo(SegmentedAesGcm.derive(KEYRING.key("2026-a").orElseThrow(), secondSalt).getEncoded())
                .isNotEqualTo(KEYRING.key("2026-a").orElseThrow().getEncoded());
        assertThat(decode(first, Compression.NONE, "2026-a")).isEqualTo(pgDumpLike(1000));
    }

    static Stream<Arguments> headerTampering() {
        int salt = 4 + 2 + "2026-a".length();
        return Stream.of(
                Arguments.of("the salt", (java.util.function.Consumer<byte[]>) a -> a[salt + 5] ^= 0x01, "authentication failed in segment 0"),
                Arguments.of("the nonce prefix", (java.util.function.Consumer<byte[]>) a -> a[salt + SegmentedAesGcm.SALT] ^= 0x01,
                        "authentication failed in segment 0"),
                Arguments.of("the format byte, to format 1", (java.util.function.Consumer<byte[]>) a -> a[4] = 1, "authentication failed in segment 0"),
                Arguments.of("the format byte, to an unknown one", (java.util.function.Consumer<byte[]>) a -> a[4] = 3, "names format 3"),
                Arguments.of("the key id", (java.util.function.Consumer<byte[]>) a -> a[6] = 'X', "encrypted under key 'X026-a'"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("headerTampering")
    void aChangedHeaderIsDamageNeverGarbage(String what, java.util.function.Consumer<byte[]> tamper, String message) throws IOException {
        byte[] encoded = encode(pgDumpLike(300_000), Compression.ZSTD, "2026-a");
        tamper.accept(encoded);

        assertThatThrownBy(() -> decode(encoded, Compression.ZSTD, "2026-a"))
                .isInstanceOf(ArtifactDamagedException.class).hasMessageContaining(message);
    }

    @Test
    void aKeyIdChangedInBothHeaderAndEventStillFailsAuthentication() throws IOException {
        Keyring both = Keyring.parse("2026-a:" + KEY_A + ",2026-x:" + KEY_A);
        byte[] encoded = encode(pgDumpLike(1000), Compression.NONE, "2026-a");
        encoded[6 + "2026-".length()] = 'x';

        assertThatThrownBy(() -> CodecSamples.decode(encoded, Compression.NONE, "2026-x", both))
                .isInstanceOf(ArtifactDamagedException.class).hasMessageContaining("authentication failed in segment 0");
    }

    /** Written by the format 1 code (before format 2): 300,000 bytes under key 2026-a, in two segments. */
    @Test
    void anArtifactInFormat1StillDecodes() throws IOException {
        byte[] fixture;
        try (InputStream in = ArtifactCodecTest.class.getResourceAsStream("format1-2026-a.bin")) {
            fixture = in.readAllBytes();
        }
        assertThat(fixture[4]).as("format byte").isEqualTo((byte) 1);
        byte[] plain = new byte[300_000];
        for (int i = 0; i < plain.length; i++) {
            plain[i] = (byte) ("format 1 fixture line " + (i / 40) + "\n").charAt(i % 20);
        }

        assertThat(decode(fixture, Compression.NONE, "2026-a")).isEqualTo(plain);
        byte[] flipped = fixture.clone();
        flipped[200_000] ^= 0x01;
        assertThatThrownBy(() -> decode(flipped, Compression.NONE, "2026-a"))
                .isInstanceOf(ArtifactDamagedException.class).hasMessageContaining("authentication failed in segment 0");
        byte[] asFormat2 = fixture.clone();
        asFormat2[4] = 2;
        assertThatThrownBy(() -> decode(asFormat2, Compression.NONE, "2026-a"))
                .isInstanceOf(ArtifactDamagedException.class).hasMessageContaining("authentication failed in segment 0");
    }

    @Test
    void skippingADecodedStreamSkipsPlaintextNotCiphertext() throws Exception {
        byte[] plain = pgDumpLike(SegmentedAesGcm.SEGMENT + 5000);
        ArtifactCodec.Encryption[] encryptions = {
                new ArtifactCodec.EncryptionKey("2026-a", KEYRING.key("2026-a").orElseThrow()),
                AgeRecipient.of(AgeFile.x25519(bytes(32, 9), AgeFile.BASEPOINT))};
        Keyring keyring = KEYRING.withAgeIdentities(java.util.List.of(AgeIdentity.parse(Bech32.encode("age-secret-key-", bytes(32, 9)).toUpperCase(java.util.Locale.ROOT))));
        for (ArtifactCodec.Encryption encryption : encryptions) {
            ByteArrayOutputStream sink = new ByteArrayOutputStream();
            try (OutputStream out = ArtifactCodec.encoder(sink, Compression.NONE, 0, 0, encryption)) {
                out.write(plain);
            }
            try (InputStream in = ArtifactCodec.decoder(new ByteArrayInputStream(sink.toByteArray()), Compression.NONE, encryption.id(), keyring)) {
                assertThat(in.markSupported()).isFalse();
                in.readNBytes(10);
                in.skipNBytes(SegmentedAesGcm.SEGMENT);
                assertThat(in.readAllBytes()).as(encryption.id()).isEqualTo(Arrays.copyOfRange(plain, SegmentedAesGcm.SEGMENT + 10, plain.length));
            }
        }
    }

    @Test
    void somethingThatWasNeverEncryptedIsNotMistakenForAnArtifact() {
        assertThatThrownBy(() -> decode("PGDMP plain custom dump".getBytes(), Compression.NONE, "2026-a"))
                .isInstanceOf(ArtifactDamagedException.class).hasMessageContaining("not a Vigil-encrypted artifact");
    }

    @Test
    void keyringMistakesAreNamedWithoutShowingKeyMaterial() {
        String shortKey = Base64.getEncoder().encodeToString(bytes(16, 3));
        assertThatThrownBy(() -> Keyring.parse("k1:" + shortKey)).hasMessageContaining("has 16 bytes; AES-256 needs 32")
                .hasMessageNotContaining(shortKey);
        assertThatThrownBy(() -> Keyring.parse("k1:%%%")).hasMessageContaining("'k1' is not valid base64").hasMessageNotContaining("%%%");
        assertThatThrownBy(() -> Keyring.parse("k1:" + KEY_A + ",k1:" + KEY_B)).hasMessageContaining("'k1' is given twice");
        assertThatThrownBy(() -> Keyring.parse(KEY_A)).hasMessageContaining("#1 is not of the form id:base64key").hasMessageNotContaining(KEY_A);
        assertThat(KEYRING.toString()).doesNotContain(KEY_A).contains("2026-a");
    }

    @Test
    void theFirstBytesOfAnArtifactSayHowItIsWrappedWithoutAnEvent() throws IOException {
        byte[] plain = pgDumpLike(10_000);
        ArtifactCodec.Encryption age = AgeRecipient.of(AgeFile.x25519(bytes(32, 9), AgeFile.BASEPOINT));
        ByteArrayOutputStream toAge = new ByteArrayOutputStream();
        try (OutputStream out = ArtifactCodec.encoder(toAge, Compression.GZIP, 6, 0, age)) {
            out.write(plain);
        }

        assertThat(ArtifactCodec.envelope(head(encode(plain, Compression.ZSTD, "2026-b")))).isEqualTo(new ArtifactCodec.Envelope.Keyed("2026-b"));
        assertThat(ArtifactCodec.envelope(head(toAge.toByteArray()))).isEqualTo(new ArtifactCodec.Envelope.Age());
        assertThat(ArtifactCodec.envelope(head(encode(plain, Compression.ZSTD, null)))).isEqualTo(new ArtifactCodec.Envelope.Clear());
        assertThat(ArtifactCodec.envelope(new byte[0])).isEqualTo(new ArtifactCodec.Envelope.Clear());
        assertThat(ArtifactCodec.envelope("VGLE".getBytes())).as("a header cut short").isEqualTo(new ArtifactCodec.Envelope.Clear());
        assertThat(Compression.sniff(encode(plain, Compression.ZSTD, null))).isEqualTo(Compression.ZSTD);
        assertThat(Compression.sniff(encode(plain, Compression.GZIP, null))).isEqualTo(Compression.GZIP);
        assertThat(Compression.sniff(plain)).isEqualTo(Compression.NONE);
        assertThat(Compression.sniff(new byte[1])).isEqualTo(Compression.NONE);
    }

    private static byte[] head(byte[] artifact) {
        return Arrays.copyOf(artifact, Math.min(artifact.length, ArtifactCodec.ENVELOPE_HEAD));
    }

    @Test
    void compressionNamesAndLevelsAreChecked() {
        assertThat(Compression.of(null)).isEqualTo(Compression.NONE);
        assertThat(Compression.of("ZSTD")).isEqualTo(Compression.ZSTD);
        assertThatThrownBy(() -> Compression.of("lz4")).hasMessageContaining("use zstd, gzip or none");
        assertThatThrownBy(() -> Compression.ZSTD.checkLevel(25)).hasMessageContaining("1-19");
    }

    private static byte[] salt(byte[] encoded) {
        int from = 4 + 2 + Byte.toUnsignedInt(encoded[5]);
        return Arrays.copyOfRange(encoded, from, from + SegmentedAesGcm.SALT);
    }

    private static byte[] encode(byte[] plain, Compression compression, String keyId) throws IOException {
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        ArtifactCodec.EncryptionKey key = keyId == null ? null : new ArtifactCodec.EncryptionKey(keyId, KEYRING.key(keyId).orElseThrow());
        try (OutputStream out = ArtifactCodec.encoder(sink, compression, compression == Compression.ZSTD ? 3 : 6, 0, key)) {
            out.write(plain);
        }
        return sink.toByteArray();
    }

    private static byte[] decode(byte[] encoded, Compression compression, String keyId) throws IOException {
        return CodecSamples.decode(encoded, compression, keyId, KEYRING);
    }

    private static byte[] bytes(int n, int seed) {
        byte[] bytes = new byte[n];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

}
