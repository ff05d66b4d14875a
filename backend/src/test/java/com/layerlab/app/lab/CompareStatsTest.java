package com.layerlab.app.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.layerlab.datasets.Features2D;
import com.layerlab.engine.tensor.Tensor;
import com.layerlab.engine.train.PointProbes;
import com.layerlab.engine.train.Trainer;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The compare page's statistics measured on real runs of the default comparison (4 hidden layers of 6). */
class CompareStatsTest {

    private static Trainer trained(CompareActivation a, int epochs) {
        Trainer run = new Trainer(CompareLinks.experimentFor(CompareLinks.DEFAULT_SETTINGS, a));
        for (int i = 0; i < epochs; i++) {
            run.trainEpoch();
        }
        return run;
    }

    @Test
    void aDeepSigmoidNetworkLosesItsGradientOnTheWayBack() {
        CompareStats sigmoid = CompareStats.measure(CompareActivation.SIGMOID, trained(CompareActivation.SIGMOID, 3));
        CompareStats tanh = CompareStats.measure(CompareActivation.TANH, trained(CompareActivation.TANH, 3));
        assertEquals(5, sigmoid.gradientNorms().length);
        double[] g = sigmoid.gradientNorms();
        for (int i = 0; i + 1 < g.length; i++) {
            assertTrue(g[i] < g[i + 1], "each layer back gets less: " + java.util.Arrays.toString(g));
        }
        assertTrue(sigmoid.gradientRatio() < 0.01, "sigmoid ratio " + sigmoid.gradientRatio());
        assertTrue(tanh.gradientRatio() > 10 * sigmoid.gradientRatio(), tanh.gradientRatio() + " vs " + sigmoid.gradientRatio());
        assertTrue(CompareCaptions.caption(CompareActivation.SIGMOID, sigmoid).live().contains("shrinks layer by layer"));
        assertTrue(sigmoid.meanActivation() > 0.2, "sigmoid outputs are all positive: mean " + sigmoid.meanActivation());
    }

    @Test
    void deadReluNeuronsAreThoseThatOutputZeroOnEveryTrainingPoint() {
        Trainer run = trained(CompareActivation.RELU, 2);
        CompareStats s = CompareStats.measure(CompareActivation.RELU, run);
        assertEquals(24, s.hiddenNeurons());
        // count them again straight from the model's layer outputs
        List<String> f = run.experiment().data().featuresOrDefault();
        int n = new PointProbes(run).trainPoints().size();
        List<Tensor> outs = Tensor.noGrad(() -> run.model().forwardAll(
                Tensor.of(Features2D.compute(f, new PointProbes(run).trainPoints()), n, f.size())));
        int dead = 0;
        for (int layer : List.of(1, 3, 5, 7)) {
            float[] d = outs.get(layer).toHost();
            for (int j = 0; j < 6; j++) {
                boolean any = false;
                for (int i = 0; i < n; i++) {
                    any |= d[i * 6 + j] != 0f;
                }
                dead += any ? 0 : 1;
            }
        }
        assertEquals(dead, s.deadNeurons());
        assertTrue(s.deadNeurons() > 0, "this seed's ReLU net starts with dead neurons");
    }

    @Test
    void beforeTrainingThereIsNoGradientRatio() {
        CompareStats s = CompareStats.measure(CompareActivation.TANH, trained(CompareActivation.TANH, 0));
        assertTrue(Double.isNaN(s.gradientRatio()));
        assertTrue(s.saturatedShare() >= 0 && s.saturatedShare() < 0.5);
    }
}
