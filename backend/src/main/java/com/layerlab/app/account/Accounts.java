package com.layerlab.app.account;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
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
 * {@code layerlab.admin.usernames}), and tokens that are shown once and kept only as a hash.
 */
@Service
public class Accounts {

    private static final String USER_PREFIX = "user:";
    public static final String ROLE_USER = "ROLE_USER";
    public static final String ROLE_ADMIN = "ROLE_ADMIN";
    /** The prefix of every personal token, so that a leaked one is recognisable (secret scanners, logs). */
    static final String TOKEN_PREFIX = "ll_";
    private static final int TOKEN_BYTES = 32;
    private static final int TOKEN_HINT_CHARS = 8;

    private final AccountRepository accounts;
    private final ApiTokenRepository tokens;
    private final PasswordEncoder encoder;
    private final ApplicationEventPublisher events;
    private final Set<String> adminKeys;
    private final boolean registrationOpen;
    private final Clock clock = Clock.systemUTC();
    private final SecureRandom random = new SecureRandom();

    public Accounts(AccountRepository accounts, ApiTokenRepository tokens, PasswordEncoder encoder,
            ApplicationEventPublisher events,
            @Value("${layerlab.admin.usernames:}") String adminUsernames,
            @Value("${layerlab.accounts.registration-open:true}") boolean registrationOpen) {
        this.accounts = accounts;
        this.tokens = tokens;
        this.encoder = encoder;
        this.events = events;
        this.adminKeys = Arrays.stream(adminUsernames.split(","))
                .map(String::trim).filter(s -> !s.isEmpty()).map(AccountRules::key).collect(Collectors.toUnmodifiableSet());
        this.registrationOpen = registrationOpen;
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
        return User.withUsername(account.username()).password(account.passwordHash())
                .authorities(roles(account.username()).toArray(String[]::new)).build();
    }

    /** Spring Security's names of the roles of a user: everyone is a user, some are admins. */
    public List<String> roles(String username) {
        return adminKeys.contains(AccountRules.key(username)) ? List.of(ROLE_USER, ROLE_ADMIN) : List.of(ROLE_USER);
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
