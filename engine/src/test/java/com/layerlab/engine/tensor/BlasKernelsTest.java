package com.layerlab.engine.tensor;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The CPU backend's two kernel sets against each other: OpenBLAS's products and convolutions and the
 * plain-Java ones agree to 1e-4 relative, and each gives the same bits on every call and on any number
 * of threads. The OpenBLAS half needs the native library; on linux-x86_64 it is in the jar, so there a
 * missing library fails the test rather than skipping it.
 */
class BlasKernelsTest {

    private static float[] random(Random rng, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = rng.nextFloat() * 2 - 1;
        return v;
    }

    private static void requireOpenBlas() {
        boolean bundled = "amd64".equals(System.getProperty("os.arch")) && System.getProperty("os.name").startsWith("Linux");
        boolean forcedOff = "java".equalsIgnoreCase(System.getProperty(Blas.SWITCH_PROPERTY, ""))
                || "java".equalsIgnoreCase(System.getenv(Blas.SWITCH_ENV));
        if (bundled && !forcedOff) {
            assertTrue(Blas.available(), "OpenBLAS should load on linux-x86_64: " + Blas.problem());
        }
        assumeTrue(Blas.available(), Blas.problem());
    }

    /** |a - b| within 1e-4 of the larger magnitude of the pair's scale (sum of |terms| bounds the rounding). */
    private static void assertClose(float[] expected, float[] actual, float[] scale, String what) {
        assertEquals(expected.length, actual.length, what);
        for (int i = 0; i < expected.length; i++) {
            double tol = 1e-4 * Math.max(scale[i], Math.abs(expected[i])) + 1e-6;
            assertEquals(expected[i], actual[i], tol, what + ", element " + i);
        }
    }

    /** The same computation with |a| and |b| bounds each element's rounding error. */
    private static float[] absolute(float[] v) {
        float[] r = new float[v.length];
        for (int i = 0; i < v.length; i++) r[i] = Math.abs(v[i]);
        return r;
    }

    @Test
    void matrixProductsAgreeWithThePlainJavaKernelsAndKeepTheirBits() {
        requireOpenBlas();
        Random rng = new Random(21);
        // one OpenBLAS call, several row blocks, and the shapes of the image models' Linear layers
        int[][] sizes = {{40, 30, 20}, {300, 130, 170}, {64, 1024, 64}, {1024, 64, 64}, {64, 64, 1024}};
        for (int[] sz : sizes) {
            int m = sz[0];
            int k = sz[1];
            int n = sz[2];
            float[] a = random(rng, m * k);
            float[] b = random(rng, k * n);
            for (int flags = 0; flags < 4; flags++) {
                boolean ta = (flags & 1) != 0;
                boolean tb = (flags & 2) != 0;
                String what = m + "x" + k + "x" + n + (ta ? " transA" : "") + (tb ? " transB" : "");
                float[] java = new float[m * n];
                new CpuBackend(2, false).matmul(a, ta, b, tb, java, m, k, n);
                float[] scale = new float[m * n];
                new CpuBackend(2, false).matmul(absolute(a), ta, absolute(b), tb, scale, m, k, n);
                float[] blas = new float[m * n];
                new CpuBackend(1, true).matmul(a, ta, b, tb, blas, m, k, n);
                assertClose(java, blas, scale, what);
                for (int threads : new int[] {1, 2, 3}) {
                    CpuBackend be = new CpuBackend(threads, true);
                    for (int run = 0; run < 2; run++) {
                        float[] again = new float[m * n];
                        be.matmul(a, ta, b, tb, again, m, k, n);
                        assertArrayEquals(blas, again, what + ", " + threads + " threads, run " + run);
                    }
                }
            }
        }
    }

    private record Case(int n, int cin, int[] in, int cout, int[] k, int[] s, int[] p, int[] d, int g) {
        ConvShape shape() {
            return ConvShape.of(n, cin, in, cout, k, s, p, d, g);
        }
    }

    private static final Case[] CASES = {
        // the CIFAR-10 tutorial model's three convolutions and LeNet's two, at a batch that spans several blocks
        // (the first, second and fourth shifted with a kernel row per position: few input channels, or 8x8
        // planes under a 5x5 kernel)
        new Case(9, 3, new int[] {32, 32}, 32, new int[] {5, 5}, new int[] {1, 1}, new int[] {2, 2}, new int[] {1, 1}, 1),
        new Case(9, 32, new int[] {16, 16}, 32, new int[] {5, 5}, new int[] {1, 1}, new int[] {2, 2}, new int[] {1, 1}, 1),
        new Case(21, 32, new int[] {8, 8}, 64, new int[] {5, 5}, new int[] {1, 1}, new int[] {2, 2}, new int[] {1, 1}, 1),
        new Case(17, 6, new int[] {14, 14}, 16, new int[] {5, 5}, new int[] {1, 1}, new int[] {0, 0}, new int[] {1, 1}, 1),
        // strided, dilated, grouped, 1D, 3D, pointwise: the col2im route of the input gradient
        new Case(3, 4, new int[] {7, 6}, 6, new int[] {3, 2}, new int[] {1, 2}, new int[] {1, 0}, new int[] {1, 2}, 2),
        new Case(2, 3, new int[] {9}, 4, new int[] {3}, new int[] {2}, new int[] {1}, new int[] {2}, 1),
        new Case(2, 2, new int[] {4, 5, 6}, 3, new int[] {2, 3, 2}, new int[] {1, 2, 2}, new int[] {1, 1, 0},
                new int[] {2, 1, 1}, 1),
        new Case(3, 4, new int[] {5, 5}, 6, new int[] {1, 1}, new int[] {1, 1}, new int[] {0, 0}, new int[] {1, 1}, 2),
        new Case(2, 2, new int[] {1, 2}, 3, new int[] {3, 3}, new int[] {1, 1}, new int[] {3, 3}, new int[] {3, 3}, 1),
        // grouped, with the weight gradient's transposed product (100 rows per group, 3 output channels)
        new Case(11, 8, new int[] {9, 9}, 6, new int[] {5, 5}, new int[] {1, 1}, new int[] {2, 2}, new int[] {1, 1}, 2),
        // shifted products (stride 1, one group, 16 output channels and more): dilated, uneven padding and
        // kernel, 1D, unpadded with more samples than a chunk of the weight gradient, few input channels
        // (a kernel row per position) with a dilated height
        new Case(3, 16, new int[] {7, 9}, 16, new int[] {3, 2}, new int[] {1, 1}, new int[] {1, 0}, new int[] {2, 1}, 1),
        new Case(2, 17, new int[] {11}, 18, new int[] {3}, new int[] {1}, new int[] {2}, new int[] {2}, 1),
        new Case(10, 20, new int[] {6, 5}, 16, new int[] {3, 3}, new int[] {1, 1}, new int[] {0, 0}, new int[] {1, 1}, 1),
        new Case(3, 5, new int[] {9, 8}, 16, new int[] {3, 4}, new int[] {1, 1}, new int[] {2, 1}, new int[] {2, 1}, 1),
    };

