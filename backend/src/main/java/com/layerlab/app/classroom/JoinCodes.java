package com.layerlab.app.classroom;

import java.security.SecureRandom;
import java.util.Locale;
import java.util.random.RandomGenerator;

/**
 * Join codes: 6 characters that are easy to read aloud and to type, without 0/O, 1/I/L (31^6, about
 * 9 &times; 10^8 codes: with attempts rate-limited per address, guessing one of the open sessions' codes
 * takes far longer than a lesson). Shown as "ABC-DEF"; typed in any case, with or without the dash
 * or spaces.
 */
public final class JoinCodes {

    /** The characters of a code: no 0/O, no 1/I/L, which read alike aloud and on a projector. */
    public static final String ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";
    public static final int LENGTH = 6;

    private static final SecureRandom RANDOM = new SecureRandom();

    private JoinCodes() {
    }

    /** A new random code (its uniqueness is the caller's: {@link Classrooms} checks the table). */
    public static String generate() {
        return generate(RANDOM);
    }

    static String generate(RandomGenerator random) {
        StringBuilder s = new StringBuilder(LENGTH);
        for (int i = 0; i < LENGTH; i++) {
            s.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        }
        return s.toString();
    }

    /** A code as typed ("abc-def", "ABC DEF") as stored ("ABCDEF"): upper case, without dashes and spaces. */
    public static String normalize(String typed) {
        if (typed == null) {
            return "";
        }
        StringBuilder s = new StringBuilder();
        typed.strip().toUpperCase(Locale.ROOT).codePoints()
                .filter(c -> c != '-' && !Character.isWhitespace(c) && !Character.isSpaceChar(c))
                .forEach(s::appendCodePoint);
        return s.toString();
    }

    /** Whether a normalized code could be one: its length and characters. */
    public static boolean valid(String normalized) {
        return normalized != null && normalized.length() == LENGTH
                && normalized.chars().allMatch(c -> ALPHABET.indexOf(c) >= 0);
    }

    /** "ABC-DEF": the code as the dashboard shows it and students read it; anything else normalized, as typed. */
    public static String format(String code) {
        String n = normalize(code);
        return valid(n) ? n.substring(0, 3) + "-" + n.substring(3) : n;
    }
}
