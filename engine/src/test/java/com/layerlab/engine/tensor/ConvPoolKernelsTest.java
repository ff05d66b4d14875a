package com.layerlab.engine.tensor;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The CPU convolution and pooling primitives against direct loops in double (the definition, not the
 * im2col route), the adjoint identities between them, and bit-identical results for any thread count.
 */
class ConvPoolKernelsTest {

    private static float[] random(Random rng, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = rng.nextFloat() * 2 - 1;
        return v;
    }

    /** Direct 3D convolution in double; shapes padded to 3 axes as ConvShape does. */
    private static double[] directConv(float[] x, float[] w, float[] b, int n, int cin, int[] in, int cout, int[] k,
                                       int[] s, int[] p, int[] d, int g, int[] out) {
        int cinG = cin / g;
        int coutG = cout / g;
        double[] y = new double[n * cout * out[0] * out[1] * out[2]];
        int yi = 0;
        for (int ni = 0; ni < n; ni++) {
            for (int o = 0; o < cout; o++) {
                int grp = o / coutG;
                for (int z0 = 0; z0 < out[0]; z0++) {
                    for (int z1 = 0; z1 < out[1]; z1++) {
                        for (int z2 = 0; z2 < out[2]; z2++) {
                            double acc = b == null ? 0 : b[o];
                            for (int c = 0; c < cinG; c++) {
                                int ci = grp * cinG + c;
                                for (int k0 = 0; k0 < k[0]; k0++) {
                                    int i0 = z0 * s[0] - p[0] + k0 * d[0];
                                    if (i0 < 0 || i0 >= in[0]) continue;
                                    for (int k1 = 0; k1 < k[1]; k1++) {
                                        int i1 = z1 * s[1] - p[1] + k1 * d[1];
                                        if (i1 < 0 || i1 >= in[1]) continue;
                                        for (int k2 = 0; k2 < k[2]; k2++) {
                                            int i2 = z2 * s[2] - p[2] + k2 * d[2];
                                            if (i2 < 0 || i2 >= in[2]) continue;
                                            double xv = x[(((ni * cin + ci) * in[0] + i0) * in[1] + i1) * in[2] + i2];
                                            double wv = w[(((o * cinG + c) * k[0] + k0) * k[1] + k1) * k[2] + k2];
                                            acc += xv * wv;
                                        }
                                    }
                                }
                            }
                            y[yi++] = acc;
                        }
                    }
                }
            }
        }
        return y;
    }

    private static int[] pad3(int[] v, int fill) {
        int[] r = {fill, fill, fill};
        System.arraycopy(v, 0, r, 3 - v.length, v.length);
        return r;
    }

