package com.layerlab.app.classroom;

import java.util.function.Consumer;
import org.springframework.stereotype.Component;

/**
 * Tells a session's pages what changed ({@link ClassEvent}), on the thread of whoever changed it: a
 * listener hands the event to its page with {@code UI.access} and returns at once. A page removes its
 * listener when it detaches (the {@link Registration}), so a closed page holds nothing.
 */
@Component
public class ClassEvents {

    /** Ends a listening; closing it twice does nothing. */
    public interface Registration extends AutoCloseable {
        @Override
        void close();
    }

    /** {@code listener} hears every event of the session from now on, until the registration is closed. */
    public Registration listen(long sessionId, Consumer<ClassEvent> listener) {
        throw new UnsupportedOperationException("H1");
    }

    /** Tells every listener of the event's session (a listener that throws is dropped, the others still hear it). */
    public void publish(ClassEvent event) {
        throw new UnsupportedOperationException("H1");
    }

    /** Listeners now, for tests: a closed page leaves none behind. */
    public int listenerCount(long sessionId) {
        throw new UnsupportedOperationException("H1");
    }
}
