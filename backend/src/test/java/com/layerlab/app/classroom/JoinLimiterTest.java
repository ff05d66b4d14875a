package com.layerlab.app.classroom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Wrong join codes per address in a sliding minute. */
class JoinLimiterTest {

    /** A clock the test moves. */
    private static final class Hands extends Clock {
        Instant now = Instant.parse("2026-01-01T10:00:00Z");

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

    @Test
    void anAddressWaitsUntilItsOldestWrongCodeLeavesTheMinute() {
        Hands clock = new Hands();
        JoinLimiter limiter = new JoinLimiter(3, Duration.ofMinutes(1), clock);
        limiter.wrongCode("10.0.0.1");
        clock.now = clock.now.plusSeconds(10);
        limiter.wrongCode("10.0.0.1");
        assertEquals(Optional.empty(), limiter.waitFor("10.0.0.1"));
        limiter.wrongCode("10.0.0.1");
        assertEquals(Optional.of(Duration.ofSeconds(50)), limiter.waitFor("10.0.0.1"));
        assertEquals(Optional.empty(), limiter.waitFor("10.0.0.2"), "another address is not affected");
        clock.now = clock.now.plusSeconds(50);
        assertEquals(Optional.empty(), limiter.waitFor("10.0.0.1"), "the first wrong code left the window");
        limiter.wrongCode("10.0.0.1");
        assertTrue(limiter.waitFor("10.0.0.1").isPresent());
    }

    @Test
    void zeroMeansNoLimitAndAnUnknownAddressIsOneAddress() {
        JoinLimiter none = new JoinLimiter(0, Duration.ofMinutes(1), Clock.systemUTC());
        for (int i = 0; i < 100; i++) {
            none.wrongCode("10.0.0.1");
        }
        assertEquals(Optional.empty(), none.waitFor("10.0.0.1"));
        JoinLimiter one = new JoinLimiter(1, Duration.ofMinutes(1), Clock.systemUTC());
        one.wrongCode(null);
        assertTrue(one.waitFor("").isPresent());
    }
}
