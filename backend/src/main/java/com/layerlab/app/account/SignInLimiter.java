package com.layerlab.app.account;

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
 * Slows password guessing: failed sign-ins are counted per user name from each client address, and
 * per client address over all names, in a sliding window. Over either limit, sign-in from that client
 * is refused (even with the right password) until the oldest failure leaves the window. The counts are
 * per client so that someone guessing Ana's password does not lock Ana out of her own browser, and a
 * success clears that name's count for that client.
 */
@Component
public class SignInLimiter {

    private final int maxPerName;
    private final int maxPerClient;
    private final Duration window;
    private final Clock clock;
    /** Failure times by key ("name\u0000client" or "\u0000client"); a deque is guarded by itself. */
    private final Map<String, Deque<Instant>> failures = new ConcurrentHashMap<>();

    @Autowired
    public SignInLimiter(@Value("${layerlab.signin.max-failures-per-name:5}") int maxPerName,
            @Value("${layerlab.signin.max-failures-per-client:20}") int maxPerClient,
            @Value("${layerlab.signin.window-minutes:15}") int windowMinutes) {
        this(maxPerName, maxPerClient, Duration.ofMinutes(windowMinutes), Clock.systemUTC());
    }

    SignInLimiter(int maxPerName, int maxPerClient, Duration window, Clock clock) {
        this.maxPerName = maxPerName;
        this.maxPerClient = maxPerClient;
        this.window = window;
        this.clock = clock;
    }

    /** Why sign-in as {@code username} from {@code client} is refused now, or empty when it may be tried. */
    public Optional<String> refusal(String username, String client) {
        Instant now = clock.instant();
        Optional<Duration> name = waitFor(nameKey(username, client), maxPerName, now);
        if (name.isPresent()) {
            return Optional.of("Too many failed sign-ins as \"" + username + "\" from your address (" + maxPerName
                    + " in " + minutes(window) + "): try again in " + minutes(name.get()) + ".");
        }
        return waitFor(clientKey(client), maxPerClient, now).map(wait -> "Too many failed sign-ins from your address ("
                + maxPerClient + " in " + minutes(window) + "): try again in " + minutes(wait) + ".");
    }

    /** How long until sign-in may be tried again, for the Retry-After header (zero when it may). */
    public Duration retryAfter(String username, String client) {
        Instant now = clock.instant();
        Duration a = waitFor(nameKey(username, client), maxPerName, now).orElse(Duration.ZERO);
        Duration b = waitFor(clientKey(client), maxPerClient, now).orElse(Duration.ZERO);
        return a.compareTo(b) > 0 ? a : b;
    }

    public void failed(String username, String client) {
        Instant now = clock.instant();
        add(nameKey(username, client), now);
        add(clientKey(client), now);
        if (failures.size() > 10_000) {
            // a flood of distinct names or addresses: drop what has left the window so memory stays bounded
            failures.entrySet().removeIf(e -> {
                synchronized (e.getValue()) {
                    prune(e.getValue(), now);
                    return e.getValue().isEmpty();
                }
            });
        }
    }

    public void succeeded(String username, String client) {
        failures.remove(nameKey(username, client));
    }

    private void add(String key, Instant now) {
        Deque<Instant> times = failures.computeIfAbsent(key, k -> new ArrayDeque<>());
        synchronized (times) {
            prune(times, now);
            times.addLast(now);
        }
    }

    private Optional<Duration> waitFor(String key, int max, Instant now) {
        Deque<Instant> times = failures.get(key);
        if (times == null) {
            return Optional.empty();
        }
        synchronized (times) {
            prune(times, now);
            if (times.size() < max) {
                return Optional.empty();
            }
            // the failure that must leave the window for the count to drop below the limit
            Instant release = times.stream().skip(times.size() - max).findFirst().orElseThrow().plus(window);
            return Optional.of(Duration.between(now, release));
        }
    }

    private void prune(Deque<Instant> times, Instant now) {
        Instant oldest = now.minus(window);
        while (!times.isEmpty() && !times.peekFirst().isAfter(oldest)) {
            times.removeFirst();
        }
    }

    private static String nameKey(String username, String client) {
        return AccountRules.key(username.strip()) + "\u0000" + client;
    }

    private static String clientKey(String client) {
        return "\u0000" + client;
    }

    private static String minutes(Duration d) {
        long m = Math.max(1, (d.toSeconds() + 59) / 60);
        return m == 1 ? "1 minute" : m + " minutes";
    }
}
