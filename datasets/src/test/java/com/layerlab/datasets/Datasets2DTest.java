package com.layerlab.datasets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class Datasets2DTest {

    @Test
    void sameSeedGivesSamePointsAndOtherSeedOthers() {
        for (String id : Datasets2D.ids()) {
            int classes = Datasets2D.defaultClasses(id);
            Points2D a = Datasets2D.generate(id, 300, 20, classes, 7);
            Points2D b = Datasets2D.generate(id, 300, 20, classes, 7);
            Points2D c = Datasets2D.generate(id, 300, 20, classes, 8);
            assertArrayEquals(a.x1(), b.x1(), id);
            assertArrayEquals(a.x2(), b.x2(), id);
            assertArrayEquals(a.label(), b.label(), id);
            assertFalse(Arrays.equals(a.x1(), c.x1()), id);
        }
    }

    @Test
    void pointsStayInsideThePlaygroundBoxAndLabelsFitTheTask() {
        for (String id : Datasets2D.ids()) {
            for (double noise : new double[] {0, 50}) {
                int classes = Datasets2D.defaultClasses(id);
                Points2D p = Datasets2D.generate(id, Datasets2D.defaultSamples(id), noise, classes, 3);
                assertEquals(Datasets2D.defaultSamples(id), p.size());
                assertEquals(classes, p.classes());
                for (int i = 0; i < p.size(); i++) {
                    assertTrue(Math.abs(p.x1()[i]) <= 6 && Math.abs(p.x2()[i]) <= 6, id);
                    float l = p.label()[i];
                    if (classes == 0) {
                        assertTrue(Math.abs(l) <= 2, id + " label " + l);
                    } else {
                        assertTrue(l == 0 || l == 1, id + " label " + l);
                    }
                }
            }
        }
        assertTrue(Datasets2D.isRegression("plane"));
        assertTrue(Datasets2D.isRegression("multi-gauss"));
        assertFalse(Datasets2D.isRegression("spiral"));
        assertEquals(500, Datasets2D.defaultSamples("xor"));
        assertEquals(1200, Datasets2D.defaultSamples("plane"));
    }

    @Test
    void withoutNoiseTheLabelsFollowTheGeometry() {
        Points2D circle = Datasets2D.generate("circle", 400, 0, 2, 1);
        Points2D xor = Datasets2D.generate("xor", 400, 0, 2, 1);
        Points2D plane = Datasets2D.generate("plane", 400, 0, 0, 1);
        int inside = 0;
        for (int i = 0; i < 400; i++) {
            double r = Math.hypot(circle.x1()[i], circle.x2()[i]);
            assertEquals(r < 2.5 ? 1f : 0f, circle.label()[i], "circle point " + i);
            assertTrue(r <= 2.5 || r >= 3.5 - 1e-5, "circle leaves a gap between the classes");
            inside += circle.label()[i] == 1 ? 1 : 0;
            float x = xor.x1()[i];
            float y = xor.x2()[i];
            assertTrue(Math.abs(x) >= 0.3f && Math.abs(y) >= 0.3f, "xor pads the axes");
            assertEquals(x * y >= 0 ? 1f : 0f, xor.label()[i]);
            assertEquals((plane.x1()[i] + plane.x2()[i]) / 10f, plane.label()[i], 1e-6);
        }
        assertEquals(200, inside);
    }

    @Test
    void noiseFlipsSomeCircleLabels() {
        Points2D circle = Datasets2D.generate("circle", 500, 50, 2, 1);
        int wrong = 0;
        for (int i = 0; i < 500; i++) {
            double r = Math.hypot(circle.x1()[i], circle.x2()[i]);
            if ((r < 2.5) != (circle.label()[i] == 1)) {
                wrong++;
            }
        }
        assertTrue(wrong > 25 && wrong < 250, "flipped " + wrong);
    }

    @Test
    void binaryGaussMatchesThePlaygroundBlobs() {
        Points2D g = Datasets2D.generate("gauss", 2000, 0, 2, 5);
        double[] sum = new double[4];
        int[] count = new int[2];
        double var1 = 0;
        for (int i = 0; i < g.size(); i++) {
            int k = (int) g.label()[i];
            sum[2 * k] += g.x1()[i];
            sum[2 * k + 1] += g.x2()[i];
            count[k]++;
        }
        assertEquals(1000, count[0]);
        assertEquals(1000, count[1]);
        assertEquals(2, sum[2] / count[1], 0.1);
        assertEquals(2, sum[3] / count[1], 0.1);
        assertEquals(-2, sum[0] / count[0], 0.1);
        for (int i = 0; i < g.size(); i++) {
            if (g.label()[i] == 1) {
                var1 += (g.x1()[i] - 2) * (g.x1()[i] - 2);
            }
        }
        assertEquals(0.5, var1 / count[1], 0.07, "variance 0.5 without noise");
    }

    @Test
    void multiClassSetsUseEveryClassEvenly() {
        for (String id : new String[] {"gauss", "spiral"}) {
            for (int k = 2; k <= 5; k++) {
                Points2D p = Datasets2D.generate(id, 503, 10, k, 11);
                int[] count = new int[k];
                for (float l : p.label()) {
                    assertEquals(l, Math.rint(l));
                    count[(int) l]++;
                }
                for (int c = 0; c < k; c++) {
                    assertTrue(count[c] == 503 / k || count[c] == 503 / k + 1, id + " class " + c);
                }
            }
        }
    }

    @Test
    void spiralArmsStartAtTheCentreAndEndNearRadiusFive() {
        Points2D s = Datasets2D.generate("spiral", 500, 0, 2, 2);
        double max = 0;
        for (int i = 0; i < s.size(); i++) {
            max = Math.max(max, Math.hypot(s.x1()[i], s.x2()[i]));
        }
        assertTrue(max > 4.9 && max < 5.0, "max radius " + max);
        assertEquals(0, s.x1()[0], 0);
        assertEquals(1f, s.label()[0]);
    }

    @Test
    void multiGaussLabelIsTheStrongestBump() {
        assertEquals(1, Datasets2D.multiGaussLabel(-4, 2.5), 1e-12);
        assertEquals(-1, Datasets2D.multiGaussLabel(0, 2.5), 1e-12);
        assertEquals(0.5, Datasets2D.multiGaussLabel(-4, 1.5), 1e-12);
        assertEquals(0, Datasets2D.multiGaussLabel(-6, 6), 1e-12);
    }

    @Test
    void badArgumentsAreRejectedWithClearMessages() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Datasets2D.generate("moons", 100, 0, 2, 1));
        assertTrue(e.getMessage().contains("unknown 2D data set \"moons\""), e.getMessage());
        assertTrue(e.getMessage().contains("circle, xor"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Datasets2D.generate("xor", 100, 51, 2, 1));
        assertTrue(e.getMessage().contains("noise"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Datasets2D.generate("xor", 0, 0, 2, 1));
        assertTrue(e.getMessage().contains("samples"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Datasets2D.generate("xor", 10, 0, 3, 1));
        assertTrue(e.getMessage().contains("classes"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Datasets2D.generate("spiral", 10, 0, 6, 1));
        assertTrue(e.getMessage().contains("between 2 and 5"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Datasets2D.generate("plane", 10, 0, 2, 1));
        assertTrue(e.getMessage().contains("regression"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Datasets2D.generate("xor", 10, Double.NaN, 2, 1));
    }

    @Test
    void splitShufflesAndCutsAtTheFraction() {
        Points2D p = Datasets2D.generate("xor", 101, 0, 2, 1);
        Points2D.Split s = p.split(0.5, new Random(9));
        assertEquals(50, s.train().size());
        assertEquals(51, s.test().size());
        Points2D.Split again = p.split(0.5, new Random(9));
        assertArrayEquals(s.train().x1(), again.train().x1());
        float[] all = new float[101];
        System.arraycopy(s.train().x1(), 0, all, 0, 50);
        System.arraycopy(s.test().x1(), 0, all, 50, 51);
        float[] sorted = p.x1().clone();
        Arrays.sort(sorted);
        Arrays.sort(all);
        assertArrayEquals(sorted, all, "a split is a permutation of the points");
        assertFalse(Arrays.equals(Arrays.copyOf(p.x1(), 50), s.train().x1()), "shuffled before the cut");
    }

    @Test
    void trainCountIsThePlaygroundsWholePercentCut() {
        // floor(100 * 57 / 100) = 57 in the Playground; the double 0.57 times 100 is 56.99999999999999
        assertEquals(57, Points2D.trainCount(100, 0.57));
        assertEquals(57, Datasets2D.generate("xor", 100, 0, 2, 1).split(0.57, new Random(2)).train().size());
        for (int percent = 1; percent < 100; percent++) {
            for (int size : new int[] {7, 100, 500, 1200, 999_999}) {
                assertEquals(size * percent / 100, Points2D.trainCount(size, percent / 100.0), size + " at " + percent + " %");
            }
        }
        assertEquals(50, Points2D.trainCount(101, 0.5));
    }
}