    private static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) s += (double) a[i] * b[i];
        return s;
    }

    private record ConvCase(int n, int cin, int[] in, int cout, int[] k, int[] s, int[] p, int[] d, int g) {
    }

    private static final ConvCase[] CASES = {
        new ConvCase(2, 3, new int[] {9}, 4, new int[] {3}, new int[] {2}, new int[] {1}, new int[] {2}, 1),
        new ConvCase(3, 4, new int[] {7, 6}, 6, new int[] {3, 2}, new int[] {1, 2}, new int[] {1, 0}, new int[] {1, 2}, 2),
        new ConvCase(2, 3, new int[] {8, 8}, 5, new int[] {5, 5}, new int[] {1, 1}, new int[] {2, 2}, new int[] {1, 1}, 1),
        new ConvCase(1, 2, new int[] {5, 5}, 4, new int[] {1, 1}, new int[] {1, 1}, new int[] {0, 0}, new int[] {1, 1}, 2),
        new ConvCase(2, 2, new int[] {4, 5, 6}, 3, new int[] {2, 3, 2}, new int[] {1, 2, 2}, new int[] {1, 1, 0},
                new int[] {2, 1, 1}, 1),
        // "same" padding at stride 1, where each kernel tap's rows are copied as one run: dilated, 3D, 1D
        new ConvCase(2, 3, new int[] {7, 9}, 4, new int[] {3, 3}, new int[] {1, 1}, new int[] {2, 2}, new int[] {2, 2}, 1),
        new ConvCase(2, 2, new int[] {3, 4, 5}, 3, new int[] {3, 1, 3}, new int[] {1, 1, 1}, new int[] {1, 0, 1},
                new int[] {1, 1, 1}, 1),
        new ConvCase(2, 3, new int[] {6}, 2, new int[] {5}, new int[] {1}, new int[] {2}, new int[] {1}, 1),
        new ConvCase(2, 2, new int[] {1, 1}, 2, new int[] {3, 3}, new int[] {1, 1}, new int[] {1, 1}, new int[] {1, 1}, 1),
        // padding wider than the input: whole kernel taps fall in the padding at every position
        new ConvCase(2, 2, new int[] {1, 2}, 3, new int[] {3, 3}, new int[] {1, 1}, new int[] {3, 3}, new int[] {3, 3}, 1),
        new ConvCase(3, 1, new int[] {2}, 2, new int[] {2}, new int[] {2}, new int[] {4}, new int[] {5}, 1),
        // wide enough for several column blocks and row blocks of the matrix product
        new ConvCase(9, 6, new int[] {20, 30}, 7, new int[] {3, 3}, new int[] {1, 1}, new int[] {1, 1}, new int[] {1, 1}, 1),
    };

    @Test
    void convolutionMatchesTheDirectSumAndItsGradientsAreItsAdjoints() {
        Random rng = new Random(11);
        for (ConvCase c : CASES) {
            ConvShape s = ConvShape.of(c.n, c.cin, c.in, c.cout, c.k, c.s, c.p, c.d, c.g);
            float[] x = random(rng, Tensor.numel(s.inputShape()));
            float[] w = random(rng, Tensor.numel(s.weightShape()));
            float[] b = random(rng, c.cout);
            float[] y = new float[Tensor.numel(s.outputShape())];
            new CpuBackend(1).convolution(x, w, b, y, s);
            int[] out3 = {s.out(0), s.out(1), s.out(2)};
            double[] ref = directConv(x, w, b, c.n, c.cin, pad3(c.in, 1), c.cout, pad3(c.k, 1), pad3(c.s, 1), pad3(c.p, 0),
                    pad3(c.d, 1), c.g, out3);
            assertEquals(ref.length, y.length, s.toString());
            for (int i = 0; i < y.length; i++) {
                assertEquals(ref[i], y[i], 1e-5 * (1 + Math.abs(ref[i])) * Math.sqrt(c.cin * 30), s + ", output " + i);
            }
            // <conv(x, w), gy> = <x, convT(gy, w)> = <w, dW(x, gy)>
            float[] gy = random(rng, y.length);
            float[] gx = new float[x.length];
            float[] gw = new float[w.length];
            new CpuBackend(1).convolutionBackwardInput(gy, w, gx, s);
            new CpuBackend(1).convolutionBackwardWeight(x, gy, gw, s);
            float[] yNoBias = new float[y.length];
            new CpuBackend(1).convolution(x, w, null, yNoBias, s);
            double lhs = dot(yNoBias, gy);
            assertEquals(lhs, dot(x, gx), 1e-4 * (1 + Math.abs(lhs)) * Math.sqrt(y.length), s + ": input adjoint");
            assertEquals(lhs, dot(w, gw), 1e-4 * (1 + Math.abs(lhs)) * Math.sqrt(y.length), s + ": weight adjoint");
            // the same bits on every thread count
            for (int threads : new int[] {2, 3, 5}) {
                CpuBackend be = new CpuBackend(threads);
                float[] y2 = new float[y.length];
                float[] gx2 = new float[x.length];
                float[] gw2 = new float[w.length];
                be.convolution(x, w, b, y2, s);
                be.convolutionBackwardInput(gy, w, gx2, s);
                be.convolutionBackwardWeight(x, gy, gw2, s);
                assertArrayEquals(y, y2, s + ", " + threads + " threads");
                assertArrayEquals(gx, gx2, s + ", " + threads + " threads");
                assertArrayEquals(gw, gw2, s + ", " + threads + " threads");
            }
        }
    }

    @Test
    void weightGradientOfLargeBatchesIsBitIdenticalAcrossThreadCounts() {
        // more samples than one chunk of the weight gradient: partial sums added in chunk order
        Random rng = new Random(12);
        ConvShape s = ConvShape.of(21, 3, new int[] {6, 6}, 4, new int[] {3, 3}, new int[] {1, 1}, new int[] {1, 1},
                new int[] {1, 1}, 1);
        float[] x = random(rng, Tensor.numel(s.inputShape()));
        float[] gy = random(rng, Tensor.numel(s.outputShape()));
        float[] one = new float[Tensor.numel(s.weightShape())];
        new CpuBackend(1).convolutionBackwardWeight(x, gy, one, s);
        for (int threads : new int[] {2, 4, 7}) {
            float[] many = new float[one.length];
            new CpuBackend(threads).convolutionBackwardWeight(x, gy, many, s);
            assertArrayEquals(one, many, threads + " threads");
        }
    }

    @Test
    void maxPoolTakesTheFirstMaximumAndSkipsPadding() {
        // 1 x 1 x 3 x 4, kernel 2, stride 2, padding 1: windows reach into the padding on every side
        float[] x = {
            -5, -2, -3, -4,
            -1, -9, -1, -8,
            -7, -6, -7, 0,
        };
        PoolShape s = PoolShape.of(1, 1, 3, 4, new int[] {2, 2}, new int[] {2, 2}, new int[] {1, 1}, new int[] {1, 1}, false);
        assertArrayEquals(new int[] {1, 1, 2, 3}, s.outputShape());
        float[] y = new float[6];
        int[] at = new int[6];
        CpuBackend.INSTANCE.maxPool2d(x, y, at, s);
        // padding would win with 0 if it counted: it must not
        assertArrayEquals(new float[] {-5, -2, -4, -1, -1, 0}, y);
        // window 1 holds -2, -3, -9, -1: the maximum -1 at (1, 2); window 4 has -1 twice: the first wins
        assertArrayEquals(new int[] {0, 1, 3, 4, 6, 11}, at);
        float[] gx = new float[12];
        CpuBackend.INSTANCE.maxPool2dBackward(new float[] {1, 2, 3, 4, 5, 6}, at, gx, s);
        assertArrayEquals(new float[] {1, 2, 0, 3, 4, 0, 5, 0, 0, 0, 0, 6}, gx);
    }

    @Test
    void maxPoolOfPairsBreaksTiesAndNaNsAsPyTorchsScan() {
        // the branch-free 2x2 kernel against PyTorch's rule (first element, then strictly greater or NaN),
        // on values drawn from a handful so that ties, signed zeros and NaNs are everywhere
        float[] choices = {-1f, 0f, -0f, 2f, Float.NaN, Float.NEGATIVE_INFINITY};
        Random rng = new Random(21);
        int planes = 6;
        int h = 7;
        int w = 8;
        float[] x = new float[planes * h * w];
        for (int i = 0; i < x.length; i++) x[i] = choices[rng.nextInt(choices.length)];
        PoolShape s = PoolShape.of(2, 3, h, w, new int[] {2, 2}, new int[] {2, 2}, new int[] {0, 0}, new int[] {1, 1}, false);
        float[] y = new float[planes * 3 * 4];
        int[] at = new int[y.length];
        new CpuBackend(1).maxPool2d(x, y, at, s);
        for (int p = 0; p < planes; p++) {
            for (int oh = 0; oh < 3; oh++) {
                for (int ow = 0; ow < 4; ow++) {
                    int best = -1;
                    for (int i = 2 * oh; i < 2 * oh + 2; i++) {
                        for (int j = 2 * ow; j < 2 * ow + 2; j++) {
                            float v = x[p * h * w + i * w + j];
                            if (best < 0 || v > x[p * h * w + best] || v != v) best = i * w + j;
                        }
                    }
                    int o = (p * 3 + oh) * 4 + ow;
                    assertEquals(best, at[o], "plane " + p + ", window (" + oh + ", " + ow + ")");
                    assertEquals(Float.floatToRawIntBits(x[p * h * w + best]), Float.floatToRawIntBits(y[o]));
                }
            }
        }
    }

    @Test
    void avgPoolCountsPaddingAndShrinksTheDivisorPastThePaddedInput() {
        // 1 x 1 x 5 x 5 ones, kernel 2, stride 2, ceil mode: the last window column hangs past the input
        float[] x = new float[25];
        java.util.Arrays.fill(x, 1f);
        PoolShape ceil = PoolShape.of(1, 1, 5, 5, new int[] {2, 2}, new int[] {2, 2}, new int[] {0, 0}, new int[] {1, 1}, true);
        assertArrayEquals(new int[] {1, 1, 3, 3}, ceil.outputShape());
        float[] y = new float[9];
        CpuBackend.INSTANCE.avgPool2d(x, y, ceil);
        // edge windows cover 2x1 (or 1x1) inputs and divide by exactly that: all ones
        for (float v : y) assertEquals(1f, v);
        // with padding 1 the windows are clipped to the padded input, whose zeros count
        PoolShape padded = PoolShape.of(1, 1, 5, 5, new int[] {3, 3}, new int[] {2, 2}, new int[] {1, 1}, new int[] {1, 1}, true);
        assertArrayEquals(new int[] {1, 1, 3, 3}, padded.outputShape());
        float[] yp = new float[9];
        CpuBackend.INSTANCE.avgPool2d(x, yp, padded);
        assertEquals(4f / 9f, yp[0], 1e-7); // corner: 2x2 ones out of a 3x3 window
        assertEquals(6f / 9f, yp[1], 1e-7); // edge: 2x3 ones
        assertEquals(1f, yp[4], 1e-7);      // centre
        assertEquals(4f / 9f, yp[8], 1e-7); // ends at the padded input exactly
        // adjoint: <avg(x), g> = <x, avg^T(g)>
        Random rng = new Random(3);
        float[] xr = random(rng, 25);
        float[] g = random(rng, 9);
        float[] gx = new float[25];
        CpuBackend.INSTANCE.avgPool2d(xr, yp, padded);
        CpuBackend.INSTANCE.avgPool2dBackward(g, gx, padded);
        assertEquals(dot(yp, g), dot(xr, gx), 1e-5);
    }

    @Test
    void poolShapesFollowPyTorch() {
        // FORMAT.md's pooling demo: 5x5, kernel 3, ceil mode gives 2x2, floor 1x1
        assertArrayEquals(new int[] {1, 1, 2, 2}, PoolShape.of(1, 1, 5, 5, new int[] {3, 3}, new int[] {3, 3},
                new int[] {0, 0}, new int[] {1, 1}, true).outputShape());
        assertArrayEquals(new int[] {1, 1, 1, 1}, PoolShape.of(1, 1, 5, 5, new int[] {3, 3}, new int[] {3, 3},
                new int[] {0, 0}, new int[] {1, 1}, false).outputShape());
        // ceil mode, but the last window would start in the right padding: dropped
        // (5 + 2 - 1 - 1) / 2 rounded up + 1 = 4, but window 4 would start at 6 - 1 = 5, in the right padding
        assertArrayEquals(new int[] {2, 3, 3, 3}, PoolShape.of(2, 3, 5, 5, new int[] {2, 2}, new int[] {2, 2},
                new int[] {1, 1}, new int[] {1, 1}, true).outputShape());
        assertArrayEquals(new int[] {2, 3, 4, 4}, PoolShape.of(2, 3, 6, 6, new int[] {2, 2}, new int[] {2, 2},
                new int[] {1, 1}, new int[] {1, 1}, true).outputShape());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PoolShape.of(1, 1, 5, 5,
                new int[] {2, 2}, new int[] {2, 2}, new int[] {2, 2}, new int[] {1, 1}, false));
        assertTrue(e.getMessage().contains("padding [2, 2] must be at most half of kernel_size [2, 2]"), e.getMessage());
    }

    @Test
    void convShapeChecksItsArguments() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ConvShape.of(1, 3, new int[] {4, 4},
                8, new int[] {5, 5}, new int[] {1, 1}, new int[] {0, 0}, new int[] {1, 1}, 1));
        assertTrue(e.getMessage().contains("smaller than the kernel [5, 5]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ConvShape.of(1, 3, new int[] {4, 4}, 8, new int[] {3, 3},
                new int[] {1, 1}, new int[] {0, 0}, new int[] {1, 1}, 2));
        assertTrue(e.getMessage().contains("in_channels 3 must be a positive multiple of groups 2"), e.getMessage());
        ConvShape s = ConvShape.of(2, 3, new int[] {32, 32}, 6, new int[] {3, 3}, new int[] {1, 1}, new int[] {0, 0},
                new int[] {1, 1}, 1);
        assertArrayEquals(new int[] {2, 6, 30, 30}, s.outputShape());
        assertArrayEquals(new int[] {6, 3, 3, 3}, s.weightShape());
    }
}
