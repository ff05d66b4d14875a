package com.layerlab.app.classroom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Join codes: read aloud and typed by a class, so no look-alike characters and any typing of them accepted. */
class JoinCodesTest {

    @Test
    void codesAreSixCharactersWithoutLookAlikes() {
        for (char c : "0O1IL".toCharArray()) {
            assertEquals(-1, JoinCodes.ALPHABET.indexOf(c), "no " + c);
        }
        assertEquals(31, JoinCodes.ALPHABET.length());
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 2000; i++) {
            String code = JoinCodes.generate();
            assertTrue(JoinCodes.valid(code), code);
            seen.add(code);
        }
        assertTrue(seen.size() > 1990, "random, not a sequence: " + seen.size());
        // every character is drawn
        Set<Character> chars = new HashSet<>();
        Random random = new Random(7);
        for (int i = 0; i < 1000; i++) {
            JoinCodes.generate(random).chars().forEach(c -> chars.add((char) c));
        }
        assertEquals(JoinCodes.ALPHABET.length(), chars.size());
    }

    @Test
    void typedCodesAreNormalizedAndShownWithADash() {
        assertEquals("ABCDEF", JoinCodes.normalize(" abc-def "));
        assertEquals("ABCDEF", JoinCodes.normalize("ABC DEF"));
        assertEquals("ABCDEF", JoinCodes.normalize("a-b-c d\u00A0e f"));
        assertEquals("", JoinCodes.normalize(null));
        assertEquals("ABC-DEF", JoinCodes.format("abcdef"));
        assertEquals("ABC-DEF", JoinCodes.format("ABC-DEF"));
        assertTrue(JoinCodes.valid("XYZ234"));
        assertFalse(JoinCodes.valid("ABCDE"), "too short");
        assertFalse(JoinCodes.valid("ABCDEFG"), "too long");
        assertFalse(JoinCodes.valid("ABCDE0"), "no zero");
        assertFalse(JoinCodes.valid(null));
        assertEquals("ABCDE0", JoinCodes.format("abcde0"), "not a code: normalized, without the dash");
    }
}
