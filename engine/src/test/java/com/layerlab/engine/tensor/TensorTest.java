package com.layerlab.engine.tensor;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Values, shapes, autograd bookkeeping and error messages. */
class TensorTest {

    private static Tensor t(int[] shape, float... v) {
        return Tensor.of(v, shape);
    }

    @Test
    void shapesAndStrides() {
        Tensor x = Tensor.zeros(2, 3, 4);
        assertArrayEquals(new int[] {2, 3, 4}, x.shape());
        assertArrayEquals(new int[] {12, 4, 1}, x.strides());
        assertEquals(3, x.dim());
        assertEquals(4, x.size(-1));
        assertEquals(24, x.numel());
        assertEquals(0, Tensor.scalar(2f).dim());
        assertEquals(2f, Tensor.scalar(2f).item());
    }

    @Test
    void forwardValues() {
        Tensor a = t(new int[] {2, 2}, 1, 2, 3, 4);
        Tensor b = t(new int[] {2}, 10, 20);
        assertArrayEquals(new float[] {11, 22, 13, 24}, a.add(b).toHost());
        assertArrayEquals(new float[] {-9, -18, -7, -16}, a.sub(b).toHost());
        assertArrayEquals(new float[] {10, 40, 30, 80}, a.mul(b).toHost());
        assertArrayEquals(new float[] {0.1f, 0.1f, 0.3f, 0.2f}, a.div(b).toHost());
        assertArrayEquals(new float[] {7, 10, 15, 22}, a.matmul(a).toHost());
        assertArrayEquals(new float[] {10, 14, 14, 20}, a.matmul(a, true, false).toHost());
        assertArrayEquals(new float[] {5, 11, 11, 25}, a.matmul(a, false, true).toHost());
        assertArrayEquals(new float[] {7, 15, 10, 22}, a.matmul(a, true, true).toHost());
        assertArrayEquals(new float[] {1, 3, 2, 4}, a.transpose().toHost());
        assertArrayEquals(new float[] {4, 6}, a.sum(0, false).toHost());
        assertArrayEquals(new float[] {3, 7}, a.sum(1, false).toHost());
        assertArrayEquals(new int[] {2, 1}, a.sum(1, true).shape());
        assertEquals(10f, a.sum().item());
        assertEquals(2.5f, a.mean().item());
        assertArrayEquals(new float[] {2, 4}, a.max(1, false).toHost());
        assertArrayEquals(new float[] {10, 20, 10, 20}, b.expand(2, 2).toHost());
        assertArrayEquals(new float[] {1, 0, 0, 1}, a.eq(t(new int[] {2, 2}, 1, 0, 0, 4)).toHost());
        assertArrayEquals(new float[] {0, 0.5f, 2}, t(new int[] {3}, -1, 0.5f, 2).relu().toHost());
        assertArrayEquals(new float[] {-0.1f, 0.5f}, t(new int[] {2}, -1, 0.5f).leakyRelu(0.1f).toHost());
        assertArrayEquals(new float[] {1, 0}, t(new int[] {2}, -1, 0).abs().toHost());
        assertEquals(0.5f, Tensor.scalar(0f).sigmoid().item());
        assertEquals((float) Math.log(2), Tensor.scalar(0f).softplus().item(), 1e-7f);
        assertEquals(1000f, Tensor.scalar(1000f).softplus().item());
        assertEquals(0f, Tensor.scalar(-1000f).softplus().item());
    }

    @Test
    void logSoftmaxIsStableAndNormalised() {
        Tensor x = t(new int[] {2, 3}, 1000, 1001, 1002, -5, 0, 5);
        float[] p = x.softmax(1).toHost();
        assertEquals(1.0, p[0] + p[1] + p[2], 1e-6);
        assertEquals(1.0, p[3] + p[4] + p[5], 1e-6);
        float[] lp = x.logSoftmax(1).toHost();
        double lse = Math.log(Math.exp(-2) + Math.exp(-1) + 1);
        assertEquals(-2 - lse, lp[0], 1e-5);
        assertEquals(-lse, lp[2], 1e-5);
    }

    @Test
    void reshapeSharesStorageAndInfersSize() {
        Tensor a = Tensor.zeros(2, 6);
        Tensor r = a.reshape(3, -1);
        assertArrayEquals(new int[] {3, 4}, r.shape());
        assertSame(a.storage(), r.storage());
    }

