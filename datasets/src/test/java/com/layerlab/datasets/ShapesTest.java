package com.layerlab.datasets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ShapesTest {

    @Test
    void theSameSeedGivesTheSameImagesAndAnotherSeedOthers() {
        ImageSet a = Shapes.generate(300, 42);
        ImageSet b = Shapes.generate(300, 42);
        assertArrayEquals(a.pixels(), b.pixels());
        assertFalse(Arrays.equals(a.pixels(), Shapes.generate(300, 43).pixels()));
        // image i depends on (seed, i) only: a smaller set is a prefix, whether generated in parallel or not
        ImageSet small = Shapes.generate(20, 42);
        assertArrayEquals(Arrays.copyOf(a.pixels(), 20 * 3072), small.pixels());
    }

    @Test
    void tenBalancedClassesOfColourImages() {
        ImageSet s = Shapes.generate(100, 1);
        assertArrayEquals(new int[] {3, 32, 32}, s.shape());
        assertEquals(10, s.classes());
        assertEquals("circle", s.classNames().get(0));
        for (int c : s.classCounts()) {
            assertEquals(10, c);
        }
        for (int i = 0; i < s.size(); i++) {
            assertEquals(i % 10, s.label(i));
            // a shape on a background: clearly more than noise between the darkest and brightest pixel
            int min = 255;
            int max = 0;
            boolean coloured = false;
            for (int p = 0; p < 1024; p++) {
                int r = s.pixel(i, 0, p / 32, p % 32);
                int g = s.pixel(i, 1, p / 32, p % 32);
                int bl = s.pixel(i, 2, p / 32, p % 32);
                int lum = (r + g + bl) / 3;
                min = Math.min(min, lum);
                max = Math.max(max, lum);
                coloured |= Math.abs(r - g) > 30 || Math.abs(g - bl) > 30;
            }
            assertTrue(max - min > 40 || coloured, "image " + i + " looks empty");
        }
    }

    @Test
    void theClassesHaveDifferentOutlines() {
        int n = 64;
        boolean[][] masks = new boolean[10][n * n];
        for (int k = 0; k < 10; k++) {
            for (int y = 0; y < n; y++) {
                for (int x = 0; x < n; x++) {
                    masks[k][y * n + x] = Shapes.inside(k, (x + 0.5) / n * 2.4 - 1.2, (y + 0.5) / n * 2.4 - 1.2);
                }
            }
        }
        for (int a = 0; a < 10; a++) {
            int area = 0;
            for (boolean b : masks[a]) {
                area += b ? 1 : 0;
            }
            assertTrue(area > n * n / 12, Shapes.CLASS_NAMES.get(a) + " is too small: " + area);
            for (int b = a + 1; b < 10; b++) {
                int inter = 0;
                int union = 0;
                for (int p = 0; p < n * n; p++) {
                    inter += masks[a][p] && masks[b][p] ? 1 : 0;
                    union += masks[a][p] || masks[b][p] ? 1 : 0;
                }
                double iou = inter / (double) union;
                assertTrue(iou < 0.85, Shapes.CLASS_NAMES.get(a) + " and " + Shapes.CLASS_NAMES.get(b) + " overlap " + iou);
            }
        }
        assertFalse(Shapes.inside(6, 0, 0), "a ring has a hole");
        assertTrue(Shapes.inside(3, 0, 0.9) && !Shapes.inside(3, 0.6, 0.6), "a cross has arms, not corners");
    }

    @Test
    void refusesSampleCountsOutOfRange() {
        assertThrows(ImageDataException.class, () -> Shapes.generate(0, 1));
        assertThrows(ImageDataException.class, () -> Shapes.generate(Shapes.MAX_SAMPLES + 1, 1));
    }
}
