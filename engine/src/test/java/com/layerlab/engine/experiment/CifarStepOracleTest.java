package com.layerlab.engine.experiment;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.GradientCollector;
import com.layerlab.engine.nn.CrossEntropyLoss;
import com.layerlab.engine.optim.SGD;
import com.layerlab.engine.nn.Sequential;
import com.layerlab.engine.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * One training step of FORMAT.md's CIFAR-10 tutorial model (built from the file, as the app does) on a
 * batch of 4 random images against PyTorch: the logits, the loss, every parameter's gradient and every
 * parameter after the file's optimizer step (SGD, lr 0.01, momentum 0.9: on the first step p -= lr g,
 * torch.optim.SGD's rule, applied in double to PyTorch's gradients).
 */
class CifarStepOracleTest {

    private static final double RTOL = 1e-4;

    private static void assertClose(String what, float[] expected, float[] actual) {
        assertEquals(expected.length, actual.length, what + ": length");
        double scale = 0;
        for (float e : expected) scale = Math.max(scale, Math.abs(e));
        double atol = 1e-5 * scale + 1e-8;
        for (int i = 0; i < expected.length; i++) {
            double e = expected[i];
            double a = actual[i];
            if (!(Math.abs(e - a) <= atol + RTOL * Math.max(Math.abs(e), Math.abs(a)))) {
                fail(what + ": element " + i + " is " + a + ", PyTorch gives " + e);
            }
        }
    }

    @Test
    void oneSgdStepOfTheCifarTutorialModelMatchesPyTorch() {
        Experiment e = ExperimentFiles.read(Examples.FORMAT_MD);
        Sequential net = Models.build(e);
        int batch = 4;
        Random rng = new Random(99);
        float[] x = new float[batch * 3 * 32 * 32];
        for (int i = 0; i < x.length; i++) x[i] = rng.nextFloat() * 2 - 1;
        float[] target = new float[batch];
        for (int i = 0; i < batch; i++) target[i] = rng.nextInt(10);

        Map<String, Tensor> state = net.stateDict();
        List<String> names = new ArrayList<>(state.keySet());
        List<float[]> before = new ArrayList<>();
        for (Tensor t : state.values()) before.add(t.toHost());

        // ours: forward, loss, backward, the file's optimizer
        SGD opt = new SGD(net.parameters(), e.optimizer().lr(), e.optimizer().momentum(), e.optimizer().weightDecay(), false);
        opt.zeroGrad();
        Tensor logits = net.forward(Tensor.of(x.clone(), batch, 3, 32, 32));
        Tensor loss = new CrossEntropyLoss().apply(logits, Tensor.of(target.clone(), batch));
        loss.backward();
        List<float[]> ourGrads = new ArrayList<>();
        for (Tensor p : net.parameters()) ourGrads.add(p.grad().toHost());
        opt.step();

        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            List<NDArray> p = new ArrayList<>();
            for (int i = 0; i < names.size(); i++) {
                NDArray a = m.create(before.get(i).clone(), shape(state.get(names.get(i)).shape()));
                a.setRequiresGradient(true);
                p.add(a);
            }
            NDArray out;
            NDArray torchLoss;
            try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
                NDArray h = m.create(x.clone(), new Shape(batch, 3, 32, 32));
                for (int layer = 0; layer < 3; layer++) {
                    h = h.getNDArrayInternal().convolution(h, p.get(2 * layer), p.get(2 * layer + 1), new Shape(1, 1),
                            new Shape(2, 2), new Shape(1, 1), 1).singletonOrThrow();
                    h = Pool.maxPool2d(h, new Shape(2, 2), new Shape(2, 2), new Shape(0, 0), false);
                }
                h = h.reshape(batch, 1024);
                h = h.matMul(p.get(6).transpose()).add(p.get(7));
                out = h.matMul(p.get(8).transpose()).add(p.get(9));
                float[] oneHot = new float[batch * 10];
                for (int i = 0; i < batch; i++) oneHot[i * 10 + (int) target[i]] = 1f;
                torchLoss = out.logSoftmax(1).mul(m.create(oneHot, new Shape(batch, 10))).sum().neg().div(batch);
                gc.backward(torchLoss);
            }
            assertClose("logits", out.toFloatArray(), logits.toHost());
            assertClose("loss", torchLoss.toFloatArray(), loss.toHost());
            double lr = e.optimizer().lr();
            for (int i = 0; i < names.size(); i++) {
                float[] g = p.get(i).getGradient().toFloatArray();
                assertClose("gradient of " + names.get(i), g, ourGrads.get(i));
                float[] expected = new float[g.length];
                for (int j = 0; j < g.length; j++) expected[j] = (float) (before.get(i)[j] - lr * g[j]);
                assertClose(names.get(i) + " after the step", expected, state.get(names.get(i)).toHost());
            }
        }
    }

    private static Shape shape(int[] s) {
        long[] l = new long[s.length];
        for (int i = 0; i < s.length; i++) l[i] = s[i];
        return new Shape(l);
    }
}
