package com.layerlab.app.classroom;

import com.layerlab.app.training.PointFrames;
import com.layerlab.app.training.Run;
import com.layerlab.app.training.RunStatus;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.springframework.stereotype.Component;

/**
 * The teacher's live view of a session, kept apart from the pages: one card per seat with the student's
 * current playground run (their latest), its latest frame and their challenge result. While a board is
 * watched, it holds one subscription per student run that only keeps the latest frame, and hands the
 * cards to its watchers at most every {@link #INTERVAL_MS} on one sampling thread, so thirty students
 * training cost the teacher's page one update per interval, however fast they train.
 */
@Component
public class ClassBoard {

    public static final long INTERVAL_MS = 500;

    /**
     * One student as the board shows them.
     *
     * @param run       their current playground run, or null (none yet)
     * @param status    its status, or null
     * @param frame     its latest frame (the decision boundary: {@code frame.items().get(0).snapshot()}), or null
     * @param viewState the run's settings as a playground link's query string, or null
     * @param params    the run's network's parameters (0 without a run)
     * @param result    their result on the current challenge, or null
     */
    public record Card(Seat seat, Run<?> run, RunStatus status, PointFrames.Frame frame, String viewState, int params,
                       Result result) {
    }

    /** The session's cards now, in joining order (removed students left out). */
    public List<Card> cards(long sessionId) {
        throw new UnsupportedOperationException("H2");
    }

    /**
     * {@code onCards} gets the session's cards at once and then at most every {@link #INTERVAL_MS} while
     * any changed, on the board's thread (a page hands them on with {@code UI.access}), until closed.
     */
    public ClassEvents.Registration watch(long sessionId, Consumer<List<Card>> onCards) {
        throw new UnsupportedOperationException("H2");
    }

    /** The seat's current playground run (its owner's latest), if any. */
    public Optional<Run<?>> runOf(Seat seat) {
        throw new UnsupportedOperationException("H2");
    }
}
