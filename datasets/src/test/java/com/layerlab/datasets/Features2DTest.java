package com.layerlab.datasets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class Features2DTest {

    @Test
    void allSevenFeatures() {
        float[] out = new float[9];
        Features2D.compute(Features2D.NAMES, 2f, -3f, out, 2);
        assertArrayEquals(new float[] {0, 0, 2, -3, 4, 9, -6, (float) Math.sin(2), (float) Math.sin(-3)}, out);
        assertEquals(7, Features2D.NAMES.size());
    }

    @Test
    void bulkFormIsRowMajorInTheGivenOrder() {
        Points2D p = new Points2D(new float[] {1, 2}, new float[] {3, 4}, new float[] {0, 1}, 2);
        float[] f = Features2D.compute(List.of("x1*x2", "x1"), p);
        assertArrayEquals(new float[] {3, 1, 8, 2}, f);
    }

    @Test
    void badNamesAreRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Features2D.validate(List.of("x1", "cos(x1)")));
        assertTrue(e.getMessage().contains("unknown feature \"cos(x1)\""), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Features2D.validate(List.of("x1", "x1")));
        assertTrue(e.getMessage().contains("twice"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Features2D.validate(List.of()));
    }
}
