package com.layerlab.app.classroom;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Duration;
import java.time.Instant;

/** A row of {@code class_results} (V6__classroom.sql); the pages see {@link Result}. */
@Entity
@Table(name = "class_results")
class ResultRow {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    Long id;
    @Column(name = "push_id", nullable = false)
    long pushId;
    @Column(name = "seat_id", nullable = false)
    long seatId;
    @Column(nullable = false)
    double best;
    @Column(nullable = false)
    int params;
    @Column(nullable = false)
    int epoch;
    @Column(name = "reached_at")
    Instant reachedAt;
    @Column(name = "time_to_goal_ms")
    Long timeToGoalMs;
    @Column(name = "view_state")
    String viewState;
    @Column(name = "updated_at", nullable = false)
    Instant updatedAt;

    protected ResultRow() {
        // for JPA
    }

    ResultRow(long pushId, long seatId) {
        this.pushId = pushId;
        this.seatId = seatId;
    }

    Result view(String displayName) {
        return new Result(seatId, displayName, pushId, best, params, epoch, reachedAt,
                timeToGoalMs == null ? null : Duration.ofMillis(timeToGoalMs), viewState);
    }
}
