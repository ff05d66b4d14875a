package com.layerlab.app.account;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** A user: a name, a password hash and the teacher role an admin granted (table {@code accounts}, V2__accounts.sql, V6__classroom.sql). */
@Entity
@Table(name = "accounts")
public class Account {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;

    @Column(nullable = false, length = AccountRules.USERNAME_MAX)
    private String username;

    @Column(name = "username_key", nullable = false, length = AccountRules.USERNAME_MAX)
    private String usernameKey;

    @Column(name = "password_hash", nullable = false)
    private String passwordHash;

    @Column(name = "created_at", nullable = false)
    private Instant createdAt;

    /** The teacher role granted by an admin (V6); configured teachers and admins are teachers without it. */
    @Column(nullable = false)
    private boolean teacher;

    protected Account() {
        // for JPA
    }

    Account(String username, String passwordHash, Instant createdAt) {
        this.username = username;
        this.usernameKey = AccountRules.key(username);
        this.passwordHash = passwordHash;
        this.createdAt = createdAt;
    }

    public Long id() {
        return id;
    }

    public String username() {
        return username;
    }

    String passwordHash() {
        return passwordHash;
    }

    public Instant createdAt() {
        return createdAt;
    }

    /** Whether an admin granted this user the teacher role (not whether they are a teacher: {@link Accounts#isTeacher}). */
    public boolean teacher() {
        return teacher;
    }

    void teacher(boolean teacher) {
        this.teacher = teacher;
    }
}
