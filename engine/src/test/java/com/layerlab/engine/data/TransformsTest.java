package com.layerlab.engine.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TransformsTest {

    private static byte[] bytes(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    @Test
    void toTensorDividesBy255() {
        Sample s = new ToTensor().apply(Sample.image(new byte[] {0, (byte) 255, (byte) 128, 1}, new int[] {1, 2, 2}, 3), null);
        assertArrayEquals(new float[] {0f, 1f, 128 / 255f, 1 / 255f}, s.values());
        assertArrayEquals(new int[] {1, 2, 2}, s.shape());
        assertEquals(3f, s.label());
        String m = assertThrows(IllegalArgumentException.class, () -> new ToTensor().apply(s, null)).getMessage();
        assertTrue(m.startsWith("ToTensor: the sample is a tensor already"), m);
    }

    @Test
    void normalizeWorksPerChannel() {
        float[] v = {1, 2, 3, 4, 5, 6, 7, 8};
        Sample s = Sample.tensor(v.clone(), new int[] {2, 2, 2}, 0);
        Sample n = new Normalize(new float[] {1, 5}, new float[] {2, 0.5f}).apply(s, null);
        assertArrayEquals(new float[] {0, 0.5f, 1, 1.5f, 0, 2, 4, 6}, n.values());
        Sample one = new Normalize(new float[] {0.5f}, new float[] {0.5f}).apply(Sample.tensor(new float[] {0, 1, 0.5f, 0.25f},
                new int[] {2, 1, 2}, 0), null);
        assertArrayEquals(new float[] {-1, 1, 0, -0.5f}, one.values());
        assertThrows(IllegalArgumentException.class, () -> new Normalize(new float[] {0}, new float[] {0}));
        assertThrows(IllegalArgumentException.class, () -> new Normalize(new float[] {0, 1}, new float[] {1}));
        String m = assertThrows(IllegalArgumentException.class, () -> new Normalize(new float[] {0, 0, 0},
                new float[] {1, 1, 1}).apply(Sample.tensor(v.clone(), new int[] {2, 2, 2}, 0), null)).getMessage();
        assertEquals("Normalize: 3 means and stds for an image with 2 channels", m);
        m = assertThrows(IllegalArgumentException.class, () -> new Normalize(new float[] {0}, new float[] {1})
                .apply(Sample.image(new byte[4], new int[] {1, 2, 2}, 0), null)).getMessage();
        assertEquals("Normalize: the sample is image bytes; put ToTensor before Normalize", m);
    }

    @Test
    void horizontalFlipMirrorsEachRowWithProbabilityP() {
        byte[] px = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
        Sample flipped = new RandomHorizontalFlip(1).apply(Sample.image(px.clone(), new int[] {2, 2, 3}, 0), new Random(1));
        assertArrayEquals(new byte[] {3, 2, 1, 6, 5, 4, 9, 8, 7, 12, 11, 10}, flipped.pixels());
        Sample kept = new RandomHorizontalFlip(0).apply(Sample.image(px.clone(), new int[] {2, 2, 3}, 0), new Random(1));
        assertArrayEquals(px, kept.pixels());
        Sample floats = new RandomHorizontalFlip(1).apply(Sample.tensor(new float[] {1, 2, 3, 4}, new int[] {1, 2, 2}, 0),
                new Random(1));
        assertArrayEquals(new float[] {2, 1, 4, 3}, floats.values());
        int flips = 0;
        Random rng = new Random(5);
        RandomHorizontalFlip half = new RandomHorizontalFlip(0.5);
        for (int i = 0; i < 2000; i++) {
            Sample s = half.apply(Sample.tensor(new float[] {0, 1}, new int[] {1, 1, 2}, 0), rng);
            flips += s.values()[0] == 1 ? 1 : 0;
        }
        assertTrue(flips > 900 && flips < 1100, flips + " flips of 2000");
        // the same generator state gives the same decision
        for (long seed = 0; seed < 20; seed++) {
            float a = half.apply(Sample.tensor(new float[] {0, 1}, new int[] {1, 1, 2}, 0), new Random(seed)).values()[0];
            float b = half.apply(Sample.tensor(new float[] {0, 1}, new int[] {1, 1, 2}, 0), new Random(seed)).values()[0];
            assertEquals(a, b);
        }
        assertThrows(IllegalArgumentException.class, () -> new RandomHorizontalFlip(1.5));
    }

    /** Pad with zeros, then cut the window at (top, left): written out the plain way. */
    private static float[] reference(float[] in, int c, int h, int w, int size, int pad, int top, int left) {
        int ph = h + 2 * pad;
        int pw = w + 2 * pad;
        float[] padded = new float[c * ph * pw];
        for (int ch = 0; ch < c; ch++) {
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    padded[(ch * ph + y + pad) * pw + x + pad] = in[(ch * h + y) * w + x];
                }
            }
        }
        float[] out = new float[c * size * size];
        for (int ch = 0; ch < c; ch++) {
            for (int y = 0; y < size; y++) {
                for (int x = 0; x < size; x++) {
                    out[(ch * size + y) * size + x] = padded[(ch * ph + top + y) * pw + left + x];
                }
            }
        }
        return out;
    }

    @Test
    void randomCropPadsThenCutsAWindowDrawnTopThenLeft() {
        int c = 3;
        int h = 8;
        int w = 7;
        byte[] px = bytes(c * h * w, 1);
        float[] values = new float[px.length];
        for (int i = 0; i < px.length; i++) {
            values[i] = (px[i] & 0xff) + 1;
        }
        Set<String> positions = new HashSet<>();
        for (int[] sp : new int[][] {{6, 2}, {8, 4}, {5, 0}, {11, 2}}) {
            int size = sp[0];
            int pad = sp[1];
            RandomCrop crop = new RandomCrop(size, pad);
            for (long seed = 0; seed < 40; seed++) {
                Random draw = new Random(seed);
                int top = draw.nextInt(h + 2 * pad - size + 1);
                int left = draw.nextInt(w + 2 * pad - size + 1);
                positions.add(size + "/" + top + "/" + left);
                float[] want = reference(values, c, h, w, size, pad, top, left);
                Sample f = crop.apply(Sample.tensor(values.clone(), new int[] {c, h, w}, 0), new Random(seed));
                assertArrayEquals(new int[] {c, size, size}, f.shape());
                assertArrayEquals(want, f.values());
                Sample b = crop.apply(Sample.image(px.clone(), new int[] {c, h, w}, 0), new Random(seed));
                float[] got = new float[want.length];
                for (int i = 0; i < got.length; i++) {
                    got[i] = b.pixels()[i] == 0 && want[i] == 0 ? 0 : (b.pixels()[i] & 0xff) + 1;
                }
                assertArrayEquals(want, got);
            }
        }
        assertTrue(positions.size() > 40, "windows vary: " + positions.size());
        String m = assertThrows(IllegalArgumentException.class, () -> new RandomCrop(12, 2)
                .apply(Sample.image(px.clone(), new int[] {c, h, w}, 0), new Random(0))).getMessage();
        assertEquals("RandomCrop: crop size 12x12 is larger than the padded image 12x11", m);
    }

    @Test
    void composeRunsInOrder() {
        Transform t = Transform.compose(new ToTensor(), new Normalize(new float[] {0.5f}, new float[] {0.5f}),
                new RandomHorizontalFlip(1));
        Sample s = t.apply(Sample.image(new byte[] {0, (byte) 255}, new int[] {1, 1, 2}, 1), new Random(0));
        assertArrayEquals(new float[] {1, -1}, s.values());
        Sample same = Sample.tensor(new float[] {1}, new int[] {1}, 0);
        assertSame(same, Transform.compose().apply(same, null));
        assertEquals("RandomCrop(size=(4, 4), padding=1)", new RandomCrop(4, 1).toString());
    }
}
