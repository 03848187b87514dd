package dev.bitplan.cli;

import java.security.SecureRandom;
import java.util.Base64;

/** Random tokens in the service's format: {@code bp_} and 32 random bytes, base64url. */
final class Secrets {

    private static final SecureRandom RANDOM = new SecureRandom();

    private Secrets() {
    }

    static String newToken() {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        return "bp_" + Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }
}
