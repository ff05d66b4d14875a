package com.layerlab.app.classroom;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Slows guessing of join codes: wrong codes are counted per client address in a sliding minute; past
 * {@code layerlab.class.join-attempts-per-minute}, every join from that address is refused (even with a
 * right code, so that a guesser learns nothing) until the oldest wrong code leaves the window. Another
 * address (the rest of the class behind another router) is not affected.
 */
@Component
class JoinLimiter {

    private final int maxPerWindow;
    private final Duration window;
    private final Clock clock;
    /** Wrong-code times by address; a deque is guarded by itself. */
    private final Map<String, Deque<Instant>> failures = new ConcurrentHashMap<>();

    @Autowired
    JoinLimiter(@Value("${layerlab.class.join-attempts-per-minute:10}") int maxPerMinute) {
        this(maxPerMinute, Duration.ofMinutes(1), Clock.systemUTC());
    }

    JoinLimiter(int maxPerWindow, Duration window, Clock clock) {
        this.maxPerWindow = maxPerWindow;
        this.window = window;
        this.clock = clock;
    }

    /** How long {@code address} must wait before it may try a code again, or empty when it may now. */
    Optional<Duration> waitFor(String address) {
        if (maxPerWindow <= 0) {
            return Optional.empty();
        }
        Deque<Instant> times = failures.get(key(address));
        if (times == null) {
            return Optional.empty();
        }
        Instant now = clock.instant();
        synchronized (times) {
            prune(times, now);
            if (times.size() < maxPerWindow) {
                return Optional.empty();
            }
            // the wrong code that must leave the window for the count to drop below the limit
            Instant release = times.stream().skip(times.size() - maxPerWindow).findFirst().orElseThrow().plus(window);
            return Optional.of(Duration.between(now, release));
        }
    }

    void wrongCode(String address) {
        Instant now = clock.instant();
        Deque<Instant> times = failures.computeIfAbsent(key(address), k -> new ArrayDeque<>());
        synchronized (times) {
            prune(times, now);
            times.addLast(now);
        }
        if (failures.size() > 10_000) {
            // a flood of distinct addresses: drop what has left the window so memory stays bounded
            failures.entrySet().removeIf(e -> {
                synchronized (e.getValue()) {
                    prune(e.getValue(), now);
                    return e.getValue().isEmpty();
                }
            });
        }
    }

    int maxPerWindow() {
        return maxPerWindow;
    }

    private void prune(Deque<Instant> times, Instant now) {
        Instant oldest = now.minus(window);
        while (!times.isEmpty() && !times.peekFirst().isAfter(oldest)) {
            times.removeFirst();
        }
    }

    private static String key(String address) {
        return address == null || address.isBlank() ? "unknown" : address;
    }
}
