package com.layerlab.app.classroom;

import java.time.Instant;

/**
 * A student's place in a session (table {@code class_seats}): kept by their browser's owner key
 * ({@code visitor:<cookie id>}, or {@code user:<name>} when signed in), so it survives a reload, a lost
 * connection and a browser restart on the same device. The student's runs are that owner's runs.
 *
 * @param displayName as the student typed it (trimmed); always shown escaped (Vaadin text, never HTML)
 * @param removed     the teacher removed them: they cannot join this session again
 * @param leftAt      when they left the session themself (or joined another), null while they are in it; joining
 *                    again brings them back
 */
public record Seat(long id, long sessionId, String ownerKey, String displayName, Instant joinedAt, boolean removed,
                   Instant leftAt) {

    /** A seat of a student who is in the session (never left it). */
    public Seat(long id, long sessionId, String ownerKey, String displayName, Instant joinedAt, boolean removed) {
        this(id, sessionId, ownerKey, displayName, joinedAt, removed, null);
    }

    /** Whether they left the session themself (their seat and results stay for the teacher). */
    public boolean left() {
        return leftAt != null;
    }
}
