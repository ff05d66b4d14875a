package com.layerlab.app.lab;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.layerlab.app.lab.ConvolutionMath.Settings;
import com.layerlab.app.lab.ConvolutionMath.Tap;
import com.layerlab.engine.tensor.Tensor;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ConvolutionMathTest {

    /** A 4x4 input whose windows are easy to add up by hand. */
    private static final float[] IN4 = {
        1, 2, 3, 0,
        4, 5, 6, 1,
        7, 8, 9, 2,
        0, 1, 2, 3};
    private static final float[] LAPLACE = {0, 1, 0, 1, -4, 1, 0, 1, 0};

    @Test
    void outputSizesFollowPyTorchsFormula() {
        assertEquals(28, ConvolutionMath.outputSize(28, 3, 1, 1, 1));
        assertEquals(26, ConvolutionMath.outputSize(28, 3, 1, 0, 1));
        assertEquals(8, ConvolutionMath.outputSize(16, 3, 2, 1, 1)); // floor(15 / 2) + 1
        assertEquals(32, ConvolutionMath.outputSize(32, 5, 1, 2, 1)); // the CIFAR-10 tutorial's convs
        assertEquals(2, ConvolutionMath.outputSize(7, 3, 3, 0, 1)); // floor(4 / 3) + 1
        assertEquals(6, ConvolutionMath.outputSize(10, 3, 1, 0, 2)); // dilated kernel spans 5
        assertEquals(1, ConvolutionMath.outputSize(5, 5, 1, 0, 1));
        assertTrue(ConvolutionMath.outputSize(2, 5, 1, 0, 1) < 1, "kernel larger than the input");
        assertEquals(5, ConvolutionMath.span(3, 2));
        assertThrows(IllegalArgumentException.class, () -> ConvolutionMath.outputSize(28, 3, 0, 1, 1));
    }

    @Test
    void handComputedValidConvolution() {
        ConvolutionMath.Result r = ConvolutionMath.convolve(IN4, 4, 4, LAPLACE, 3, new Settings(1, 0, 1));
        assertEquals(2, r.outHeight());
        assertEquals(2, r.outWidth());
        // centre 5: 2 + 4 + 6 + 8 - 4*5; centre 6: 3 + 5 + 1 + 9 - 4*6; centre 8: 5 + 7 + 9 + 1 - 32; centre 9: 6 + 8 + 2 + 2 - 36
        assertArrayEquals(new double[] {0, -6, -10, -18}, r.output(), 1e-12);
        assertEquals(18, r.maxAbs(), 1e-12);
    }

    @Test
    void handComputedPaddingAndStride() {
        ConvolutionMath.Result r = ConvolutionMath.convolve(IN4, 4, 4, LAPLACE, 3, new Settings(2, 1, 1));
        assertEquals(2, r.outHeight());
        assertEquals(2, r.outWidth());
        assertEquals(6, r.paddedHeight());
        // windows centred on input (0,0), (0,2), (2,0), (2,2); outside the image the padding gives 0
        // (0,0): 0 + 0 + 2 + 4 - 4*1 = 2; (0,2): 0 + 2 + 0 + 6 - 12 = -4; (2,0): 4 + 0 + 8 + 0 - 28 = -16;
        // (2,2): 6 + 8 + 2 + 2 - 36 = -18
        assertArrayEquals(new double[] {2, -4, -16, -18}, r.output(), 1e-12);
        float[] padded = r.padded();
        assertEquals(0, padded[0]);
        assertEquals(1, padded[6 + 1]);
        assertEquals(3, padded[4 * 6 + 4]);
        assertEquals(0, padded[5 * 6 + 5]);
    }

    @Test
    void handComputedDilation() {
        float[] in = new float[25];
        for (int i = 0; i < 25; i++) {
            in[i] = i;
        }
        float[] ones = new float[9];
        java.util.Arrays.fill(ones, 1);
        ConvolutionMath.Result r = ConvolutionMath.convolve(in, 5, 5, ones, 3, new Settings(1, 0, 2));
        assertEquals(1, r.outHeight());
        assertEquals(1, r.outWidth());
        // taps at rows and columns 0, 2, 4: 3*(0 + 10 + 20) + 3*(0 + 2 + 4)
        assertEquals(108, r.value(0, 0), 1e-12);
    }

    @Test
    void windowListsTapsProductsAndTheirSum() {
        ConvolutionMath.Result r = ConvolutionMath.convolve(IN4, 4, 4, LAPLACE, 3, new Settings(2, 1, 1));
        ConvolutionMath.Window w = ConvolutionMath.window(r, LAPLACE, 0, 1);
        assertEquals(9, w.taps().size());
        Tap topLeft = w.taps().get(0);
        assertEquals(0, topLeft.paddedRow());
        assertEquals(2, topLeft.paddedCol());
        assertTrue(topLeft.inPadding());
        Tap centre = w.taps().get(4);
        assertEquals(1, centre.paddedRow());
        assertEquals(3, centre.paddedCol());
        assertFalse(centre.inPadding());
        assertEquals(3, centre.input());
        assertEquals(-4, centre.weight());
        assertEquals(-12, centre.product());
        Tap left = w.taps().get(3);
        assertEquals(2, left.input());
        assertEquals(2, left.product());
        assertEquals(-4, w.sum(), 1e-12);
        // every window's sum is the output value there
        for (int row = 0; row < r.outHeight(); row++) {
            for (int col = 0; col < r.outWidth(); col++) {
                ConvolutionMath.Window win = ConvolutionMath.window(r, LAPLACE, row, col);
                assertEquals(r.value(row, col), win.sum(), 1e-12);
                double products = win.taps().stream().mapToDouble(Tap::product).sum();
                assertEquals(win.sum(), products, 1e-12);
            }
        }
        assertThrows(IndexOutOfBoundsException.class, () -> ConvolutionMath.window(r, LAPLACE, 2, 0));
    }

    @Test
    void dilatedWindowTapsSkipPixels() {
        float[] in = new float[36];
        ConvolutionMath.Result r = ConvolutionMath.convolve(in, 6, 6, new float[9], 3, new Settings(1, 1, 2));
        assertEquals(4, r.outHeight());
        List<Tap> taps = ConvolutionMath.window(r, new float[9], 1, 2).taps();
        assertEquals(1, taps.get(0).paddedRow());
        assertEquals(2, taps.get(0).paddedCol());
        assertEquals(5, taps.get(8).paddedRow());
        assertEquals(6, taps.get(8).paddedCol());
    }

    @Test
    void problemsAreExplainedNotThrown() {
        assertNull(ConvolutionMath.problem(28, 28, 3, new Settings(1, 1, 1)));
        assertTrue(ConvolutionMath.problem(28, 28, 3, new Settings(0, 1, 1)).startsWith("Stride must be"));
        assertTrue(ConvolutionMath.problem(28, 28, 3, new Settings(9, 1, 1)).contains("from 1 to 8"));
        assertTrue(ConvolutionMath.problem(28, 28, 3, new Settings(1, -1, 1)).startsWith("Padding must be"));
        assertTrue(ConvolutionMath.problem(28, 28, 3, new Settings(1, 1, 0)).startsWith("Dilation must be"));
        String big = ConvolutionMath.problem(2, 2, 5, new Settings(1, 0, 1));
        assertNotNull(big);
        assertTrue(big.contains("5x5 kernel spans 5 pixels"), big);
        assertTrue(big.contains("padded input is only 2x2"), big);
        assertNull(ConvolutionMath.problem(2, 2, 5, new Settings(1, 2, 1)), "padding 2 makes a 6x6 input");
        String dilated = ConvolutionMath.problem(7, 7, 3, new Settings(1, 0, 4));
        assertTrue(dilated.contains("spans 9 pixels (dilation*(kernel - 1) + 1 = 4*(3 - 1) + 1)"), dilated);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ConvolutionMath.convolve(new float[4], 2, 2, new float[25], 5, new Settings(1, 0, 1)));
        assertEquals(big, e.getMessage());
    }

    @Test
    void eachSettingOnItsOwnSaysItsRangeAndWhyItMatters() {
        assertNull(ConvolutionMath.problem(ConvolutionMath.Setting.STRIDE, 8));
        assertNull(ConvolutionMath.problem(ConvolutionMath.Setting.PADDING, 0));
        assertEquals("Stride must be a whole number from 1 to 8.", ConvolutionMath.problem(ConvolutionMath.Setting.STRIDE, null));
        assertEquals("Stride must be a whole number from 1 to 8 (got 0): the window has to move at least one pixel per step.",
                ConvolutionMath.problem(ConvolutionMath.Setting.STRIDE, 0));
        assertEquals("Stride must be a whole number from 1 to 8 (got 9): larger steps skip most of the image.",
                ConvolutionMath.problem(ConvolutionMath.Setting.STRIDE, 9));
        assertEquals("Padding must be a whole number from 0 to 8 (got -1).", ConvolutionMath.problem(ConvolutionMath.Setting.PADDING, -1));
        assertEquals("Dilation must be a whole number from 1 to 8 (got 9): 1 means the kernel's taps sit next to each other.",
                ConvolutionMath.problem(ConvolutionMath.Setting.DILATION, 9));
        // the settings together say the same first
        assertEquals(ConvolutionMath.problem(ConvolutionMath.Setting.DILATION, 0),
                ConvolutionMath.problem(28, 28, 3, new Settings(1, 1, 0)));
    }

    @Test
    void formulaWithTheNumbers() {
        assertEquals(List.of(
                "out = floor((in + 2*padding - dilation*(kernel - 1) - 1) / stride) + 1",
                "    = floor((28 + 2*1 - 1*(3 - 1) - 1) / 1) + 1",
                "    = floor(27 / 1) + 1 = 27 + 1 = 28",
                "course form: out = (in - kernel + 2*padding) / stride + 1",
                "    = (28 - 3 + 2*1) / 1 + 1 = 27 + 1 = 28"), ConvolutionMath.formulaLines(28, 3, new Settings(1, 1, 1)));
        List<String> strided = ConvolutionMath.formulaLines(16, 3, new Settings(2, 1, 1));
        assertEquals("    = floor(15 / 2) + 1 = 7 + 1 = 8", strided.get(2));
        assertEquals("    = (16 - 3 + 2*1) / 2 + 1 = 7.5 + 1 -> 7 + 1 = 8 (the division rounds down)", strided.get(4));
        List<String> dilated = ConvolutionMath.formulaLines(10, 3, new Settings(1, 0, 2));
        assertEquals(3, dilated.size(), "the course form holds only for dilation 1");
        assertEquals("    = floor(5 / 1) + 1 = 5 + 1 = 6", dilated.get(2));
        List<String> tooBig = ConvolutionMath.formulaLines(2, 5, new Settings(1, 0, 1));
        assertEquals("    = floor(-3 / 1) + 1 = -3 + 1 = -2", tooBig.get(2));
    }

    @Test
    void numbersAsThePageShowsThem() {
        assertEquals("0", ConvolutionMath.format(-0.0));
        assertEquals("0", ConvolutionMath.format(0.0001));
        assertEquals("0", ConvolutionMath.format(-0.0004));
        assertEquals("2", ConvolutionMath.format(2.0));
        assertEquals("-1.5", ConvolutionMath.format(-1.5));
        assertEquals("0.111", ConvolutionMath.format(1 / 9f));
        assertEquals("0.124", ConvolutionMath.format(0.1236));
        assertEquals("1234.568", ConvolutionMath.format(1234.5678));
        assertEquals("12000000", ConvolutionMath.format(1.2e7));
    }

    /**
     * The same numbers as the engine's convolution (the one Conv2d runs), over a grid of settings. All
     * disagreements are collected, so that one failure lists every setting that differs.
     */
    @Test
    void agreesWithTheEngineConvolution() {
        Random rng = new Random(7);
        int cases = 0;
        List<String> failures = new java.util.ArrayList<>();
        for (int h : new int[] {5, 8, 13}) {
            for (int w : new int[] {6, 11}) {
                for (int k = 1; k <= 5; k++) {
                    for (int s = 1; s <= 3; s++) {
                        for (int p = 0; p <= 2; p++) {
                            for (int d = 1; d <= 3; d++) {
                                Settings st = new Settings(s, p, d);
                                if (ConvolutionMath.problem(h, w, k, st) != null) {
                                    continue;
                                }
                                cases++;
                                float[] in = random(rng, h * w);
                                float[] kernel = random(rng, k * k);
                                String where = "input " + h + "x" + w + ", kernel " + k + ", stride " + s + ", padding " + p
                                        + ", dilation " + d;
                                ConvolutionMath.Result ours = ConvolutionMath.convolve(in, h, w, kernel, k, st);
                                Tensor y;
                                try {
                                    y = Tensor.of(in.clone(), 1, 1, h, w).conv(Tensor.of(kernel.clone(), 1, 1, k, k), null,
                                            new int[] {s, s}, new int[] {p, p}, new int[] {d, d}, 1);
                                } catch (RuntimeException e) {
                                    failures.add(where + ": the engine threw " + e);
                                    continue;
                                }
                                int[] shape = {1, 1, ours.outHeight(), ours.outWidth()};
                                if (!java.util.Arrays.equals(shape, y.shape())) {
                                    failures.add(where + ": shape " + java.util.Arrays.toString(y.shape()) + ", ours "
                                            + java.util.Arrays.toString(shape));
                                    continue;
                                }
                                float[] theirs = y.toHost();
                                for (int i = 0; i < theirs.length; i++) {
                                    if (Math.abs(ours.output()[i] - theirs[i]) > 1e-5 * (1 + Math.abs(theirs[i]))) {
                                        failures.add(where + ": value " + i + " is " + theirs[i] + ", ours " + ours.output()[i]);
                                        break;
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        assertTrue(cases > 600, "compared " + cases + " settings");
        assertTrue(failures.isEmpty(), failures.size() + " of " + cases + " settings disagree:\n" + String.join("\n", failures));
    }

    private static float[] random(Random rng, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (rng.nextGaussian());
        }
        return v;
    }
}
