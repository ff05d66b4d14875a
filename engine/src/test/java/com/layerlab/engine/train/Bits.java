package com.layerlab.engine.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.layerlab.engine.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Floats compared as their bits, so that -0.0 against 0.0 or two different NaNs count as a difference:
 * the tests that a run gives the same bits (alone or beside others, by steps or by epochs, resumed or not).
 */
final class Bits {

    private Bits() {
    }

    static int[] of(float[] values) {
        int[] b = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            b[i] = Float.floatToRawIntBits(values[i]);
        }
        return b;
    }

    /** Every tensor's bits (copied to the host), by name, in the map's order. */
    static Map<String, int[]> of(Map<String, Tensor> tensors) {
        Map<String, int[]> out = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            out.put(e.getKey(), of(e.getValue().toHost()));
        }
        return out;
    }

    /** The bits of a run's state dict (its weights and buffers). */
    static Map<String, int[]> of(Trainer t) {
        return of(t.model().stateDict());
    }

    /** The same names with the same bits; {@code what} heads every message. */
    static void assertSame(Map<String, int[]> expected, Map<String, int[]> actual, String what) {
        assertEquals(expected.keySet(), actual.keySet(), what);
        for (String k : expected.keySet()) {
            assertArrayEquals(expected.get(k), actual.get(k), what + ": " + k);
        }
    }
}
