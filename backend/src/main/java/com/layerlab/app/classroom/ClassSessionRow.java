package com.layerlab.app.classroom;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** A row of {@code class_sessions} (V6__classroom.sql); the pages see {@link ClassSession}. */
@Entity
@Table(name = "class_sessions")
class ClassSessionRow {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    Long id;
    @Column(nullable = false, length = 6)
    String code;
    @Column(nullable = false, length = 32)
    String teacher;
    @Column(nullable = false, length = 100)
    String title;
    @Column(name = "created_at", nullable = false)
    Instant createdAt;
    @Column(nullable = false)
    boolean locked;
    @Column(nullable = false)
    boolean paused;
    @Column(name = "ended_at")
    Instant endedAt;

    protected ClassSessionRow() {
        // for JPA
    }

    ClassSessionRow(String code, String teacher, String title, Instant createdAt) {
        this.code = code;
        this.teacher = teacher;
        this.title = title;
        this.createdAt = createdAt;
    }

    ClassSession view() {
        return new ClassSession(id, code, teacher, title, createdAt, locked, paused, endedAt);
    }
}
