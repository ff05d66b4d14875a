package com.layerlab.app.limits;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * At most {@code max} events per key in a sliding window: the one counter behind the guards against
 * guessing (wrong join codes per address, classroom.Classrooms; failed sign-ins per name and per client,
 * account.SignInLimiter). Past the limit a key waits until its oldest counted event leaves the window.
 * It depends on nothing of the app, so that every package may use it.
 */
public final class SlidingWindowLimit {

    /** Keys remembered before those whose events have all left the window are dropped (memory stays bounded). */
    static final int PRUNE_ABOVE = 10_000;
    /** The key of an event without one (an unknown address): all such events count together. */
    static final String UNKNOWN = "unknown";

    private final int max;
    private final Duration window;
    private final Clock clock;
    /** Event times by key, oldest first; a deque is guarded by itself. */
    private final Map<String, Deque<Instant>> events = new ConcurrentHashMap<>();

    /**
     * @param max    events a key may have in the window; 0 or less: no limit (nothing is ever refused)
     * @param window how long an event counts (zero: not at all, so nothing is refused)
     */
    public SlidingWindowLimit(int max, Duration window, Clock clock) {
        if (window.isNegative()) {
            throw new IllegalArgumentException("a sliding window cannot be negative: " + window);
        }
        this.max = max;
        this.window = window;
        this.clock = clock;
    }

    public int max() {
        return max;
    }

    public Duration window() {
        return window;
    }

    /** How long {@code key} must wait before it is under the limit again, or empty when it is now. */
    public Optional<Duration> waitFor(String key) {
        if (max <= 0) {
            return Optional.empty();
        }
        Deque<Instant> times = events.get(key(key));
        if (times == null) {
            return Optional.empty();
        }
        Instant now = clock.instant();
        synchronized (times) {
            prune(times, now);
            if (times.size() < max) {
                return Optional.empty();
            }
            // the event that must leave the window for the count to drop below the limit
            Instant release = times.stream().skip(times.size() - max).findFirst().orElseThrow().plus(window);
            return Optional.of(Duration.between(now, release));
        }
    }

    /** Counts one event of {@code key} now. */
    public void add(String key) {
        Instant now = clock.instant();
        Deque<Instant> times = events.computeIfAbsent(key(key), k -> new ArrayDeque<>());
        synchronized (times) {
            prune(times, now);
            times.addLast(now);
        }
        if (events.size() > PRUNE_ABOVE) {
            // a flood of distinct keys: drop what has left the window
            events.entrySet().removeIf(e -> {
                synchronized (e.getValue()) {
                    prune(e.getValue(), now);
                    return e.getValue().isEmpty();
                }
            });
        }
    }

    /** Forgets {@code key}'s events (a right password clears that name's failures). */
    public void clear(String key) {
        events.remove(key(key));
    }

    /** Keys remembered now, for tests of the bound. */
    int keys() {
        return events.size();
    }

    private void prune(Deque<Instant> times, Instant now) {
        Instant oldest = now.minus(window);
        while (!times.isEmpty() && !times.peekFirst().isAfter(oldest)) {
            times.removeFirst();
        }
    }

    private static String key(String key) {
        return key == null || key.isBlank() ? UNKNOWN : key;
    }
}
