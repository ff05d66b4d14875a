package com.layerlab.app.account;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.springframework.security.crypto.password.PasswordEncoder;

class AccountRulesTest {

    @Test
    void userNamesFollowTheRulesAndEachRefusalNamesItsRule() {
        assertEquals(Optional.empty(), AccountRules.checkUsername("ana.b_c-9"));
        assertEquals(Optional.empty(), AccountRules.checkUsername("9lives"));
        assertTrue(AccountRules.checkUsername("").orElseThrow().startsWith("User name: enter one"));
        assertEquals("User name: at least 3 characters (this one has 2).", AccountRules.checkUsername("ab").orElseThrow());
        assertEquals("User name: at most 32 characters (this one has 33).", AccountRules.checkUsername("a".repeat(33)).orElseThrow());
        assertEquals("User name: only letters a-z, digits, '.', '_' and '-' (a space at position 4).",
                AccountRules.checkUsername("ana b").orElseThrow());
        assertEquals("User name: only letters a-z, digits, '.', '_' and '-' ('<' at position 1).",
                AccountRules.checkUsername("<script>").orElseThrow());
        assertEquals("User name: only letters a-z, digits, '.', '_' and '-' ('é' at position 4).",
                AccountRules.checkUsername("josé").orElseThrow());
        assertEquals("User name: starts with a letter or a digit (not '_').", AccountRules.checkUsername("_ana").orElseThrow());
    }

    @Test
    void passwordsFollowTheRulesAndEachRefusalNamesItsRule() {
        assertEquals(Optional.empty(), AccountRules.checkPassword("correct horse", "ana"));
        assertEquals("Password: at least 10 characters (this one has 9).", AccountRules.checkPassword("123456789", "ana").orElseThrow());
        // characters, not UTF-16 units: an emoji is one
        assertEquals("Password: at least 10 characters (this one has 9).",
                AccountRules.checkPassword("\uD83D\uDE00".repeat(9), "ana").orElseThrow());
        assertEquals(Optional.empty(), AccountRules.checkPassword("a".repeat(72), "ana"));
        assertTrue(AccountRules.checkPassword("a".repeat(73), "ana").orElseThrow().startsWith("Password: at most 72 bytes (this one has 73"));
        assertTrue(AccountRules.checkPassword("é".repeat(40), "ana").orElseThrow().contains("this one has 80"));
        assertEquals("Password: must not be the user name.", AccountRules.checkPassword("LongUserName", "longusername").orElseThrow());
    }

    @Test
    void signInAsksForBothFieldsAndTokensForANameOfAtMost64Characters() {
        assertEquals("User name: enter the name you signed up with.", AccountRules.checkSignIn(" ", "x").orElseThrow());
        assertEquals("Password: enter your password.", AccountRules.checkSignIn("ana", "").orElseThrow());
        assertEquals(Optional.empty(), AccountRules.checkSignIn("ana", "x"));
        assertTrue(AccountRules.checkTokenName("").orElseThrow().startsWith("Token name: enter one"));
        assertTrue(AccountRules.checkTokenName("x".repeat(65)).orElseThrow().contains("at most 64"));
    }

    @Test
    void passwordsAreHashedWithBcryptBehindAPrefixThatLetsTheHashChangeLater() {
        PasswordEncoder encoder = SecurityConfig.passwordEncoder();
        String hash = encoder.encode("correct horse");
        assertTrue(hash.startsWith("{bcrypt}$2a$10$"), hash);
        assertTrue(encoder.matches("correct horse", hash));
        assertTrue(!encoder.matches("correct horsE", hash));
        assertTrue(!hash.equals(encoder.encode("correct horse")), "salted: the same password hashes differently");
    }
}