    @Test
    void gradientsAccumulateUntilZeroed() {
        Tensor w = t(new int[] {2}, 1, 2).requiresGrad(true);
        w.mul(w).sum().backward();
        assertArrayEquals(new float[] {2, 4}, w.grad().toHost());
        w.mul(w).sum().backward();
        assertArrayEquals(new float[] {4, 8}, w.grad().toHost());
        w.zeroGrad();
        assertArrayEquals(new float[] {0, 0}, w.grad().toHost());
        w.sum().mul(3f).backward();
        assertArrayEquals(new float[] {3, 3}, w.grad().toHost());
    }

    @Test
    void maxSplitsTheGradientBetweenTies() {
        Tensor x = t(new int[] {1, 3}, 1, 3, 3).requiresGrad(true);
        x.max(1, false).sum().backward();
        assertArrayEquals(new float[] {0, 0.5f, 0.5f}, x.grad().toHost());
    }

    @Test
    void intermediateResultsKeepNoGradient() {
        Tensor w = t(new int[] {2}, 1, 2).requiresGrad(true);
        Tensor h = w.tanh();
        h.sum().backward();
        assertNull(h.grad());
        assertFalse(h.isLeaf());
        assertTrue(w.isLeaf());
    }

    @Test
    void noGradRecordsNothing() {
        Tensor w = t(new int[] {2}, 1, 2).requiresGrad(true);
        Tensor y = Tensor.noGrad(() -> w.mul(w).sum());
        assertFalse(y.requiresGrad());
        assertThrows(IllegalStateException.class, y::backward);
        try (Tensor.NoGrad ignored = Tensor.noGradScope()) {
            assertFalse(Tensor.isGradEnabled());
            Tensor.noGrad(() -> assertFalse(Tensor.isGradEnabled()));
            assertFalse(Tensor.isGradEnabled());
        }
        assertTrue(Tensor.isGradEnabled());
        assertTrue(w.mul(w).requiresGrad());
    }

    @Test
    void detachCutsTheGraph() {
        Tensor w = t(new int[] {2}, 1, 2).requiresGrad(true);
        Tensor d = w.mul(2f).detach();
        assertFalse(d.requiresGrad());
        w.mul(d).sum().backward();
        assertArrayEquals(new float[] {2, 4}, w.grad().toHost());
    }

    @Test
    void deepGraphsDoNotOverflowTheStack() {
        Tensor w = Tensor.scalar(0.5f).requiresGrad(true);
        Tensor x = w;
        for (int i = 0; i < 100_000; i++) {
            x = x.mul(1f);
        }
        x.backward();
        assertEquals(1f, w.grad().item());
    }

    @Test
    void clearErrors() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Tensor.zeros(2, 3).add(Tensor.zeros(4)));
        assertEquals("add: shapes [2, 3] and [4] cannot be broadcast together", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(2, 3).matmul(Tensor.zeros(2, 3)));
        assertTrue(e.getMessage().contains("do not fit"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Tensor.of(new float[5], 2, 3));
        assertEquals("Tensor.of: 5 values do not fill shape [2, 3] (6 values)", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(2, 3).reshape(4, -1));
        assertTrue(e.getMessage().startsWith("reshape: cannot reshape [2, 3]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(2, 3).sum(2, false));
        assertTrue(e.getMessage().contains("axis 2"), e.getMessage());
        assertThrows(IllegalStateException.class, () -> Tensor.zeros(2).requiresGrad(true).mul(2f).backward());
    }

    @Test
    void sizesBeyondAnArrayAreRefusedNotWrapped() {
        // 500 x 10,000 x 28 x 28 = 3,920,000,000, which as an int is -374,967,296
        TensorTooLargeException x = assertThrows(TensorTooLargeException.class, () -> Tensor.zeros(500, 10_000, 28, 28));
        assertEquals("a tensor of shape [500, 10000, 28, 28] would hold 3,920,000,000 values, more than the 2,147,483,639 "
                + "one array can hold", x.getMessage());
        // 2^16 x 2^16 wraps to 0 as an int product
        assertThrows(TensorTooLargeException.class, () -> Tensor.zeros(65_536, 65_536));
        // in a model, the layer is named
        com.layerlab.engine.nn.Sequential net = new com.layerlab.engine.nn.Sequential(new com.layerlab.engine.nn.Flatten(1),
                new com.layerlab.engine.nn.Linear(4, 1_000_000, true, new java.util.Random(1)));
        String m = assertThrows(TensorTooLargeException.class, () -> Tensor.noGrad(() -> net.forward(Tensor.zeros(3000, 4))))
                .getMessage();
        assertEquals("model[1] (Linear): a tensor of shape [3000, 1000000] would hold 3,000,000,000 values, more than the "
                + "2,147,483,639 one array can hold; use fewer channels or features, or a smaller batch", m);
    }
}
