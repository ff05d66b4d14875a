package com.layerlab.app.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The load test's percentiles (nearest rank): what its README numbers mean. */
class SamplesTest {

    @Test
    void percentilesAreNearestRank() {
        Samples s = new Samples("frames");
        s.addAll(List.of(50.0, 10.0, 40.0, 20.0, 30.0, 60.0, 70.0, 80.0, 90.0, 100.0));
        assertEquals(50.0, s.percentile(50), "the 5th of 10");
        assertEquals(100.0, s.percentile(95), "the 10th of 10: 9.5 rounds up");
        assertEquals(10.0, s.percentile(1));
        assertEquals(100.0, s.percentile(100));
        assertTrue(s.line().startsWith("frames"), s.line());
        assertTrue(s.line().contains("p95    100 ms") && s.line().contains("(n=10)"), s.line());
    }

    @Test
    void nothingMeasuredIsNotANumber() {
        assertTrue(Double.isNaN(new Samples("none").percentile(95)));
    }
}
