package com.layerlab.app.account;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SignInLimiterTest {

    /** A clock the test moves. */
    static final class Hands extends Clock {
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
    private final SignInLimiter limiter = new SignInLimiter(3, 5, Duration.ofMinutes(15), clock);

    @Test
    void aNameIsRefusedFromAClientAfterItsFailuresUntilTheOldestLeavesTheWindow() {
        for (int i = 0; i < 3; i++) {
            assertEquals(Optional.empty(), limiter.refusal("ana", "10.0.0.1"));
            limiter.failed("ana", "10.0.0.1");
            clock.now = clock.now.plusSeconds(60);
        }
        assertEquals("Too many failed sign-ins as \"Ana\" from your address (3 in 15 minutes): try again in 12 minutes.",
                limiter.refusal("Ana", "10.0.0.1").orElseThrow());
        assertEquals(Duration.ofMinutes(12), limiter.retryAfter("ana", "10.0.0.1"));
        assertEquals(Optional.empty(), limiter.refusal("ana", "10.0.0.2"), "Ana in her own browser is not locked out");
        assertEquals(Optional.empty(), limiter.refusal("bob", "10.0.0.1"), "nor another name from the same client");

        clock.now = clock.now.plus(Duration.ofMinutes(12));
        assertEquals(Optional.empty(), limiter.refusal("ana", "10.0.0.1"), "the first failure has left the window");
    }

    @Test
    void aClientTryingManyNamesIsRefusedForAllOfThem() {
        for (String name : new String[] {"a1", "a2", "a3", "a4", "a5"}) {
            limiter.failed(name, "10.0.0.9");
        }
        assertTrue(limiter.refusal("zed", "10.0.0.9").orElseThrow().startsWith("Too many failed sign-ins from your address (5 in 15 minutes)"));
        assertEquals(Optional.empty(), limiter.refusal("zed", "10.0.0.8"));
    }

    @Test
    void aSuccessClearsTheNamesCount() {
        limiter.failed("ana", "10.0.0.1");
        limiter.failed("ana", "10.0.0.1");
        limiter.succeeded("ana", "10.0.0.1");
        limiter.failed("ana", "10.0.0.1");
        limiter.failed("ana", "10.0.0.1");
        assertEquals(Optional.empty(), limiter.refusal("ana", "10.0.0.1"));
    }
}
