package com.layerlab.engine.nn;

import com.layerlab.engine.tensor.GradCheck;
import com.layerlab.engine.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The CNN layers as modules: initialisation, state dicts, modes, shapes, messages and gradients. */
class CnnModulesTest {

    private static int[] a(int... v) {
        return v;
    }

    @Test
    void convolutionInitialisationIsPyTorchsDefaultDrawnFromTheSeed() {
        // fan_in = in/groups * kernel volume = 4/2 * 3*3 = 18; weight first (row-major), then bias
        Conv2d conv = new Conv2d(4, 6, a(3, 3), a(1, 1), a(0, 0), a(1, 1), 2, true, new Random(9));
        assertArrayEquals(new int[] {6, 2, 3, 3}, conv.weight().shape());
        assertArrayEquals(new int[] {6}, conv.bias().shape());
        double bound = 1 / Math.sqrt(18);
        Random replay = new Random(9);
        for (float v : conv.weight().toHost()) {
            assertEquals((float) ((replay.nextDouble() * 2 - 1) * bound), v);
        }
        for (float v : conv.bias().toHost()) {
            assertEquals((float) ((replay.nextDouble() * 2 - 1) * bound), v);
        }
        // the transposed convolution's weight is [in, out/groups, *k] and fan_in = weight.size(1) * volume
        ConvTranspose2d up = new ConvTranspose2d(4, 6, a(2, 3), a(2, 2), a(0, 0), a(1, 0), a(1, 1), 2, false, new Random(3));
        assertArrayEquals(new int[] {4, 3, 2, 3}, up.weight().shape());
        assertNull(up.bias());
        double upBound = 1 / Math.sqrt(3 * 2 * 3);
        float max = 0;
        for (float v : up.weight().toHost()) max = Math.max(max, Math.abs(v));
        assertTrue(max <= upBound && max > 0.8 * upBound, "max |w| " + max + " vs bound " + upBound);
        assertArrayEquals(new int[] {3, 1, 5}, new Conv1d(1, 3, a(5), a(1), a(0), a(1), 1, true, new Random(1)).weight().shape());
        assertArrayEquals(new int[] {2, 1, 2, 3, 4},
                new Conv3d(1, 2, a(2, 3, 4), a(1, 1, 1), a(0, 0, 0), a(1, 1, 1), 1, true, new Random(1)).weight().shape());
        assertEquals("Conv2d(4, 6, kernel_size=(3, 3), stride=(1, 1), groups=2)", conv.toString());
    }

    @Test
    void convolutionsCheckTheirArgumentsAndInputsWithClearMessages() {
        Random rng = new Random(1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Conv2d(3, 4, a(3, 3), a(1, 1), a(0, 0), a(1, 1), 2, true, rng));
        assertEquals("Conv2d: in_channels 3 is not divisible by groups 2", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new Conv2d(3, 4, a(3), a(1, 1), a(0, 0), a(1, 1), 1, true, rng));
        assertEquals("Conv2d: kernel_size needs 2 values, got [3]", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> new ConvTranspose2d(3, 4, a(3, 3), a(1, 1), a(0, 0), a(1, 1), a(1, 1), 1, true, rng));
        assertTrue(e.getMessage().startsWith("ConvTranspose2d: output_padding [1, 1] must be smaller than stride"), e.getMessage());
        Conv2d conv = new Conv2d(3, 4, a(3, 3), a(1, 1), a(0, 0), a(1, 1), 1, true, rng);
        e = assertThrows(IllegalArgumentException.class, () -> conv.forward(Tensor.zeros(2, 1, 8, 8)));
        assertEquals("Conv2d(3, 4, kernel_size=(3, 3), stride=(1, 1)): expects input [N, 3, H, W] (or [3, H, W]), "
                + "got [2, 1, 8, 8]", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> conv.forward(Tensor.zeros(1, 3, 2, 8)));
        assertTrue(e.getMessage().contains("smaller than the kernel"), e.getMessage());
    }

