package com.layerlab.engine.nn;

import com.layerlab.engine.tensor.Backend.LossOp;
import com.layerlab.engine.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.Random;

import static com.layerlab.engine.tensor.GradCheck.awayFromZero;
import static com.layerlab.engine.tensor.GradCheck.check;
import static com.layerlab.engine.tensor.GradCheck.param;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Loss and penalty values by hand, their finite-difference gradients, and their error messages. */
class LossesTest {

    private final Random rng = new Random(3);

    @Test
    void mseValue() {
        Tensor out = Tensor.of(new float[] {1, 2, 3, 4}, 2, 2);
        Tensor target = Tensor.of(new float[] {0, 2, 5, 4}, 2, 2);
        assertEquals((1 + 0 + 4 + 0) / 4f, new MSELoss().apply(out, target).item());
        // a [N] target against an [N, 1] output is reshaped, not broadcast to [N, N]
        assertEquals(0.5f, new MSELoss().apply(Tensor.of(new float[] {1, 2}, 2, 1), Tensor.of(new float[] {0, 2}, 2)).item());
    }

    @Test
    void bceWithLogitsValueIsStable() {
        Tensor out = Tensor.of(new float[] {0, 100, -100, 2}, 4, 1).requiresGrad(true);
        Tensor target = Tensor.of(new float[] {1, 0, 0, 1}, 4, 1);
        Tensor loss = new BCEWithLogitsLoss().apply(out, target);
        double expected = (Math.log(2) + 100 + 0 + Math.log1p(Math.exp(-2))) / 4;
        assertEquals(expected, loss.item(), 1e-5);
        loss.backward();
        // d/dx = (sigmoid(x) - t) / N
        assertArrayEquals(new float[] {(0.5f - 1) / 4, 1f / 4, 0, (float) ((1 / (1 + Math.exp(-2)) - 1) / 4)},
                out.grad().toHost(), 1e-7f);
    }

    @Test
    void crossEntropyValue() {
        Tensor out = Tensor.of(new float[] {1, 2, 3, 0, 0, 0}, 2, 3);
        Tensor target = Tensor.of(new float[] {2, 0}, 2);
        double lse = Math.log(Math.exp(1) + Math.exp(2) + Math.exp(3));
        double expected = ((lse - 3) + Math.log(3)) / 2;
        assertEquals(expected, new CrossEntropyLoss().apply(out, target).item(), 1e-6);
    }

    @Test
    void lossGradients() {
        Tensor mseTarget = param(rng, -1, 1, 5, 2).requiresGrad(false);
        check("MSELoss", in -> new MSELoss().apply(in[0], mseTarget), param(rng, -2, 2, 5, 2));
        Tensor bceTarget = Tensor.of(new float[] {1, 0, 0, 1, 1}, 5, 1);
        check("BCEWithLogitsLoss", in -> new BCEWithLogitsLoss().apply(in[0], bceTarget), param(rng, -3, 3, 5, 1));
        Tensor ceTarget = Tensor.of(new float[] {0, 3, 1, 1, 2}, 5);
        check("CrossEntropyLoss", in -> new CrossEntropyLoss().apply(in[0], ceTarget), param(rng, -3, 3, 5, 4));
    }

    /** The bits of a loss and of its gradient with respect to the output. */
    private static List<Integer> lossAndGradientBits(Tensor output, Function<Tensor, Tensor> loss) {
        Tensor x = Tensor.of(output.toHost(), output.shape()).requiresGrad(true);
        Tensor l = loss.apply(x);
        l.backward();
        List<Integer> bits = new ArrayList<>();
        bits.add(Float.floatToRawIntBits(l.item()));
        for (float g : x.grad().toHost()) {
            bits.add(Float.floatToRawIntBits(g));
        }
        return bits;
    }

