package com.layerlab.app.classroom;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** A row of {@code class_seats} (V6__classroom.sql); the pages see {@link Seat}. */
@Entity
@Table(name = "class_seats")
class SeatRow {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    Long id;
    @Column(name = "session_id", nullable = false)
    long sessionId;
    @Column(name = "owner_key", nullable = false, length = 200)
    String ownerKey;
    @Column(name = "display_name", nullable = false, length = 80)
    String displayName;
    @Column(name = "joined_at", nullable = false)
    Instant joinedAt;
    @Column(nullable = false)
    boolean removed;
    /** The student left (themself, or by joining another class): no longer their current seat. */
    @Column(name = "left_at")
    Instant leftAt;

    protected SeatRow() {
        // for JPA
    }

    SeatRow(long sessionId, String ownerKey, String displayName, Instant joinedAt) {
        this.sessionId = sessionId;
        this.ownerKey = ownerKey;
        this.displayName = displayName;
        this.joinedAt = joinedAt;
    }

    Seat view() {
        return new Seat(id, sessionId, ownerKey, displayName, joinedAt, removed, leftAt);
    }
}