    @Test
    void singleSamplesWorkWithoutTheBatchAxis() {
        Random rng = new Random(2);
        Conv2d conv = new Conv2d(3, 6, a(3, 3), a(1, 1), a(0, 0), a(1, 1), 1, true, rng);
        Tensor x = GradCheck.param(rng, -1, 1, 3, 32, 32);
        Tensor single = conv.forward(x);
        assertArrayEquals(new int[] {6, 30, 30}, single.shape());
        assertArrayEquals(conv.forward(x.reshape(1, 3, 32, 32)).toHost(), single.toHost());
        MaxPool2d pool = new MaxPool2d(a(3, 3), null, a(0, 0), a(1, 1), true);
        assertArrayEquals(new int[] {1, 2, 2}, pool.forward(Tensor.zeros(1, 5, 5)).shape());
        assertArrayEquals(new int[] {1, 1, 1}, new MaxPool2d(a(3, 3), null, a(0, 0), a(1, 1), false)
                .forward(Tensor.zeros(1, 5, 5)).shape());
        // a null stride is PyTorch's default: the kernel size
        assertArrayEquals(new int[] {3, 3}, pool.stride());
    }

    @Test
    void flattenJoinsTheAxesFromStartDim() {
        Tensor x = Tensor.zeros(2, 64, 4, 4);
        assertArrayEquals(new int[] {2, 1024}, new Flatten().forward(x).shape());
        assertArrayEquals(new int[] {2, 64, 16}, new Flatten(2).forward(x).shape());
        assertArrayEquals(new int[] {2, 64, 4, 4}, new Flatten(-1).forward(x).shape());
        assertArrayEquals(new int[] {2048}, new Flatten(0).forward(x).shape());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Flatten(4).forward(x));
        assertEquals("Flatten(start_dim=4, end_dim=-1): start_dim 4 is out of range for input of shape [2, 64, 4, 4]",
                e.getMessage());
        GradCheck.check("flatten", in -> new Flatten().forward(in[0]).tanh(), GradCheck.param(new Random(1), -1, 1, 2, 3, 2, 2));
    }

    @Test
    void dropoutZeroesAndRescalesInTrainingAndPassesThroughInEvaluation() {
        Dropout d = new Dropout(0.25, new Random(5));
        Tensor x = Tensor.full(2f, 100, 100).requiresGrad(true);
        Tensor y = d.forward(x);
        int zeros = 0;
        for (float v : y.toHost()) {
            if (v == 0f) {
                zeros++;
            } else {
                assertEquals(2f / 0.75f, v, 1e-6);
            }
        }
        assertEquals(0.25, zeros / 10_000.0, 0.02);
        // gradient: the same mask and scale
        y.sum().backward();
        for (int i = 0; i < y.numel(); i++) {
            assertEquals(y.toHost()[i] == 0f ? 0f : 1f / 0.75f, x.grad().toHost()[i], 1e-6);
        }
        // seeded: the same generator state gives the same mask; the next call gives another
        Tensor again = new Dropout(0.25, new Random(5)).forward(x);
        assertArrayEquals(y.toHost(), again.toHost());
        assertFalse(Arrays.equals(y.toHost(), d.forward(x).toHost()));
        d.train(false);
        assertSame(x, d.forward(x));
        assertSame(x, new Dropout(0, new Random(1)).forward(x));
        Dropout all = new Dropout(1, new Random(1));
        for (float v : all.forward(x).toHost()) assertEquals(0f, v);
        assertThrows(IllegalArgumentException.class, () -> new Dropout(1.5, new Random(1)));
    }

    @Test
    void batchNormKeepsItsStatisticsAsBuffersUnderPyTorchsNames() {
        BatchNorm2d bn = new BatchNorm2d(3, 1e-5, 0.1);
        assertEquals(List.of("weight", "bias", "running_mean", "running_var", "num_batches_tracked"),
                List.copyOf(bn.stateDict().keySet()));
        assertEquals(List.of(bn.weight(), bn.bias()), bn.parameters());
        assertArrayEquals(new float[] {1, 1, 1}, bn.weight().toHost());
        assertArrayEquals(new float[] {0, 0, 0}, bn.bias().toHost());
        assertArrayEquals(new float[] {1, 1, 1}, bn.runningVar().toHost());
        assertArrayEquals(new int[0], bn.numBatchesTracked().shape());
        Random rng = new Random(4);
        Conv2d conv = new Conv2d(1, 3, a(3, 3), a(1, 1), a(1, 1), a(1, 1), 1, true, rng);
        Sequential net = new Sequential(conv, bn, new ReLU(), new Flatten(), new Linear(3 * 16, 2, true, rng));
        assertEquals(List.of(conv.weight(), conv.bias(), bn.weight(), bn.bias(), net.layers().get(4).parameters().get(0),
                net.layers().get(4).parameters().get(1)), net.parameters());
        assertTrue(net.stateDict().containsKey("1.running_var"));
        assertTrue(net.stateDict().containsKey("1.num_batches_tracked"));
        // training normalises with the batch: per channel mean 0 and (biased) variance 1
        Tensor x = GradCheck.param(rng, -3, 5, 8, 3, 4, 4);
        Tensor y = bn.forward(x);
        float[] v = y.toHost();
        for (int c = 0; c < 3; c++) {
            double sum = 0;
            double sq = 0;
            for (int n = 0; n < 8; n++) {
                for (int i = 0; i < 16; i++) {
                    double e = v[(n * 3 + c) * 16 + i];
                    sum += e;
                    sq += e * e;
                }
            }
            assertEquals(0, sum / 128, 1e-5);
            assertEquals(1, sq / 128, 1e-3);
        }
        assertEquals(1f, bn.numBatchesTracked().item());
        assertNotEquals(0f, bn.runningMean().toHost()[0]);
        // evaluation uses the running statistics: the same input now gives another output, and no update
        float[] meanBefore = bn.runningMean().toHost();
        net.train(false);
        assertFalse(bn.isTraining());
        assertFalse(Arrays.equals(v, bn.forward(x).toHost()));
        assertArrayEquals(meanBefore, bn.runningMean().toHost());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new BatchNorm1d(3, 1e-5, 0.1)
                .forward(Tensor.zeros(1, 3)));
        assertTrue(e.getMessage().contains("training needs more than 1 value per channel"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new BatchNorm2d(3, 1e-5, 0.1).forward(Tensor.zeros(2, 4, 2, 2)));
        assertTrue(e.getMessage().endsWith("input of shape [2, 4, 2, 2] has 4 channels, expected 3"), e.getMessage());
    }

    @Test
    void batchNormGradientsInBothModes() {
        Random rng = new Random(6);
        for (boolean training : new boolean[] {true, false}) {
            BatchNorm1d bn1 = new BatchNorm1d(3, 1e-3, 0.1);
            BatchNorm2d bn2 = new BatchNorm2d(2, 1e-3, 0.1);
            for (BatchNorm bn : List.of(bn1, bn2)) {
                float[][] start = new float[4][bn.numFeatures()];
                for (int i = 0; i < bn.numFeatures(); i++) {
                    start[0][i] = 0.5f + rng.nextFloat();
                    start[1][i] = rng.nextFloat();
                    start[2][i] = rng.nextFloat() - 0.5f;
                    start[3][i] = 0.5f + rng.nextFloat();
                }
                bn.weight().copyFromHost(start[0]);
                bn.bias().copyFromHost(start[1]);
                bn.runningMean().copyFromHost(start[2]);
                bn.runningVar().copyFromHost(start[3]);
                bn.train(training);
            }
            GradCheck.check("BatchNorm1d " + training, in -> bn1.forward(in[0]), GradCheck.param(rng, -2, 2, 4, 3),
                    bn1.weight(), bn1.bias());
            GradCheck.check("BatchNorm1d [N, C, L] " + training, in -> bn1.forward(in[0]), GradCheck.param(rng, -2, 2, 2, 3, 3),
                    bn1.weight(), bn1.bias());
            GradCheck.check("BatchNorm2d " + training, in -> bn2.forward(in[0]), GradCheck.param(rng, -2, 2, 2, 2, 3, 2),
                    bn2.weight(), bn2.bias());
        }
    }

    @Test
    void softmaxAndPoolLayerGradients() {
        Random rng = new Random(7);
        Softmax softmax = new Softmax(1);
        GradCheck.check("Softmax(1)", in -> softmax.forward(in[0]), GradCheck.param(rng, -2, 2, 3, 4));
        Tensor p = softmax.forward(GradCheck.param(rng, -2, 2, 3, 4));
        for (int r = 0; r < 3; r++) {
            double s = 0;
            for (int c = 0; c < 4; c++) s += p.toHost()[r * 4 + c];
            assertEquals(1, s, 1e-6);
        }
        assertThrows(IllegalArgumentException.class, () -> new Softmax(2).forward(Tensor.zeros(3, 4)));
        AvgPool2d avg = new AvgPool2d(a(2, 2), null, a(1, 1), true);
        GradCheck.check("AvgPool2d", in -> avg.forward(in[0]), GradCheck.param(rng, -1, 1, 1, 2, 5, 5));
        assertEquals("AvgPool2d(kernel_size=(2, 2), stride=(2, 2), padding=(1, 1), ceil_mode=True)", avg.toString());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new MaxPool2d(a(2, 2), null, a(2, 2), a(1, 1), false));
        assertEquals("MaxPool2d: padding [2, 2] must be at most half of kernel_size [2, 2]", e.getMessage());
    }
}
