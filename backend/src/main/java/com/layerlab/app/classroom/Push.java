package com.layerlab.app.classroom;

import java.time.Instant;

/**
 * An experiment the teacher pushed to every student (table {@code class_pushes}); the latest push of a
 * session is the one its students' pages show.
 *
 * @param title        what the students' pages say it is
 * @param viewState    the playground's settings as its share link's query string (ShareLinks.playgroundQuery),
 *                     without the leading "?": opens on every student's page as {@code /?<viewState>}
 * @param experimentId the saved experiment whose weights the students start from (a fork), or null: the seed's
 * @param challenge    the locks and the goal, or null: a plain push, nothing locked
 * @param sharedFrom   "look what Ana found": the display name of the student whose run it is, "a classmate"
 *                     when shared anonymously, or null for the teacher's own push
 */
public record Push(long id, long sessionId, Instant pushedAt, String title, String viewState, String experimentId,
                   Challenge challenge, String sharedFrom) {

    public boolean isChallenge() {
        return challenge != null;
    }
}
