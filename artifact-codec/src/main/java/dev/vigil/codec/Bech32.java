package dev.vigil.codec;

import java.io.ByteArrayOutputStream;
import java.util.Locale;

/** Bech32 (BIP 173, the original checksum, without its 90-character limit) as age spells its keys. Stateless. */
final class Bech32 {

    private static final String CHARSET = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";
    private static final int[] GENERATOR = {0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3};

    /** A decoded string: its human-readable part (lower case) and its data bytes. */
    record Decoded(String hrp, byte[] data) {
    }

    private Bech32() {
    }

    static String encode(String hrp, byte[] data) {
        byte[] values = convert(data, 8, 5, true);
        byte[] checksum = checksum(hrp, values);
        StringBuilder out = new StringBuilder(hrp).append('1');
        for (byte v : values) {
            out.append(CHARSET.charAt(v));
        }
        for (byte v : checksum) {
            out.append(CHARSET.charAt(v));
        }
        return out.toString();
    }

    /** Decodes, or fails with a message that does not repeat the string (it may be a secret key). */
    static Decoded decode(String text) {
        if (!text.equals(text.toLowerCase(Locale.ROOT)) && !text.equals(text.toUpperCase(Locale.ROOT))) {
            throw new IllegalArgumentException("mixed upper and lower case");
        }
        String lower = text.toLowerCase(Locale.ROOT);
        int separator = lower.lastIndexOf('1');
        if (separator < 1 || separator + 7 > lower.length()) {
            throw new IllegalArgumentException("not Bech32 (no separator or checksum)");
        }
        String hrp = lower.substring(0, separator);
        for (char c : hrp.toCharArray()) {
            if (c < 33 || c > 126) {
                throw new IllegalArgumentException("not Bech32 (a character outside its alphabet)");
            }
        }
        byte[] values = new byte[lower.length() - separator - 1];
        for (int i = 0; i < values.length; i++) {
            int v = CHARSET.indexOf(lower.charAt(separator + 1 + i));
            if (v < 0) {
                throw new IllegalArgumentException("not Bech32 (a character outside its alphabet)");
            }
            values[i] = (byte) v;
        }
        if (polymod(expand(hrp), values) != 1) {
            throw new IllegalArgumentException("its Bech32 checksum does not match (a typing or copying mistake)");
        }
        byte[] data = java.util.Arrays.copyOf(values, values.length - 6);
        return new Decoded(hrp, convert(data, 5, 8, false));
    }

    private static byte[] checksum(String hrp, byte[] values) {
        byte[] padded = java.util.Arrays.copyOf(values, values.length + 6);
        int mod = polymod(expand(hrp), padded) ^ 1;
        byte[] checksum = new byte[6];
        for (int i = 0; i < 6; i++) {
            checksum[i] = (byte) ((mod >>> (5 * (5 - i))) & 31);
        }
        return checksum;
    }

    private static byte[] expand(String hrp) {
        byte[] out = new byte[hrp.length() * 2 + 1];
        for (int i = 0; i < hrp.length(); i++) {
            out[i] = (byte) (hrp.charAt(i) >> 5);
            out[hrp.length() + 1 + i] = (byte) (hrp.charAt(i) & 31);
        }
        return out;
    }

    private static int polymod(byte[] first, byte[] second) {
        int chk = 1;
        for (byte[] part : new byte[][] {first, second}) {
            for (byte v : part) {
                int top = chk >>> 25;
                chk = ((chk & 0x1ffffff) << 5) ^ v;
                for (int i = 0; i < 5; i++) {
                    if (((top >>> i) & 1) != 0) {
                        chk ^= GENERATOR[i];
                    }
                }
            }
        }
        return chk;
    }

    private static byte[] convert(byte[] data, int from, int to, boolean pad) {
        int acc = 0;
        int bits = 0;
        int max = (1 << to) - 1;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte b : data) {
            acc = (acc << from) | (b & ((1 << from) - 1));
            bits += from;
            while (bits >= to) {
                bits -= to;
                out.write((acc >>> bits) & max);
            }
        }
        if (pad) {
            if (bits > 0) {
                out.write((acc << (to - bits)) & max);
            }
        } else if (bits >= from || ((acc << (to - bits)) & max) != 0) {
            throw new IllegalArgumentException("not Bech32 (bad padding)");
        }
        return out.toByteArray();
    }
}
