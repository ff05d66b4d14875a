package com.layerlab.app.classroom;

import java.time.Instant;

import com.layerlab.app.lab.CnnLinks;
import com.layerlab.app.store.Page;

/**
 * An experiment the teacher pushed to every student (table {@code class_pushes}); the latest push of a
 * session is the one its students' pages show.
 *
 * @param title        what the students' pages say it is
 * @param viewState    the experiment as its lab's share link's query string (ShareLinks.playgroundQuery,
 *                     CnnLinks.query), without the leading "?": opens on every student's page as {@link #location}
 * @param experimentId the saved experiment whose weights the students start from (a fork), or null: the seed's
 * @param challenge    the locks and the goal, or null: a plain push, nothing locked
 * @param sharedFrom   "look what Ana found": the display name of the student whose run it is, "a classmate"
 *                     when shared anonymously, or null for the teacher's own push
 * @param page         the lab it opens on: {@link Page#PLAYGROUND} or {@link Page#CNN}
 */
public record Push(long id, long sessionId, Instant pushedAt, String title, String viewState, String experimentId,
                   Challenge challenge, String sharedFrom, Page page) {

    public Push {
        if (page != Page.PLAYGROUND && page != Page.CNN) {
            throw new IllegalArgumentException("a push opens on the playground or the CNN lab, not " + page);
        }
    }

    /** The link (relative to the app's root, without a leading '/') that opens it: "?x=..." or "cnn?x=...". */
    public String location() {
        return location(page, viewState);
    }

    /** The link (relative to the app's root, without a leading '/') that opens {@code viewState} on {@code lab}. */
    public static String location(Page lab, String viewState) {
        return (lab == Page.CNN ? CnnLinks.ROUTE : "") + "?" + viewState;
    }

    public boolean isChallenge() {
        return challenge != null;
    }
}
