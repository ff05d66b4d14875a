package com.layerlab.engine.tensor;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static com.layerlab.engine.tensor.GradCheck.check;
import static com.layerlab.engine.tensor.GradCheck.param;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Finite-difference checks of the convolution, transposed convolution, pooling and sqrt gradients. */
class ConvPoolGradTest {

    private final Random rng = new Random(17);

    private static int[] a(int... v) {
        return v;
    }

    @Test
    void conv1d() {
        check("conv1d stride 2 padding 1 dilation 2", in -> in[0].conv(in[1], in[2], a(2), a(1), a(2), 1),
                param(rng, -1, 1, 2, 3, 9), param(rng, -1, 1, 4, 3, 3), param(rng, -1, 1, 4));
    }

    @Test
    void conv2d() {
        check("conv2d padding 1", in -> in[0].conv(in[1], in[2], a(1, 1), a(1, 1), a(1, 1), 1),
                param(rng, -1, 1, 2, 3, 5, 5), param(rng, -1, 1, 4, 3, 3, 3), param(rng, -1, 1, 4));
        check("conv2d stride (2, 1) dilation (1, 2) groups 2 no bias",
                in -> in[0].conv(in[1], null, a(2, 1), a(0, 1), a(1, 2), 2),
                param(rng, -1, 1, 2, 4, 6, 6), param(rng, -1, 1, 6, 2, 2, 3));
        check("conv2d pointwise", in -> in[0].conv(in[1], in[2], a(1, 1), a(0, 0), a(1, 1), 1),
                param(rng, -1, 1, 2, 3, 3, 4), param(rng, -1, 1, 5, 3, 1, 1), param(rng, -1, 1, 5));
    }

    @Test
    void conv3d() {
        check("conv3d", in -> in[0].conv(in[1], in[2], a(1, 2, 1), a(1, 0, 1), a(1, 1, 2), 1),
                param(rng, -1, 1, 1, 2, 4, 5, 5), param(rng, -1, 1, 3, 2, 2, 3, 2), param(rng, -1, 1, 3));
    }

    @Test
    void convTranspose() {
        check("conv_transpose2d stride 2 output_padding 1", in -> in[0].convTranspose(in[1], in[2], a(2, 2), a(1, 1), a(1, 1),
                a(1, 1), 1), param(rng, -1, 1, 2, 3, 4, 3), param(rng, -1, 1, 3, 2, 3, 3), param(rng, -1, 1, 2));
        check("conv_transpose2d groups 2 dilation 2 output_padding (1, 0)",
                in -> in[0].convTranspose(in[1], null, a(1, 2), a(0, 1), a(1, 0), a(2, 1), 2),
                param(rng, -1, 1, 1, 4, 3, 4), param(rng, -1, 1, 4, 3, 2, 2));
        check("conv_transpose1d", in -> in[0].convTranspose(in[1], in[2], a(3), a(0), a(2), a(1), 1),
                param(rng, -1, 1, 2, 2, 4), param(rng, -1, 1, 2, 3, 2), param(rng, -1, 1, 3));
    }

    @Test
    void convTransposeShapesFollowPyTorch() {
        // (in - 1) stride - 2 padding + dilation (kernel - 1) + output_padding + 1
        Tensor x = Tensor.zeros(2, 3, 4, 5);
        Tensor w = Tensor.zeros(3, 4, 3, 2);
        assertArrayEquals(new int[] {2, 4, 8, 10}, x.convTranspose(w, null, a(2, 2), a(1, 0), a(1, 0), a(1, 1), 1).shape());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> x.convTranspose(w, null, a(2, 2), a(1, 0), a(2, 0), a(1, 1), 1));
        assertTrue(e.getMessage().contains("output_padding [2, 0] must be smaller than stride [2, 2] or dilation [1, 1]"),
                e.getMessage());
    }

    /** Distinct values, spaced far wider than the finite-difference step: no window changes its winner. */
    private Tensor distinct(int... shape) {
        int n = Tensor.numel(shape);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (i - n / 2) * 0.05f;
        for (int i = n - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            float t = v[i];
            v[i] = v[j];
            v[j] = t;
        }
        return Tensor.of(v, shape).requiresGrad(true);
    }

    @Test
    void maxPool() {
        check("max_pool2d 2", in -> in[0].maxPool2d(a(2, 2), a(2, 2), a(0, 0), a(1, 1), false), distinct(2, 2, 4, 5));
        check("max_pool2d 3 stride 2 padding 1 ceil", in -> in[0].maxPool2d(a(3, 3), a(2, 2), a(1, 1), a(1, 1), true),
                distinct(1, 2, 6, 5));
        check("max_pool2d overlapping, dilation 2", in -> in[0].maxPool2d(a(2, 3), a(1, 1), a(1, 0), a(2, 1), false),
                distinct(1, 2, 5, 6));
    }

    @Test
    void avgPool() {
        check("avg_pool2d 2", in -> in[0].avgPool2d(a(2, 2), a(2, 2), a(0, 0), false), param(rng, -1, 1, 2, 2, 4, 5));
        check("avg_pool2d 3 stride 2 padding 1 ceil", in -> in[0].avgPool2d(a(3, 3), a(2, 2), a(1, 1), true),
                param(rng, -1, 1, 1, 2, 6, 5));
        check("avg_pool2d (2, 3) stride (1, 2) ceil", in -> in[0].avgPool2d(a(2, 3), a(1, 2), a(0, 1), true),
                param(rng, -1, 1, 1, 1, 4, 6));
    }

    @Test
    void sqrt() {
        check("sqrt", in -> in[0].sqrt(), param(rng, 0.5f, 3, 3, 4));
        assertEquals(3f, Tensor.scalar(9f).sqrt().item());
    }

    @Test
    void convolutionsChainThroughPoolsIntoALoss() {
        // a CNN in miniature: every gradient path through pool, conv, reshape and matmul at once. The max
        // pool comes first, on inputs far apart: after a convolution two values of a window can lie closer
        // than the finite-difference step moves them, and the winner would switch.
        check("pool-conv-conv-linear", in -> {
            Tensor h = in[0].maxPool2d(a(2, 2), a(2, 2), a(0, 0), a(1, 1), true);
            h = h.conv(in[1], in[2], a(1, 1), a(1, 1), a(1, 1), 1).tanh();
            h = h.conv(in[3], null, a(1, 1), a(0, 0), a(1, 1), 1).avgPool2d(a(2, 2), a(1, 1), a(0, 0), false);
            return h.reshape(2, -1).matmul(in[4], false, true).logSoftmax(1);
        }, distinct(2, 2, 7, 7), param(rng, -0.5f, 0.5f, 3, 2, 3, 3), param(rng, -0.5f, 0.5f, 3),
                param(rng, -0.5f, 0.5f, 4, 3, 2, 2), param(rng, -0.5f, 0.5f, 3, 16));
    }
}
