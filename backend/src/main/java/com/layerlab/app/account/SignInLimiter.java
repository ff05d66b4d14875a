package com.layerlab.app.account;

import com.layerlab.app.limits.SlidingWindowLimit;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Slows password guessing: failed sign-ins are counted per user name from each client address, and
 * per client address over all names, in a sliding window. Over either limit, sign-in from that client
 * is refused (even with the right password) until the oldest failure leaves the window. The counts are
 * per client so that someone guessing Ana's password does not lock Ana out of her own browser, and a
 * success clears that name's count for that client. The counting is {@link SlidingWindowLimit}'s, as
 * the join codes' is.
 */
@Component
public class SignInLimiter {

    /** Failures by "name\u0000client". */
    private final SlidingWindowLimit perName;
    /** Failures by client, over all names. */
    private final SlidingWindowLimit perClient;

    @Autowired
    public SignInLimiter(@Value("${layerlab.signin.max-failures-per-name:5}") int maxPerName,
            @Value("${layerlab.signin.max-failures-per-client:20}") int maxPerClient,
            @Value("${layerlab.signin.window-minutes:15}") int windowMinutes) {
        this(maxPerName, maxPerClient, Duration.ofMinutes(windowMinutes), Clock.systemUTC());
    }

    /** With another clock (tests move theirs); a limit of 0 or less is none. */
    public SignInLimiter(int maxPerName, int maxPerClient, Duration window, Clock clock) {
        this.perName = new SlidingWindowLimit(maxPerName, window, clock);
        this.perClient = new SlidingWindowLimit(maxPerClient, window, clock);
    }

    /** Why sign-in as {@code username} from {@code client} is refused now, or empty when it may be tried. */
    public Optional<String> refusal(String username, String client) {
        Optional<Duration> name = perName.waitFor(nameKey(username, client));
        if (name.isPresent()) {
            return Optional.of("Too many failed sign-ins as \"" + username + "\" from your address (" + perName.max()
                    + " in " + minutes(perName.window()) + "): try again in " + minutes(name.get()) + ".");
        }
        return perClient.waitFor(client).map(wait -> "Too many failed sign-ins from your address ("
                + perClient.max() + " in " + minutes(perClient.window()) + "): try again in " + minutes(wait) + ".");
    }

    /** How long until sign-in may be tried again, for the Retry-After header (zero when it may). */
    public Duration retryAfter(String username, String client) {
        Duration a = perName.waitFor(nameKey(username, client)).orElse(Duration.ZERO);
        Duration b = perClient.waitFor(client).orElse(Duration.ZERO);
        return a.compareTo(b) > 0 ? a : b;
    }

    public void failed(String username, String client) {
        perName.add(nameKey(username, client));
        perClient.add(client);
    }

    public void succeeded(String username, String client) {
        perName.clear(nameKey(username, client));
    }

    private static String nameKey(String username, String client) {
        return AccountRules.key(username.strip()) + "\u0000" + client;
    }

    private static String minutes(Duration d) {
        long m = Math.max(1, (d.toSeconds() + 59) / 60);
        return m == 1 ? "1 minute" : m + " minutes";
    }
}
