package com.layerlab.engine.tensor;

import com.layerlab.engine.tensor.Backend.BinaryOp;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The CPU primitives against plain reference loops, and their determinism across thread counts. */
class CpuBackendTest {

    private static float[] random(Random rng, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = rng.nextFloat() * 2 - 1;
        return v;
    }

    /** op(a)[m,k] op(b)[k,n] in double. */
    private static double[] reference(float[] a, boolean ta, float[] b, boolean tb, int m, int k, int n) {
        double[] c = new double[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int p = 0; p < k; p++) {
                    s += (double) (ta ? a[p * m + i] : a[i * k + p]) * (tb ? b[j * k + p] : b[p * n + j]);
                }
                c[i * n + j] = s;
            }
        }
        return c;
    }

    @Test
    void matmulIsCorrectAndBitIdenticalWhateverTheThreadCount() {
        Random rng = new Random(1);
        // small (strided kernel), medium (row kernel, one thread), large (row kernel over the thread pool)
        int[][] sizes = {{5, 7, 3}, {40, 30, 20}, {150, 130, 170}};
        for (int[] s : sizes) {
            int m = s[0];
            int k = s[1];
            int n = s[2];
            float[] a = random(rng, m * k);
            float[] b = random(rng, k * n);
            for (int flags = 0; flags < 4; flags++) {
                boolean ta = (flags & 1) != 0;
                boolean tb = (flags & 2) != 0;
                double[] ref = reference(a, ta, b, tb, m, k, n);
                float[] one = new float[m * n];
                new CpuBackend(1).matmul(a, ta, b, tb, one, m, k, n);
                for (int i = 0; i < ref.length; i++) {
                    assertEquals(ref[i], one[i], 1e-4 * Math.sqrt(k), "element " + i + " of " + m + "x" + k + "x" + n);
                }
                for (int threads : new int[] {2, 3, 8}) {
                    CpuBackend backend = new CpuBackend(threads);
                    for (int run = 0; run < 3; run++) {
                        float[] c = new float[m * n];
                        backend.matmul(a, ta, b, tb, c, m, k, n);
                        assertArrayEquals(one, c, "threads " + threads + ", run " + run + ", flags " + flags);
                    }
                }
            }
        }
    }

    @Test
    void smallAndLargeKernelsGiveTheSameBits() {
        Random rng = new Random(3);
        int m = 9;
        int k = 33;
        int n = 17;
        for (int flags = 0; flags < 4; flags++) {
            boolean ta = (flags & 1) != 0;
            boolean tb = (flags & 2) != 0;
            float[] a = random(rng, m * k);
            float[] b = random(rng, k * n);
            float[] small = new float[m * n];
            CpuBackend.matmulSmall(a, ta, b, tb, small, m, k, n);
            float[] ac = new float[m * k];
            float[] bc = new float[k * n];
            if (ta) CpuBackend.INSTANCE.transpose(a, k, m, ac); else ac = a;
            if (tb) CpuBackend.INSTANCE.transpose(b, n, k, bc); else bc = b;
            float[] rows = new float[m * n];
            CpuBackend.matmulRows(ac, bc, rows, k, n, 0, m);
            assertArrayEquals(small, rows, "flags " + flags);
        }
    }

    @Test
    void broadcastingBinaryMatchesIndexArithmetic() {
        Random rng = new Random(2);
        int[] aShape = {2, 1, 4};
        int[] bShape = {3, 1};
        int[] outShape = {2, 3, 4};
        float[] a = random(rng, 8);
        float[] b = random(rng, 3);
        float[] out = new float[24];
        CpuBackend.INSTANCE.binary(BinaryOp.SUB, a, aShape, b, bShape, out, outShape);
        for (int i = 0; i < 2; i++) {
            for (int j = 0; j < 3; j++) {
                for (int l = 0; l < 4; l++) {
                    assertEquals(a[i * 4 + l] - b[j], out[(i * 3 + j) * 4 + l]);
                }
            }
        }
        float[] expanded = new float[24];
        CpuBackend.INSTANCE.broadcast(b, bShape, expanded, outShape);
        for (int i = 0; i < 24; i++) {
            assertEquals(b[(i / 4) % 3], expanded[i]);
        }
    }

    @Test
    void sumAndMaxOverTheMiddleAxis() {
        float[] x = new float[2 * 3 * 2];
        for (int i = 0; i < x.length; i++) x[i] = i;
        float[] s = new float[4];
        CpuBackend.INSTANCE.sum(x, 2, 3, 2, s);
        assertArrayEquals(new float[] {0 + 2 + 4, 1 + 3 + 5, 6 + 8 + 10, 7 + 9 + 11}, s);
        float[] mx = new float[4];
        CpuBackend.INSTANCE.max(x, 2, 3, 2, mx);
        assertArrayEquals(new float[] {4, 5, 10, 11}, mx);
    }

    @Test
    void largeSumsAccumulateInDouble() {
        // 2^24 + 1 ones: a float accumulator would stop at 2^24
        int n = (1 << 24) + 8;
        float[] ones = new float[n];
        java.util.Arrays.fill(ones, 1f);
        float[] out = new float[1];
        CpuBackend.INSTANCE.sum(ones, 1, n, 1, out);
        assertEquals((float) n, out[0]);
    }

    private static Storage on(float... values) {
        return CpuBackend.INSTANCE.upload(Device.cpu(), values);
    }

    private static float[] host(Storage s) {
        float[] out = new float[s.size()];
        s.copyToHost(0, out, 0, out.length);
        return out;
    }

    @Test
    void theUpdatePrimitivesChangeTheirStoragesInPlaceByPyTorchsFormulas() {
        CpuBackend be = CpuBackend.INSTANCE;
        // SGD, weight decay 0.5, momentum 0.5, nesterov: g = 1 + 0.5 * 2 = 2; first step buf = g; g + 0.5 buf = 3
        Storage p = on(2f);
        Storage buf = be.allocate(Device.cpu(), 1);
        be.sgdStep(p, on(1f), buf, 1, 0.25f, 0.5f, 0.5f, true, true);
        assertArrayEquals(new float[] {2f - 0.25f * 3f}, host(p));
        assertArrayEquals(new float[] {2f}, host(buf));
        // without momentum no buffer is needed
        Storage q = on(1f, -1f);
        be.sgdStep(q, on(4f, 4f), null, 2, 0.5f, 0f, 0f, false, false);
        assertArrayEquals(new float[] {-1f, -3f}, host(q));

        // Adam's first step moves by about lr whatever the gradient's size
        Storage a = on(1f);
        Storage m = be.allocate(Device.cpu(), 1);
        Storage v = be.allocate(Device.cpu(), 1);
        double beta1 = 0.9;
        double beta2 = 0.999;
        be.adamStep(a, on(100f), m, v, 1, (float) (0.01 / (1 - beta1)), (float) Math.sqrt(1 - beta2),
                (float) (1 - beta1), (float) beta2, (float) (1 - beta2), 1e-8f, 0f);
        assertEquals(0.99f, host(a)[0], 1e-6f);
        assertEquals(10f, host(m)[0], 1e-5f);
        assertEquals(10f, host(v)[0], 1e-3f);

        // running statistics move by momentum towards the batch's, the variance unbiased; one more batch counted
        Storage rm = on(0f, 1f);
        Storage rv = on(1f, 1f);
        Storage tracked = on(3f);
        be.batchNormRunningStats(rm, rv, tracked, on(1f, 3f), on(2f, 4f), 2, 0.5f, 2f);
        assertArrayEquals(new float[] {0.5f, 2f}, host(rm));
        assertArrayEquals(new float[] {2.5f, 4.5f}, host(rv));
        assertArrayEquals(new float[] {4f}, host(tracked));

        Storage filled = be.allocate(Device.cpu(), 3);
        be.fill(filled, -2f);
        assertArrayEquals(new float[] {-2f, -2f, -2f}, host(filled));
    }

    @Test
    void reluGradientsSelectByTheSignAsTheBranchDoes() {
        // the kernels select with a bit mask: every kind of float, bit for bit against x > 0 ? ... : ...
        float[] x = {1f, -1f, 0f, -0f, Float.MIN_VALUE, -Float.MIN_VALUE, Float.MAX_VALUE, -Float.MAX_VALUE,
                Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN, Float.intBitsToFloat(0xffc00000), 3.5e-39f, -2.5f};
        float[] gy = new float[x.length];
        Random rng = new Random(4);
        for (int i = 0; i < gy.length; i++) gy[i] = rng.nextFloat() * 4 - 2;
        gy[0] = -0f;
        float alpha = 0.01f;
        float[] relu = new float[x.length];
        float[] leaky = new float[x.length];
        CpuBackend backend = new CpuBackend(1);
        backend.unaryBackward(Backend.UnaryOp.RELU, 0f, x, null, gy, relu, x.length);
        backend.unaryBackward(Backend.UnaryOp.LEAKY_RELU, alpha, x, null, gy, leaky, x.length);
        for (int i = 0; i < x.length; i++) {
            assertEquals(Float.floatToRawIntBits(x[i] > 0f ? gy[i] : 0f), Float.floatToRawIntBits(relu[i]), "ReLU at x = " + x[i]);
            assertEquals(Float.floatToRawIntBits(x[i] > 0f ? gy[i] : gy[i] * alpha), Float.floatToRawIntBits(leaky[i]),
                    "LeakyReLU at x = " + x[i]);
        }
    }
}
