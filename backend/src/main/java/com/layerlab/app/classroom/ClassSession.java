package com.layerlab.app.classroom;

import java.time.Instant;

/**
 * A class session as the pages and the API see it (table {@code class_sessions}, V6__classroom.sql).
 *
 * @param code     the join code, read aloud and typed by students: {@link JoinCodes}
 * @param teacher  the username of the teacher who runs it (only they act on it)
 * @param paused   "eyes on me": every student's training is held until the teacher resumes
 * @param endedAt  when the teacher ended it (read-only from then on), or null
 */
public record ClassSession(long id, String code, String teacher, String title, Instant createdAt, boolean locked,
                           boolean paused, Instant endedAt) {

    public boolean ended() {
        return endedAt != null;
    }
}