    @Test
    void theLossPrimitivesGiveTheBitsOfTheOpsTheyReplace() {
        Tensor out = param(rng, -4, 4, 9, 4).requiresGrad(false);
        Tensor real = param(rng, -1, 1, 9, 4).requiresGrad(false);
        assertEquals(lossAndGradientBits(out, x -> x.sub(real).square().mean()),
                lossAndGradientBits(out, x -> new MSELoss().apply(x, real)), "MSELoss");
        float[] t = new float[36];
        for (int i = 0; i < t.length; i++) {
            t[i] = rng.nextBoolean() ? 1f : 0f;
        }
        Tensor binary = Tensor.of(t, 9, 4);
        assertEquals(lossAndGradientBits(out, x -> x.softplus().sub(x.mul(binary)).mean()),
                lossAndGradientBits(out, x -> new BCEWithLogitsLoss().apply(x, binary)), "BCEWithLogitsLoss");
        float[] labels = new float[9];
        float[] oneHot = new float[36];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = rng.nextInt(4);
            oneHot[i * 4 + (int) labels[i]] = 1f;
        }
        Tensor classes = Tensor.of(labels, 9);
        assertEquals(lossAndGradientBits(out, x -> x.logSoftmax(1).mul(Tensor.of(oneHot, 9, 4)).sum().neg().div(9f)),
                lossAndGradientBits(out, x -> new CrossEntropyLoss().apply(x, classes)), "CrossEntropyLoss");
    }

    @Test
    void theCorrectCountOfClassScores() {
        Tensor scores = Tensor.of(new float[] {0.2f, 0.5f, 0.5f, Float.NaN, 0.1f, 0.3f, 1.5f, 2.5f, 0.2f, -1, -0.5f, -2}, 4, 3);
        Tensor labels = Tensor.of(new float[] {1, 0, 1, 1}, 4);
        // ties go to the first, a NaN never beats the first score; clamped, [1, 1, 0.2] and [0, 0, 0] predict 0
        assertEquals(4f, scores.countCorrect(labels, false).item());
        assertEquals(2f, scores.countCorrect(labels, true).item());
        // one column: P(class 1), predicting 1 when p > 1 - p
        Tensor p = Tensor.of(new float[] {0.7f, 0.5f, 0.51f, Float.NaN}, 4, 1);
        assertEquals(2f, p.countCorrect(Tensor.of(new float[] {1, 0, 0, 1}, 4), false).item());
        // a label that names no class never counts (a cast would make NaN class 0 and 1.7 class 1), as the
        // backends' kernels count it (BackendAgreementTests)
        Tensor twoColumns = Tensor.of(new float[] {0.9f, 0.1f, 0.9f, 0.1f, 0.1f, 0.9f, 0.1f, 0.9f, 0.1f, 0.9f, 0.1f, 0.9f}, 6, 2);
        assertEquals(2f, twoColumns.countCorrect(Tensor.of(new float[] {Float.NaN, 0, 1.7f, 1, -3, 2}, 6), false).item());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> p.countCorrect(Tensor.zeros(3), false));
        assertEquals("count_correct: needs [rows, classes] scores and [rows] labels, got [4, 1] and [3]", e.getMessage());
    }

    @Test
    void aLossRefusesATargetThatNeedsAGradientOrDoesNotFit() {
        Tensor out = Tensor.zeros(2, 3);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> out.loss(LossOp.MSE, Tensor.zeros(2, 3).requiresGrad(true)));
        assertEquals("mse_loss: the target gets no gradient; detach() it", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> out.loss(LossOp.BCE_WITH_LOGITS, Tensor.zeros(5)));
        assertEquals("bce_with_logits_loss: output shape [2, 3] and target shape [5] do not fit", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(6).loss(LossOp.CROSS_ENTROPY, Tensor.zeros(6)));
        assertEquals("cross_entropy_loss: needs [rows, classes] logits, got [6]", e.getMessage());
    }

    @Test
    void regularizationValuesAndGradients() {
        Tensor w1 = Tensor.of(new float[] {1, -2}, 1, 2);
        Tensor w2 = Tensor.of(new float[] {3}, 1, 1);
        assertEquals(0.1f * 6, Regularization.penalty("L1", 0.1, List.of(w1, w2)).item(), 1e-6);
        assertEquals(0.1f * 0.5f * 14, Regularization.penalty("L2", 0.1, List.of(w1, w2)).item(), 1e-6);
        assertEquals(0f, Regularization.penalty("none", 0.1, List.of(w1, w2)).item());
        assertEquals(0f, Regularization.penalty("l2", 0, List.of(w1, w2)).item());
        check("L1", in -> Regularization.penalty("L1", 0.3, List.of(in[0], in[1])), awayFromZero(rng, 2, 3), awayFromZero(rng, 4));
        check("L2", in -> Regularization.penalty("L2", 0.3, List.of(in[0], in[1])), param(rng, -2, 2, 2, 3), param(rng, -2, 2, 4));
    }

    @Test
    void clearErrors() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new CrossEntropyLoss().apply(Tensor.zeros(2, 3), Tensor.of(new float[] {0, 3}, 2)));
        assertEquals("CrossEntropyLoss: label 3 at target[1] is not a class index: classes are 0..2", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> new CrossEntropyLoss().apply(Tensor.zeros(2, 3), Tensor.zeros(3)));
        assertTrue(e.getMessage().startsWith("CrossEntropyLoss: target must hold one class index per sample (2)"));
        e = assertThrows(IllegalArgumentException.class, () -> new MSELoss().apply(Tensor.zeros(2, 1), Tensor.zeros(3)));
        assertEquals("MSELoss: output shape [2, 1] and target shape [3] differ", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Regularization.penalty("L3", 0.1, List.of()));
        assertEquals("regularization.type must be none, L1 or L2, got \"L3\"", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Regularization.penalty("L1", -1, List.of()));
        assertEquals("regularization.rate must be a finite number >= 0, got -1.0", e.getMessage());
    }
}
