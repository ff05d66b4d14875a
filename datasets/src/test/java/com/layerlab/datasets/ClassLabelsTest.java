package com.layerlab.datasets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ClassLabelsTest {

    @Test
    void aClassIsAWholeNumberBelowTheClassCount() {
        assertTrue(ClassLabels.isClass(0f, 3) && ClassLabels.isClass(2f, 3) && ClassLabels.isClass(-0f, 3));
        for (float no : new float[] {1.7f, -3f, 3f, Float.NaN, Float.POSITIVE_INFINITY, -0.5f, 2.0000002f}) {
            assertFalse(ClassLabels.isClass(no, 3), no + " names no class of 3");
        }
        assertEquals("label 1.7 of point 12 is not a class index: classes are 0..9",
                ClassLabels.notAClass(1.7f, "of point 12", 10));
        assertEquals("label -3 of point 0 is not a class index: classes are 0..1", ClassLabels.notAClass(-3f, "of point 0", 2));
        assertEquals("label NaN of point 4 is not a class index: classes are 0..1", ClassLabels.notAClass(Float.NaN, "of point 4", 2));
    }

    @Test
    void aPointSetRefusesALabelThatNamesNoClassNamingThePoint() {
        float[] x = new float[3];
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Points2D(x, x, new float[] {0, 1, 1.7f}, 2));
        assertEquals("label 1.7 of point 2 is not a class index: classes are 0..1", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new Points2D(x, x, new float[] {0, 3, 1}, 3));
        assertEquals("label 3 of point 1 is not a class index: classes are 0..2", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new Points2D(x, x, new float[] {0.5f, Float.NaN, 1}, 0));
        assertEquals("label NaN of point 1 is not a finite number", e.getMessage());
        assertEquals(1.7f, new Points2D(x, x, new float[] {0, 1.7f, -3}, 0).label()[1], "regression keeps real values");
    }

    @Test
    void anImageSetRefusesALabelThatNamesNoClassNamingTheImage() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new ImageSet("t", new byte[2], 1, 1, 1, new int[] {1, -1}, List.of("a", "b"), 0, "test"));
        assertEquals("label -1 of image 1 is not a class index: classes are 0..1", e.getMessage());
    }
}
