package com.layerlab.app.account;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;

/**
 * The rules for user names, passwords and token names, in one place: sign-up (page and API), sign-in
 * and the account page all ask here, and the pages show {@link #USERNAME_HINT} and
 * {@link #PASSWORD_HINT} beside the fields. Each check answers the first broken rule, named in words.
 */
public final class AccountRules {

    public static final int USERNAME_MIN = 3;
    public static final int USERNAME_MAX = 32;
    public static final int PASSWORD_MIN = 10;
    /** bcrypt reads only the first 72 bytes of a password (and Spring Security refuses longer ones). */
    public static final int PASSWORD_MAX_BYTES = 72;
    public static final int TOKEN_NAME_MAX = 64;
    public static final int MAX_TOKENS = 20;

    public static final String USERNAME_HINT = USERNAME_MIN + " to " + USERNAME_MAX
            + " letters, digits, '.', '_' or '-', starting with a letter or a digit";
    public static final String PASSWORD_HINT = "At least " + PASSWORD_MIN + " characters";

    private AccountRules() {
    }

    /** The form two spellings of one name share ("Ana" and "ana" are one user). */
    public static String key(String username) {
        return username.toLowerCase(Locale.ROOT);
    }

    public static Optional<String> checkUsername(String name) {
        if (name == null || name.isEmpty()) {
            return Optional.of("User name: enter one (" + USERNAME_HINT + ").");
        }
        if (name.length() < USERNAME_MIN) {
            return Optional.of("User name: at least " + USERNAME_MIN + " characters (this one has " + name.length() + ").");
        }
        if (name.length() > USERNAME_MAX) {
            return Optional.of("User name: at most " + USERNAME_MAX + " characters (this one has " + name.length() + ").");
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (!allowed(c)) {
                String shown = Character.isWhitespace(c) ? "a space" : "'" + c + "'";
                return Optional.of("User name: only letters a-z, digits, '.', '_' and '-' (" + shown
                        + " at position " + (i + 1) + ").");
            }
        }
        if (!Character.isLetterOrDigit(name.charAt(0))) {
            return Optional.of("User name: starts with a letter or a digit (not '" + name.charAt(0) + "').");
        }
        return Optional.empty();
    }

    private static boolean allowed(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
    }

    public static Optional<String> checkPassword(String password, String username) {
        if (password == null || password.isEmpty()) {
            return Optional.of("Password: enter one (" + PASSWORD_HINT.toLowerCase(Locale.ROOT) + ").");
        }
        int chars = password.codePointCount(0, password.length());
        if (chars < PASSWORD_MIN) {
            return Optional.of("Password: at least " + PASSWORD_MIN + " characters (this one has " + chars + ").");
        }
        int bytes = password.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > PASSWORD_MAX_BYTES) {
            return Optional.of("Password: at most " + PASSWORD_MAX_BYTES + " bytes (this one has " + bytes
                    + "; a letter a-z takes 1, an accented letter 2, an emoji 4).");
        }
        if (username != null && password.equalsIgnoreCase(username)) {
            return Optional.of("Password: must not be the user name.");
        }
        return Optional.empty();
    }

    /** What sign-in needs before it asks the database: both fields filled in. */
    public static Optional<String> checkSignIn(String username, String password) {
        if (username == null || username.isBlank()) {
            return Optional.of("User name: enter the name you signed up with.");
        }
        if (password == null || password.isEmpty()) {
            return Optional.of("Password: enter your password.");
        }
        return Optional.empty();
    }

    public static Optional<String> checkTokenName(String name) {
        if (name == null || name.isBlank()) {
            return Optional.of("Token name: enter one, to tell your tokens apart (for instance the script that uses it).");
        }
        if (name.length() > TOKEN_NAME_MAX) {
            return Optional.of("Token name: at most " + TOKEN_NAME_MAX + " characters (this one has " + name.length() + ").");
        }
        return Optional.empty();
    }
}
