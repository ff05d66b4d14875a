package com.layerlab.app.account;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/**
 * A personal API token of an account (table {@code api_tokens}): only the token's hash is kept, so a
 * copy of the database gives nobody a working token.
 */
@Entity
@Table(name = "api_tokens")
public class ApiToken {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;

    @Column(name = "account_id", nullable = false)
    private Long accountId;

    @Column(nullable = false, length = AccountRules.TOKEN_NAME_MAX)
    private String name;

    @Column(name = "token_hash", nullable = false, length = 64)
    private String tokenHash;

    @Column(name = "token_hint", nullable = false, length = 16)
    private String tokenHint;

    @Column(name = "created_at", nullable = false)
    private Instant createdAt;

    @Column(name = "last_used_at")
    private Instant lastUsedAt;

    protected ApiToken() {
        // for JPA
    }

    ApiToken(Long accountId, String name, String tokenHash, String tokenHint, Instant createdAt) {
        this.accountId = accountId;
        this.name = name;
        this.tokenHash = tokenHash;
        this.tokenHint = tokenHint;
        this.createdAt = createdAt;
    }

    public Long id() {
        return id;
    }

    Long accountId() {
        return accountId;
    }

    public String name() {
        return name;
    }

    /** The token's first characters followed by an ellipsis: enough to recognise it, useless to use it. */
    public String hint() {
        return tokenHint + "\u2026";
    }

    public Instant createdAt() {
        return createdAt;
    }

    public Instant lastUsedAt() {
        return lastUsedAt;
    }

    void used(Instant at) {
        lastUsedAt = at;
    }
}
