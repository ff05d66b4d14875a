package com.layerlab.app.limits;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.layerlab.app.account.SignInLimiter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The one sliding-window counter and the guards built on it: wrong join codes per address (the
 * classroom's; its refusal is ClassroomsContract's) and failed sign-ins per name and per client.
 */
class SlidingWindowLimitTest {

    /** A clock the test moves. */
    private static final class Hands extends Clock {
        Instant now = Instant.parse("2026-12-05T08:00:00Z");

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    private final Hands clock = new Hands();

    // ---- the counter (as the join codes use it: 3 a minute per address) --------------------------------

    @Test
    void aKeyWaitsUntilItsOldestEventLeavesTheWindow() {
        SlidingWindowLimit limit = new SlidingWindowLimit(3, Duration.ofMinutes(1), clock);
        limit.add("10.0.0.1");
        clock.now = clock.now.plusSeconds(10);
        limit.add("10.0.0.1");
        assertEquals(Optional.empty(), limit.waitFor("10.0.0.1"));
        limit.add("10.0.0.1");
        assertEquals(Optional.of(Duration.ofSeconds(50)), limit.waitFor("10.0.0.1"));
        assertEquals(Optional.empty(), limit.waitFor("10.0.0.2"), "another key is not affected");
        clock.now = clock.now.plusSeconds(50);
        assertEquals(Optional.empty(), limit.waitFor("10.0.0.1"), "the first event left the window");
        limit.add("10.0.0.1");
        assertEquals(Optional.of(Duration.ofSeconds(10)), limit.waitFor("10.0.0.1"), "now the second must leave it");
        limit.clear("10.0.0.1");
        assertEquals(Optional.empty(), limit.waitFor("10.0.0.1"), "cleared");
    }

    @Test
    void zeroMeansNoLimitAndAnUnknownKeyIsOneKey() {
        SlidingWindowLimit none = new SlidingWindowLimit(0, Duration.ofMinutes(1), clock);
        for (int i = 0; i < 100; i++) {
            none.add("10.0.0.1");
        }
        assertEquals(Optional.empty(), none.waitFor("10.0.0.1"));
        SlidingWindowLimit one = new SlidingWindowLimit(1, Duration.ofMinutes(1), clock);
        one.add(null);
        assertTrue(one.waitFor("").isPresent());
        assertTrue(one.waitFor(" ").isPresent());
        SlidingWindowLimit instant = new SlidingWindowLimit(1, Duration.ZERO, clock);
        instant.add("10.0.0.1");
        assertEquals(Optional.empty(), instant.waitFor("10.0.0.1"), "a window of no length counts nothing");
        assertThrows(IllegalArgumentException.class, () -> new SlidingWindowLimit(1, Duration.ofMinutes(-1), clock));
    }

    @Test
    void aFloodOfKeysIsForgottenOnceItLeftTheWindow() {
        SlidingWindowLimit limit = new SlidingWindowLimit(1, Duration.ofMinutes(1), clock);
        for (int i = 0; i <= SlidingWindowLimit.PRUNE_ABOVE; i++) {
            limit.add("10.1." + i);
        }
        assertEquals(SlidingWindowLimit.PRUNE_ABOVE + 1, limit.keys(), "all still in the window");
        clock.now = clock.now.plusSeconds(61);
        limit.add("10.2.0.1");
        assertEquals(1, limit.keys());
        assertTrue(limit.waitFor("10.2.0.1").isPresent());
    }

    // ---- sign-in: per name from a client, and per client ------------------------------------------------

    private final SignInLimiter signIns = new SignInLimiter(3, 5, Duration.ofMinutes(15), clock);

    @Test
    void aNameIsRefusedFromAClientAfterItsFailuresUntilTheOldestLeavesTheWindow() {
        for (int i = 0; i < 3; i++) {
            assertEquals(Optional.empty(), signIns.refusal("ana", "10.0.0.1"));
            signIns.failed("ana", "10.0.0.1");
            clock.now = clock.now.plusSeconds(60);
        }
        assertEquals("Too many failed sign-ins as \"Ana\" from your address (3 in 15 minutes): try again in 12 minutes.",
                signIns.refusal("Ana", "10.0.0.1").orElseThrow());
        assertEquals(Duration.ofMinutes(12), signIns.retryAfter("ana", "10.0.0.1"));
        assertEquals(Optional.empty(), signIns.refusal("ana", "10.0.0.2"), "Ana in her own browser is not locked out");
        assertEquals(Optional.empty(), signIns.refusal("bob", "10.0.0.1"), "nor another name from the same client");

        clock.now = clock.now.plus(Duration.ofMinutes(12));
        assertEquals(Optional.empty(), signIns.refusal("ana", "10.0.0.1"), "the first failure has left the window");
        assertEquals(Duration.ZERO, signIns.retryAfter("ana", "10.0.0.1"));
    }

    @Test
    void aClientTryingManyNamesIsRefusedForAllOfThem() {
        for (String name : new String[] {"a1", "a2", "a3", "a4", "a5"}) {
            signIns.failed(name, "10.0.0.9");
        }
        assertTrue(signIns.refusal("zed", "10.0.0.9").orElseThrow().startsWith("Too many failed sign-ins from your address (5 in 15 minutes)"));
        assertEquals(Duration.ofMinutes(15), signIns.retryAfter("zed", "10.0.0.9"));
        assertEquals(Optional.empty(), signIns.refusal("zed", "10.0.0.8"));
    }

    @Test
    void aSuccessClearsTheNamesCount() {
        signIns.failed("ana", "10.0.0.1");
        signIns.failed("ana", "10.0.0.1");
        signIns.succeeded("Ana ", "10.0.0.1");
        signIns.failed("ana", "10.0.0.1");
        signIns.failed("ana", "10.0.0.1");
        assertEquals(Optional.empty(), signIns.refusal("ana", "10.0.0.1"));
    }
}
