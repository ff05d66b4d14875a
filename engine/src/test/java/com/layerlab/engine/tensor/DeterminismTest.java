package com.layerlab.engine.tensor;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/**
 * The same computation gives the same bits, also when large matrix products are spread over threads:
 * a few training-like steps (forward, backward, update) on layers big enough to use the thread pool.
 */
class DeterminismTest {

    private static float[] run(Device device) {
        {
            Random rng = new Random(5);
            Tensor w1 = GradCheck.param(rng, -0.1f, 0.1f, 256, 192);
            w1.moveTo(device);
            Tensor w2 = GradCheck.param(rng, -0.1f, 0.1f, 10, 256);
            w2.moveTo(device);
            float[] out = null;
            for (int step = 0; step < 3; step++) {
                Tensor x = GradCheck.param(rng, -1, 1, 96, 192).requiresGrad(false).to(device);
                Tensor h = x.matmul(w1, false, true).tanh();
                Tensor y = h.matmul(w2, false, true);
                Tensor loss = y.logSoftmax(1).mean().neg();
                loss.backward();
                for (Tensor w : new Tensor[] {w1, w2}) {
                    float[] d = w.toHost();
                    float[] g = w.grad().toHost();
                    for (int i = 0; i < d.length; i++) d[i] -= 0.5f * g[i];
                    w.copyFromHost(d);
                    w.zeroGrad();
                }
                out = y.toHost();
            }
            float[] all = new float[out.length + w1.numel()];
            System.arraycopy(out, 0, all, 0, out.length);
            System.arraycopy(w1.toHost(), 0, all, out.length, w1.numel());
            return all;
        }
    }

    @Test
    void bitIdenticalAcrossRunsAndThreadCounts() {
        float[] reference = run(Device.cpu(1, 1));
        assertArrayEquals(reference, run(Device.cpu(1, 1)));
        Device threaded = Device.cpu(4, 4);
        for (int i = 0; i < 3; i++) {
            assertArrayEquals(reference, run(threaded), "4 threads, run " + i);
        }
        assertArrayEquals(reference, run(Device.cpu(2, 2)));
    }

    /** Three steps of a small CNN (conv, pools, transposed conv, linear) on {@code backend}; the final weights and output. */
    private static float[] cnnRun(Device device) {
        {
            Random rng = new Random(6);
            Tensor w1 = GradCheck.param(rng, -0.3f, 0.3f, 8, 3, 3, 3);
            w1.moveTo(device);
            Tensor b1 = GradCheck.param(rng, -0.3f, 0.3f, 8);
            b1.moveTo(device);
            Tensor w2 = GradCheck.param(rng, -0.3f, 0.3f, 8, 4, 2, 2);
            w2.moveTo(device);
            Tensor w3 = GradCheck.param(rng, -0.1f, 0.1f, 5, 4 * 8 * 8);
            w3.moveTo(device);
            Tensor[] params = {w1, b1, w2, w3};
            float[] out = null;
            for (int step = 0; step < 3; step++) {
                // 19 samples: more than two chunks of the weight gradient's batch sum
                Tensor x = GradCheck.param(rng, -1, 1, 19, 3, 8, 8).requiresGrad(false).to(device);
                Tensor h = x.conv(w1, b1, new int[] {1, 1}, new int[] {1, 1}, new int[] {1, 1}, 1).relu();
                h = h.maxPool2d(new int[] {2, 2}, new int[] {2, 2}, new int[] {0, 0}, new int[] {1, 1}, false);
                h = h.convTranspose(w2, null, new int[] {2, 2}, new int[] {0, 0}, new int[] {0, 0}, new int[] {1, 1}, 1);
                h = h.avgPool2d(new int[] {3, 3}, new int[] {1, 1}, new int[] {1, 1}, false);
                Tensor y = h.reshape(19, -1).matmul(w3, false, true);
                y.logSoftmax(1).mean().neg().backward();
                for (Tensor w : params) {
                    float[] d = w.toHost();
                    float[] g = w.grad().toHost();
                    for (int i = 0; i < d.length; i++) d[i] -= 0.1f * g[i];
                    w.copyFromHost(d);
                    w.zeroGrad();
                }
                out = y.toHost();
            }
            float[] all = out.clone();
            for (Tensor w : params) {
                float[] grown = java.util.Arrays.copyOf(all, all.length + w.numel());
                System.arraycopy(w.toHost(), 0, grown, all.length, w.numel());
                all = grown;
            }
            return all;
        }
    }

    @Test
    void cnnTrainingIsBitIdenticalAcrossRunsAndThreadCounts() {
        float[] reference = cnnRun(Device.cpu(1, 1));
        assertArrayEquals(reference, cnnRun(Device.cpu(1, 1)));
        assertArrayEquals(reference, cnnRun(Device.cpu(2, 2)));
        Device threaded = Device.cpu(5, 5);
        for (int i = 0; i < 2; i++) {
            assertArrayEquals(reference, cnnRun(threaded), "5 threads, run " + i);
        }
    }
}
