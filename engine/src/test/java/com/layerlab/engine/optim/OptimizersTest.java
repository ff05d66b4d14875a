package com.layerlab.engine.optim;

import com.layerlab.engine.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Update rules on one parameter, worked out by hand (the PyTorch comparison is in TorchOracleTest). */
class OptimizersTest {

    /** A parameter p with loss = g * p, so its gradient is always g. */
    private static void backward(Tensor p, float g) {
        p.mul(g).sum().backward();
    }

    @Test
    void sgdWithMomentumStartsItsBufferAtTheFirstGradient() {
        Tensor p = Tensor.of(new float[] {1f}, 1).requiresGrad(true);
        SGD opt = new SGD(List.of(p), 0.1, 0.9, 0, false);
        backward(p, 2f);
        opt.step();
        assertEquals(1f - 0.1f * 2f, p.item(), 1e-7);          // buf = 2
        opt.zeroGrad();
        backward(p, 2f);
        opt.step();
        assertEquals(0.8f - 0.1f * (0.9f * 2 + 2), p.item(), 1e-6); // buf = 3.8
    }

    @Test
    void sgdNesterovAndWeightDecay() {
        Tensor p = Tensor.of(new float[] {1f}, 1).requiresGrad(true);
        SGD opt = new SGD(List.of(p), 0.1, 0.5, 0.1, true);
        backward(p, 1f);
        opt.step();
        // g = 1 + 0.1 * 1 = 1.1; buf = 1.1; step direction g + 0.5 * buf = 1.65
        assertEquals(1f - 0.165f, p.item(), 1e-6);
    }

    @Test
    void adamFirstStepMovesByLearningRate() {
        Tensor p = Tensor.of(new float[] {1f, 1f}, 2).requiresGrad(true);
        Adam opt = new Adam(List.of(p), 0.01, 0.9, 0.999, 1e-8, 0);
        p.mul(Tensor.of(new float[] {3f, -0.002f}, 2)).sum().backward();
        opt.step();
        // bias correction makes the first step lr * g / |g|, whatever the gradient's size
        assertEquals(0.99f, p.toHost()[0], 1e-6);
        assertEquals(1.01f, p.toHost()[1], 1e-6);
    }

    @Test
    void learningRateCanChange() {
        Tensor p = Tensor.of(new float[] {1f}, 1).requiresGrad(true);
        SGD opt = new SGD(List.of(p), 0.1, 0, 0, false);
        opt.setLr(0.5);
        assertEquals(0.5, opt.lr());
        backward(p, 1f);
        opt.step();
        assertEquals(0.5f, p.item());
    }

    @Test
    void parametersWithoutGradientAreLeftAlone() {
        Tensor used = Tensor.of(new float[] {1f}, 1).requiresGrad(true);
        Tensor unused = Tensor.of(new float[] {1f}, 1).requiresGrad(true);
        SGD opt = new SGD(List.of(used, unused), 0.1, 0.9, 0.1, false);
        backward(used, 1f);
        opt.step();
        assertEquals(1f, unused.item());
    }

    @Test
    void badSettingsAreRejectedWithTheirName() {
        Tensor p = Tensor.zeros(1).requiresGrad(true);
        assertEquals("SGD: nesterov needs a momentum > 0",
                assertThrows(IllegalArgumentException.class, () -> new SGD(List.of(p), 0.1, 0, 0, true)).getMessage());
        assertEquals("SGD: lr must be a finite number >= 0, got -1.0",
                assertThrows(IllegalArgumentException.class, () -> new SGD(List.of(p), -1, 0, 0, false)).getMessage());
        assertEquals("Adam: betas[1] must be in [0, 1), got 1.0",
                assertThrows(IllegalArgumentException.class, () -> new Adam(List.of(p), 0.1, 0.9, 1, 1e-8, 0)).getMessage());
        assertEquals("Adam: needs a non-empty list of parameters",
                assertThrows(IllegalArgumentException.class, () -> new Adam(List.of(), 0.1, 0.9, 0.99, 1e-8, 0)).getMessage());
    }

    @Test
    void theStateDictCarriesMomentumAndAdamsMomentsToAFreshOptimizer() {
        for (boolean adam : new boolean[] {false, true}) {
            Tensor p = Tensor.of(new float[] {1, -2, 3}, 3).requiresGrad(true);
            Tensor q = Tensor.of(new float[] {1, -2, 3}, 3).requiresGrad(true);
            Optimizer a = adam ? new Adam(List.of(p), 0.1, 0.9, 0.999, 1e-8, 0) : new SGD(List.of(p), 0.1, 0.9, 0, false);
            Optimizer b = adam ? new Adam(List.of(q), 0.1, 0.9, 0.999, 1e-8, 0) : new SGD(List.of(q), 0.1, 0.9, 0, false);
            assertEquals(Map.of(), a.stateDict(), "nothing before the first step");
            p.sum().backward();
            a.step();
            q.copyFromHost(p.toHost());
            b.loadStateDict(a.stateDict());
            assertEquals(adam ? List.of("0.step", "0.exp_avg", "0.exp_avg_sq") : List.of("0.momentum_buffer"),
                    List.copyOf(a.stateDict().keySet()));
            // the second step: momentum (and Adam's step count) make it differ from a first one
            p.zeroGrad();
            p.sum().backward();
            a.step();
            q.zeroGrad();
            q.sum().backward();
            b.step();
            assertArrayEquals(p.toHost(), q.toHost(), adam ? "Adam" : "SGD");
        }
    }

    @Test
    void aStateDictThatDoesNotFitIsRefusedNamingTheEntry() {
        Tensor p = Tensor.of(new float[] {1, 2}, 2).requiresGrad(true);
        SGD sgd = new SGD(List.of(p), 0.1, 0.9, 0, false);
        String m = assertThrows(IllegalArgumentException.class,
                () -> sgd.loadStateDict(Map.of("0.momentum_buffer", Tensor.of(new float[3], 3)))).getMessage();
        assertEquals("SGD state: \"0.momentum_buffer\" has shape [3] but needs [2]", m);
        m = assertThrows(IllegalArgumentException.class,
                () -> sgd.loadStateDict(Map.of("1.exp_avg", Tensor.of(new float[2], 2)))).getMessage();
        assertEquals("SGD state: unexpected entry \"1.exp_avg\" (expected <parameter index 0..0>.momentum_buffer)", m);
    }
}
