package dev.vigil.contracts;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A bearer token for Vigil's HTTP APIs as its holder sees it: {@code vigil_<tokenId>.<secret>}. The
 * id is public (lists and the audit log show it); the secret is 256 random bits, shown once when the
 * token is created and kept nowhere but by its holder: Vigil keeps and announces only its SHA-256.
 * {@link #toString()} never shows the secret.
 */
public final class AccessToken {

    private static final String PREFIX = "vigil_";
    private static final Pattern FORMAT = Pattern.compile("vigil_([a-z0-9]{8,32})\\.([A-Za-z0-9_-]{43})");
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final char[] ID_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789".toCharArray();

    private final String tokenId;
    private final String secret;

    private AccessToken(String tokenId, String secret) {
        this.tokenId = tokenId;
        this.secret = secret;
    }

    /** A new token: a 16-character id and a 256-bit secret, from a strong random source. */
    public static AccessToken issue() {
        StringBuilder id = new StringBuilder(16);
        for (int i = 0; i < 16; i++) {
            id.append(ID_ALPHABET[RANDOM.nextInt(ID_ALPHABET.length)]);
        }
        byte[] secret = new byte[32];
        RANDOM.nextBytes(secret);
        return new AccessToken(id.toString(), java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(secret));
    }

    /** The token written as {@code vigil_<tokenId>.<secret>}; empty when the text is not one. */
    public static Optional<AccessToken> parse(String text) {
        if (text == null || !text.startsWith(PREFIX)) {
            return Optional.empty();
        }
        Matcher matcher = FORMAT.matcher(text.strip());
        return matcher.matches() ? Optional.of(new AccessToken(matcher.group(1), matcher.group(2))) : Optional.empty();
    }

    public String tokenId() {
        return tokenId;
    }

    /** The whole token, secret included: for its holder only. */
    public String text() {
        return PREFIX + tokenId + "." + secret;
    }

    /** Lower-case hex SHA-256 of the secret: what Vigil keeps and announces instead of the token. */
    public String secretSha256() {
        return sha256Hex(secret);
    }

    /** Whether this token's secret is the one whose SHA-256 is {@code expectedSha256}, compared in constant time. */
    public boolean matches(String expectedSha256) {
        return MessageDigest.isEqual(secretSha256().getBytes(StandardCharsets.US_ASCII), expectedSha256.getBytes(StandardCharsets.US_ASCII));
    }

    private static String sha256Hex(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.US_ASCII)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    @Override
    public String toString() {
        return PREFIX + tokenId + ".…";
    }
}
