package com.layerlab.app.store;

import java.security.SecureRandom;
import java.util.Base64;

/**
 * Short-link ids: 120 random bits (API.md asks for at least 72) from a SecureRandom, as 20 URL-safe
 * characters, so that a link cannot be guessed from another.
 */
public final class ExperimentIds {

    static final int BYTES = 15;
    private static final SecureRandom RANDOM = new SecureRandom();

    private ExperimentIds() {
    }

    public static String next() {
        byte[] b = new byte[BYTES];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    /** Whether {@code id} could be one of ours: addresses that cannot be skip the database. */
    public static boolean isWellFormed(String id) {
        return id != null && id.matches("[A-Za-z0-9_-]{20}");
    }
}
