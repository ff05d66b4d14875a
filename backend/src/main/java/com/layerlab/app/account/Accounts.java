package com.layerlab.app.account;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.core.userdetails.UsernameNotFoundException;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Users and their personal tokens: sign-up, the roles a user has (admin by configuration,
 * {@code layerlab.admin.usernames}; teacher by configuration, {@code layerlab.teacher.usernames}, by an
 * admin's grant, or as an admin), and tokens that are shown once and kept only as a hash.
 */
@Service
public class Accounts {

    private static final String USER_PREFIX = "user:";
    public static final String ROLE_USER = "ROLE_USER";
    public static final String ROLE_ADMIN = "ROLE_ADMIN";
    /** Runs class sessions (com.layerlab.app.classroom): {@link #isTeacher}. */
    public static final String ROLE_TEACHER = "ROLE_TEACHER";
    /** The prefix of every personal token, so that a leaked one is recognisable (secret scanners, logs). */
    static final String TOKEN_PREFIX = "ll_";
    private static final int TOKEN_BYTES = 32;
    private static final int TOKEN_HINT_CHARS = 8;

    private final AccountRepository accounts;
    private final ApiTokenRepository tokens;
    private final PasswordEncoder encoder;
    private final ApplicationEventPublisher events;
    private final Set<String> adminKeys;
    private final Set<String> teacherKeys;
    private final boolean registrationOpen;
    private final Clock clock = Clock.systemUTC();
    private final SecureRandom random = new SecureRandom();

    public Accounts(AccountRepository accounts, ApiTokenRepository tokens, PasswordEncoder encoder,
            ApplicationEventPublisher events, String adminUsernames, boolean registrationOpen) {
        this(accounts, tokens, encoder, events, adminUsernames, "", registrationOpen);
    }

    @Autowired
    public Accounts(AccountRepository accounts, ApiTokenRepository tokens, PasswordEncoder encoder,
            ApplicationEventPublisher events,
            @Value("${layerlab.admin.usernames:}") String adminUsernames,
            @Value("${layerlab.teacher.usernames:}") String teacherUsernames,
            @Value("${layerlab.accounts.registration-open:true}") boolean registrationOpen) {
        this.accounts = accounts;
        this.tokens = tokens;
        this.encoder = encoder;
        this.events = events;
        this.adminKeys = keys(adminUsernames);
        this.teacherKeys = keys(teacherUsernames);
        this.registrationOpen = registrationOpen;
    }

    /** The keys of a configuration's comma-separated names, in any case and spacing. */
    private static Set<String> keys(String usernames) {
        return Arrays.stream(usernames == null ? new String[0] : usernames.split(","))
                .map(String::trim).filter(s -> !s.isEmpty()).map(AccountRules::key).collect(Collectors.toUnmodifiableSet());
    }

    /** The owner key of a user's things, as the store keeps it (a visitor's is "visitor:<id>"). */
    public static String ownerKey(String username) {
        return USER_PREFIX + username;
    }

    /** The user whose things {@code ownerKey} names; empty for an anonymous visitor's. */
    public static Optional<String> username(String ownerKey) {
        return ownerKey.startsWith(USER_PREFIX) ? Optional.of(ownerKey.substring(USER_PREFIX.length())) : Optional.empty();
    }

    public boolean registrationOpen() {
        return registrationOpen;
    }

    /**
     * Creates a user. What {@code visitorKey} owned (the visitor who signed up) is handed to the new
     * user through {@link VisitorClaimed}, in this transaction.
     */
    @Transactional
    public Account register(String username, String password, Optional<String> visitorKey) {
        if (!registrationOpen) {
            throw new AccountRefused(AccountRefused.Kind.FORBIDDEN,
                    "Registration is closed on this server: ask its administrator for an account.");
        }
        String name = username == null ? "" : username.strip();
        AccountRules.checkUsername(name).or(() -> AccountRules.checkPassword(password, name)).ifPresent(problem -> {
            throw new AccountRefused(AccountRefused.Kind.RULE, problem);
        });
        if (accounts.existsByUsernameKey(AccountRules.key(name))) {
            throw taken(name);
        }
        Account account;
        try {
            account = accounts.saveAndFlush(new Account(name, encoder.encode(password), clock.instant()));
        } catch (DataIntegrityViolationException raced) {
            // another sign-up took the name between the check and the insert
            throw taken(name);
        }
        visitorKey.ifPresent(v -> events.publishEvent(new VisitorClaimed(v, ownerKey(account.username()))));
        return account;
    }

    private static AccountRefused taken(String name) {
        return new AccountRefused(AccountRefused.Kind.TAKEN, "User name: \"" + name + "\" is taken; choose another.");
    }

    /** The user as Spring Security checks it: the stored spelling of the name, the hash, the roles. */
    @Transactional(readOnly = true)
    public UserDetails userDetails(String username) {
        Account account = accounts.findByUsernameKey(AccountRules.key(username.strip()))
                .orElseThrow(() -> new UsernameNotFoundException("no user " + username));
        return details(account);
    }

    private UserDetails details(Account account) {
        List<String> roles = new ArrayList<>(roles(account.username()));
        if (account.teacher() && !roles.contains(ROLE_TEACHER)) {
            roles.add(1, ROLE_TEACHER);
        }
        return User.withUsername(account.username()).password(account.passwordHash())
                .authorities(roles.toArray(String[]::new)).build();
    }

    /**
     * Spring Security's names of the roles the configuration gives a user: everyone is a user, some are
     * teachers, some admins (who are teachers too). A teacher by an admin's grant has ROLE_TEACHER from
     * their next sign-in on ({@link #userDetails}); {@link #isTeacher} knows at once.
     */
    public List<String> roles(String username) {
        String key = AccountRules.key(username);
        if (adminKeys.contains(key)) {
            return List.of(ROLE_USER, ROLE_TEACHER, ROLE_ADMIN);
        }
        return teacherKeys.contains(key) ? List.of(ROLE_USER, ROLE_TEACHER) : List.of(ROLE_USER);
    }

    // ---------------------------------------------------------------- teachers

    /**
     * Whether {@code username} may run class sessions now: an admin, named in
     * {@code layerlab.teacher.usernames}, or granted by an admin. Read from the configuration and the
     * database at each call, not from a session's authorities, so that a grant or a revocation applies at once.
     */
    @Transactional(readOnly = true)
    public boolean isTeacher(String username) {
        if (username == null || username.isBlank()) {
            return false;
        }
        String key = AccountRules.key(username.strip());
        if (adminKeys.contains(key) || teacherKeys.contains(key)) {
            return true;
        }
        return accounts.findByUsernameKey(key).map(Account::teacher).orElse(false);
    }

    /** The names {@code layerlab.teacher.usernames} and {@code layerlab.admin.usernames} make teachers (lower case, sorted). */
    public List<String> configuredTeachers() {
        return java.util.stream.Stream.concat(teacherKeys.stream(), adminKeys.stream()).distinct().sorted().toList();
    }

    /** Whether the configuration makes {@code username} a teacher (an admin cannot revoke that on the page). */
    public boolean teacherByConfiguration(String username) {
        String key = AccountRules.key(username.strip());
        return adminKeys.contains(key) || teacherKeys.contains(key);
    }

    /**
     * Grants or revokes the teacher role of a user (an admin's action: the caller checks that the one
     * asking is an admin). Refused for an unknown user. Returns the user as stored.
     */
    @Transactional
    public Account setTeacher(String username, boolean teacher) {
        String name = username == null ? "" : username.strip();
        if (name.isEmpty()) {
            throw new AccountRefused(AccountRefused.Kind.RULE, "User name: enter the name of the user.");
        }
        Account account = account(name);
        account.teacher(teacher);
        return accounts.save(account);
    }

    /** The users an admin granted the teacher role, by name (the configuration's teachers and the admins are not listed). */
    @Transactional(readOnly = true)
    public List<Account> teachers() {
        return accounts.findByTeacherTrueOrderByUsernameKeyAsc();
    }

    /** A new token and its value, which is shown this once: only its hash is kept. */
    public record NewToken(ApiToken token, String value) {
    }

    @Transactional
    public NewToken createToken(String username, String name) {
        Account account = account(username);
        String label = name == null ? "" : name.strip();
        AccountRules.checkTokenName(label).ifPresent(problem -> {
            throw new AccountRefused(AccountRefused.Kind.RULE, problem);
        });
        if (tokens.countByAccountId(account.id()) >= AccountRules.MAX_TOKENS) {
            throw new AccountRefused(AccountRefused.Kind.RULE, "Tokens: at most " + AccountRules.MAX_TOKENS
                    + " per user; revoke one you no longer use first.");
        }
        byte[] secret = new byte[TOKEN_BYTES];
        random.nextBytes(secret);
        String value = TOKEN_PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        ApiToken token = tokens.save(new ApiToken(account.id(), label, hash(value),
                value.substring(0, TOKEN_HINT_CHARS), clock.instant()));
        return new NewToken(token, value);
    }

    @Transactional(readOnly = true)
    public List<ApiToken> tokens(String username) {
        return tokens.findByAccountIdOrderByCreatedAtDesc(account(username).id());
    }

    @Transactional
    public void revokeToken(String username, long tokenId) {
        ApiToken token = tokens.findById(tokenId).filter(t -> t.accountId().equals(account(username).id()))
                .orElseThrow(() -> new AccountRefused(AccountRefused.Kind.UNKNOWN, "Token: you have no token " + tokenId + "."));
        tokens.delete(token);
    }

    /** The user a token belongs to, or empty for an unknown (or revoked) token; notes when it was last used. */
    @Transactional
    public Optional<UserDetails> userOfToken(String value) {
        if (value == null || !value.startsWith(TOKEN_PREFIX)) {
            return Optional.empty();
        }
        return tokens.findByTokenHash(hash(value)).flatMap(token -> {
            token.used(clock.instant());
            return accounts.findById(token.accountId()).map(this::details);
        });
    }

    private Account account(String username) {
        return accounts.findByUsernameKey(AccountRules.key(username))
                .orElseThrow(() -> new AccountRefused(AccountRefused.Kind.UNKNOWN, "There is no user \"" + username + "\"."));
    }

    /** SHA-256 suffices: a token has 256 random bits, so unlike a password it cannot be guessed from its hash. */
    static String hash(String token) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