    @Test
    void theCasesTakeBothRoutesOfTheConvolutions() {
        assertTrue(Arrays.stream(CASES).filter(c -> BlasKernels.shifts(c.shape())).count() >= 5);
        assertTrue(Arrays.stream(CASES).filter(c -> !BlasKernels.shifts(c.shape())).count() >= 4);
        // the CIFAR-10 model's convolutions and LeNet's second shift; fewer than 16 output channels unfold
        for (int i = 0; i < 4; i++) {
            assertTrue(BlasKernels.shifts(CASES[i].shape()), CASES[i].toString());
        }
        assertFalse(BlasKernels.shifts(ConvShape.of(4, 1, new int[] {28, 28}, 6, new int[] {5, 5}, new int[] {1, 1},
                new int[] {0, 0}, new int[] {1, 1}, 1)), "LeNet's first convolution, 6 output channels");
    }

    @Test
    void theCasesTakeBothRoutesOfTheWeightGradient() {
        assertTrue(Arrays.stream(CASES).anyMatch(c -> BlasKernels.transposesWeightGradient(c.shape()) && c.g() > 1));
        assertTrue(Arrays.stream(CASES).anyMatch(c -> !BlasKernels.transposesWeightGradient(c.shape())));
        assertTrue(BlasKernels.transposesWeightGradient(CASES[1].shape()), "CIFAR's 32 to 32 channels: " + CASES[1]);
    }

    @Test
    void convolutionsAgreeWithThePlainJavaKernelsAndKeepTheirBits() {
        requireOpenBlas();
        Random rng = new Random(22);
        for (Case c : CASES) {
            ConvShape s = c.shape();
            float[] x = random(rng, Tensor.numel(s.inputShape()));
            float[] w = random(rng, Tensor.numel(s.weightShape()));
            float[] b = random(rng, c.cout());
            float[] gy = random(rng, Tensor.numel(s.outputShape()));
            float[][] java = run(new CpuBackend(2, false), x, w, b, gy, s);
            float[][] scale = run(new CpuBackend(2, false), absolute(x), absolute(w), absolute(b), absolute(gy), s);
            float[][] blas = run(new CpuBackend(1, true), x, w, b, gy, s);
            String[] parts = {"output", "input gradient", "weight gradient"};
            for (int i = 0; i < 3; i++) {
                assertClose(java[i], blas[i], scale[i], s + ": " + parts[i]);
            }
            for (int threads : new int[] {1, 2, 5}) {
                float[][] again = run(new CpuBackend(threads, true), x, w, b, gy, s);
                for (int i = 0; i < 3; i++) {
                    assertArrayEquals(blas[i], again[i], s + ": " + parts[i] + ", OpenBLAS on " + threads + " threads");
                }
            }
            float[][] javaAgain = run(new CpuBackend(3, false), x, w, b, gy, s);
            for (int i = 0; i < 3; i++) {
                assertArrayEquals(java[i], javaAgain[i], s + ": " + parts[i] + ", plain Java on 3 threads");
            }
        }
    }

    private static float[][] run(CpuBackend be, float[] x, float[] w, float[] b, float[] gy, ConvShape s) {
        float[] y = new float[gy.length];
        float[] gx = new float[x.length];
        float[] gw = new float[w.length];
        be.convolution(x, w, b, y, s);
        be.convolutionBackwardInput(gy, w, gx, s);
        be.convolutionBackwardWeight(x, gy, gw, s);
        return new float[][] {y, gx, gw};
    }

    @Test
    void aBackendAsksForOpenBlasOnlyWhereItLoaded() {
        if (Blas.available()) {
            assertTrue(new CpuBackend(1, true).kernels().startsWith("OpenBLAS"), new CpuBackend(1, true).kernels());
            assertTrue(new CpuBackend(1).kernels().startsWith("OpenBLAS"), "the default takes OpenBLAS where it loaded");
        } else {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> new CpuBackend(1, true));
            assertTrue(e.getMessage().contains("OpenBLAS is not available"), e.getMessage());
        }
        assertTrue(new CpuBackend(1, false).kernels().startsWith("plain Java"), new CpuBackend(1, false).kernels());
    }
}
