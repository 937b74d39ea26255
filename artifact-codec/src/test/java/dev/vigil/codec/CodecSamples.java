package dev.vigil.codec;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Random;

/** What the codec's tests encode and look for: dump-like data, decoding, finding bytes in an artifact. */
final class CodecSamples {

    private CodecSamples() {
    }

    /** Text-like rows with some randomness, compressing like real table data rather than like zeros. */
    static byte[] pgDumpLike(int size) {
        Random random = new Random(size);
        StringBuilder text = new StringBuilder(size + 100);
        while (text.length() < size) {
            text.append(random.nextInt(1_000_000)).append('\t').append("customer-").append(random.nextInt(5000))
                    .append('\t').append(random.nextBoolean() ? "paid" : "shipped").append('\t').append(Long.toHexString(random.nextLong())).append('\n');
        }
        return text.substring(0, size).getBytes(StandardCharsets.US_ASCII);
    }

    static byte[] decode(byte[] encoded, Compression compression, String keyId, Keyring keyring) throws IOException {
        try (InputStream in = ArtifactCodec.decoder(new ByteArrayInputStream(encoded), compression, keyId, keyring)) {
            return in.readAllBytes();
        }
    }

    /** Where {@code needle} first occurs in {@code haystack}, or -1. */
    static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
