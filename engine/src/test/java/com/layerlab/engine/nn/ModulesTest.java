package com.layerlab.engine.nn;

import com.layerlab.engine.optim.Adam;
import com.layerlab.engine.optim.Optimizer;
import com.layerlab.engine.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ModulesTest {

    @Test
    void linearInitialisationIsPyTorchsDefaultDrawnFromTheSeed() {
        Linear l = new Linear(4, 3, true, new Random(42));
        double bound = 0.5;
        Random replay = new Random(42);
        float[] w = l.weight().toHost();
        for (float v : w) {
            assertEquals((float) ((replay.nextDouble() * 2 - 1) * bound), v);
            assertTrue(Math.abs(v) <= bound);
        }
        for (float v : l.bias().toHost()) {
            assertEquals((float) ((replay.nextDouble() * 2 - 1) * bound), v);
        }
        assertArrayEquals(new int[] {3, 4}, l.weight().shape());
        assertArrayEquals(new int[] {3}, l.bias().shape());
        assertTrue(l.weight().requiresGrad() && l.bias().requiresGrad());
        assertArrayEquals(w, new Linear(4, 3, true, new Random(42)).weight().toHost());
        assertFalse(java.util.Arrays.equals(w, new Linear(4, 3, true, new Random(43)).weight().toHost()));
    }

    @Test
    void stateDictUsesPyTorchsKeys() {
        Random rng = new Random(1);
        Linear first = new Linear(2, 8, true, rng);
        Linear last = new Linear(8, 1, false, rng);
        Sequential net = new Sequential(first, new Tanh(), last);
        Map<String, Tensor> state = net.stateDict();
        assertEquals(List.of("0.weight", "0.bias", "2.weight"), List.copyOf(state.keySet()));
        assertSame(first.weight(), state.get("0.weight"));
        assertSame(last.weight(), state.get("2.weight"));
        assertEquals(List.of(first.weight(), first.bias(), last.weight()), net.parameters());
        assertNull(last.bias());
        assertTrue(new ReLU().stateDict().isEmpty());
    }

    @Test
    void forwardAllGivesEveryLayersOutput() {
        Random rng = new Random(2);
        Sequential net = new Sequential(new Linear(2, 3, true, rng), new ReLU(), new Linear(3, 1, true, rng), new Sigmoid());
        Tensor x = Tensor.of(new float[] {1, -1, 0.5f, 2}, 2, 2);
        List<Tensor> all = net.forwardAll(x);
        assertEquals(4, all.size());
        assertArrayEquals(new int[] {2, 3}, all.get(0).shape());
        assertArrayEquals(new int[] {2, 1}, all.get(3).shape());
        assertArrayEquals(net.forward(x).toHost(), all.get(3).toHost());
        for (float v : all.get(1).toHost()) assertTrue(v >= 0);
    }

    @Test
    void activationsDoWhatTheirNamesSay() {
        Tensor x = Tensor.of(new float[] {-2, 0, 3}, 3);
        assertArrayEquals(new float[] {0, 0, 3}, new ReLU().forward(x).toHost());
        assertArrayEquals(new float[] {-0.2f, 0, 3}, new LeakyReLU(0.1f).forward(x).toHost());
        assertArrayEquals(new float[] {-0.02f, 0, 3}, new LeakyReLU().forward(x).toHost());
        assertEquals((float) Math.tanh(-2), new Tanh().forward(x).toHost()[0]);
        assertEquals(0.5f, new Sigmoid().forward(x).toHost()[1]);
        assertSame(x, new Identity().forward(x));
    }

    @Test
    void trainModeReachesEveryLayer() {
        ReLU relu = new ReLU();
        Sequential net = new Sequential(new Linear(2, 2, true, new Random(3)), relu);
        assertTrue(net.isTraining());
        net.train(false);
        assertFalse(net.isTraining());
        assertFalse(relu.isTraining());
    }

    @Test
    void linearTakesOneSampleOrMoreAxes() {
        Linear l = new Linear(3, 2, true, new Random(4));
        Tensor batch = l.forward(Tensor.of(new float[] {1, 2, 3}, 1, 3));
        assertArrayEquals(new int[] {2}, l.forward(Tensor.of(new float[] {1, 2, 3}, 3)).shape());
        assertArrayEquals(batch.toHost(), l.forward(Tensor.of(new float[] {1, 2, 3}, 3)).toHost());
        assertArrayEquals(new int[] {2, 2, 2}, l.forward(Tensor.zeros(2, 2, 3)).shape());
    }

    @Test
    void badInputNamesTheLayer() {
        Linear l = new Linear(3, 2, true, new Random(5));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> l.forward(Tensor.zeros(4, 2)));
        assertEquals("Linear(in_features=3, out_features=2, bias=true): input of shape [4, 2] does not end in 3 features",
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new Linear(0, 2, true, new Random()));
        assertEquals("Linear: in_features must be a positive integer, got 0", e.getMessage());
    }

    @Test
    void trainingIsBitIdenticalForTheSameSeed() {
        assertArrayEquals(train(11), train(11));
        assertFalse(java.util.Arrays.equals(train(11), train(12)));
    }

    /** A few hundred Adam steps on a 2-8-8-1 Tanh network; the final weights, flattened. */
    private static float[] train(long seed) {
        Random rng = new Random(seed);
        Sequential net = new Sequential(new Linear(2, 8, true, rng), new Tanh(), new Linear(8, 8, true, rng), new Tanh(),
                new Linear(8, 1, true, rng));
        Optimizer opt = new Adam(net.parameters(), 0.03, 0.9, 0.999, 1e-8, 0);
        Loss loss = new BCEWithLogitsLoss();
        float[] x = new float[20];
        float[] t = new float[10];
        for (int step = 0; step < 300; step++) {
            for (int i = 0; i < 10; i++) {
                x[2 * i] = (float) rng.nextGaussian();
                x[2 * i + 1] = (float) rng.nextGaussian();
                t[i] = x[2 * i] * x[2 * i + 1] > 0 ? 1 : 0;
            }
            opt.zeroGrad();
            loss.apply(net.forward(Tensor.of(x.clone(), 10, 2)), Tensor.of(t.clone(), 10, 1)).backward();
            opt.step();
        }
        return flatten(net);
    }

    static float[] flatten(Module net) {
        int n = 0;
        for (Tensor p : net.parameters()) n += p.numel();
        float[] all = new float[n];
        int o = 0;
        for (Tensor p : net.parameters()) {
            System.arraycopy(p.toHost(), 0, all, o, p.numel());
            o += p.numel();
        }
        return all;
    }
}
