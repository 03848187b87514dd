package dev.bitplan.api.auth;

import dev.bitplan.contracts.blob.Sha256;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;

/** API tokens: 32 random bytes, base64url, prefixed {@code bp_}; only their sha256 is stored. */
public final class Tokens {

    public static final String PREFIX = "bp_";
    private static final SecureRandom RANDOM = new SecureRandom();

    private Tokens() {
    }

    public static String generate() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    public static String sha256Hex(String token) {
        return Sha256.of(token.getBytes(StandardCharsets.UTF_8));
    }

    /** Compares secrets in constant time, so the admin and internal tokens cannot be guessed byte by byte. */
    public static boolean same(String given, String expected) {
        return MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8), expected.getBytes(StandardCharsets.UTF_8));
    }
}
