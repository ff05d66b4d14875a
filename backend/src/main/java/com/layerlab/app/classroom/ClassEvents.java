package com.layerlab.app.classroom;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Tells a session's pages what changed ({@link ClassEvent}), on the thread of whoever changed it: a
 * listener hands the event to its page with {@code UI.access} and returns at once. A page removes its
 * listener when it detaches (the {@link Registration}), so a closed page holds nothing.
 */
@Component
public class ClassEvents {

    private static final Logger log = LoggerFactory.getLogger(ClassEvents.class);

    /** Ends a listening; closing it twice does nothing. */
    public interface Registration extends AutoCloseable {
        @Override
        void close();
    }

    /**
     * Listeners by session. Copy-on-write: events are told far more often than pages come and go, and a
     * listener may close its registration (or listen anew) while an event is being told without
     * disturbing the telling.
     */
    private final Map<Long, List<Listener>> listeners = new ConcurrentHashMap<>();

    /** One listening; identity, not the consumer's equals, tells two listenings of one consumer apart. */
    private static final class Listener {
        final Consumer<ClassEvent> consumer;

        Listener(Consumer<ClassEvent> consumer) {
            this.consumer = consumer;
        }
    }

    /** {@code listener} hears every event of the session from now on, until the registration is closed. */
    public Registration listen(long sessionId, Consumer<ClassEvent> listener) {
        if (listener == null) {
            throw new IllegalArgumentException("a listener is needed");
        }
        Listener l = new Listener(listener);
        // compute: atomic with remove's computeIfPresent, so a listener never lands in a list just dropped
        listeners.compute(sessionId, (id, list) -> {
            List<Listener> to = list == null ? new CopyOnWriteArrayList<>() : list;
            to.add(l);
            return to;
        });
        AtomicBoolean closed = new AtomicBoolean();
        return () -> {
            if (closed.compareAndSet(false, true)) {
                remove(sessionId, l);
            }
        };
    }

    /** Tells every listener of the event's session (a listener that throws is dropped, the others still hear it). */
    public void publish(ClassEvent event) {
        List<Listener> list = listeners.get(event.sessionId());
        if (list == null) {
            return;
        }
        for (Listener l : list) {
            try {
                l.consumer.accept(event);
            } catch (RuntimeException e) {
                // a page that went away without detaching (its UI closed): it would fail on every event
                log.warn("Dropped a listener of class session {} that failed on {}: {}", event.sessionId(),
                        event.getClass().getSimpleName(), e.toString());
                remove(event.sessionId(), l);
            }
        }
    }

    /** Listeners now, for tests: a closed page leaves none behind. */
    public int listenerCount(long sessionId) {
        List<Listener> list = listeners.get(sessionId);
        return list == null ? 0 : list.size();
    }

    private void remove(long sessionId, Listener l) {
        // the session's entry goes with its last listener, so that ended sessions leave nothing behind
        listeners.computeIfPresent(sessionId, (id, list) -> {
            list.remove(l);
            return list.isEmpty() ? null : list;
        });
    }
}
