package com.layerlab.app.lab;

import com.layerlab.datasets.Features2D;
import com.layerlab.datasets.Points2D;
import com.layerlab.engine.experiment.LayerSpec;
import com.layerlab.engine.tensor.Tensor;
import com.layerlab.engine.train.PointProbes;
import com.layerlab.engine.train.Trainer;
import java.util.ArrayList;
import java.util.List;

/**
 * What one activation's run looks like inside, measured on the training data: the numbers behind the
 * captions of the compare page.
 *
 * @param hiddenNeurons  neurons in all hidden activation layers together
 * @param deadNeurons    hidden neurons whose output is never positive on any training point (for ReLU:
 *                       always 0, so no gradient reaches their weights: "dead")
 * @param saturatedShare share of hidden outputs (points x neurons) in the flat tails, where the slope is
 *                       under 6 % of its peak: |a| > 0.97 for Tanh, |2a - 1| > 0.97 for Sigmoid (the same
 *                       curve, scaled); 0 for activations without tails
 * @param meanActivation mean of all hidden outputs: near 0 means zero-centred
 * @param gradientNorms  mean |dL/dW| per Linear layer, first to last, over the last epoch (empty before one)
 */
public record CompareStats(int hiddenNeurons, int deadNeurons, double saturatedShare, double meanActivation,
                           double[] gradientNorms) {

    /** The tail threshold: tanh'(z) = 1 - a^2 is below 0.06 of its peak past |a| = 0.97. */
    static final double SATURATION = 0.97;

    /**
     * Measures a run as it is now: its hidden activation layers on every training point, and the gradient
     * sizes of its last epoch. Call it from the thread that trains the run (it is not thread-safe).
     */
    public static CompareStats measure(CompareActivation activation, Trainer run) {
        List<String> features = run.experiment().data().featuresOrDefault();
        Points2D train = new PointProbes(run).trainPoints();
        int n = train.size();
        float[] x = Features2D.compute(features, train);
        List<Integer> hidden = hiddenActivationLayers(run.experiment().model());
        List<float[]> outputs = n == 0 ? List.of() : Tensor.noGrad(() -> {
            List<Tensor> all = run.model().forwardAll(Tensor.of(run.device(), x, n, features.size()));
            List<float[]> picked = new ArrayList<>();
            for (int i : hidden) {
                picked.add(all.get(i).toHost());
            }
            return picked;
        });
        return measure(activation, outputs, n, run.stepProbe().gradientNorms());
    }

    /** Indices of the activation layers before the last Linear layer: the hidden ones, not the output's. */
    static List<Integer> hiddenActivationLayers(List<LayerSpec> model) {
        int lastLinear = -1;
        for (int i = 0; i < model.size(); i++) {
            if ("Linear".equals(model.get(i).type())) {
                lastLinear = i;
            }
        }
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < lastLinear; i++) {
            if (CompareActivation.isActivation(model.get(i).type())) {
                out.add(i);
            }
        }
        return out;
    }

    /**
     * Measures hidden outputs.
     *
     * @param activation    which activation produced them (decides what counts as saturated)
     * @param layerOutputs  per hidden activation layer, row-major {@code [samples, width]}
     * @param samples       number of training points the outputs are for
     * @param gradientNorms per Linear layer, as {@code StepProbe.gradientNorms()} gives them
     */
    public static CompareStats measure(CompareActivation activation, List<float[]> layerOutputs, int samples,
                                       double[] gradientNorms) {
        int neurons = 0;
        int dead = 0;
        long saturated = 0;
        long count = 0;
        double sum = 0;
        for (float[] out : layerOutputs) {
            if (samples == 0) {
                break;
            }
            int width = out.length / samples;
            neurons += width;
            for (int j = 0; j < width; j++) {
                boolean everPositive = false;
                for (int i = 0; i < samples; i++) {
                    float a = out[i * width + j];
                    everPositive |= a > 0;
                    sum += a;
                    if (isSaturated(activation, a)) {
                        saturated++;
                    }
                }
                if (!everPositive) {
                    dead++;
                }
            }
            count += (long) width * samples;
        }
        return new CompareStats(neurons, dead, count == 0 ? 0 : (double) saturated / count,
                count == 0 ? 0 : sum / count, gradientNorms == null ? new double[0] : gradientNorms.clone());
    }

    private static boolean isSaturated(CompareActivation activation, float a) {
        return switch (activation) {
            case TANH -> Math.abs(a) > SATURATION;
            case SIGMOID -> Math.abs(2 * a - 1) > SATURATION;
            default -> false;
        };
    }

    /**
     * Gradient size of the first Linear layer over that of the last: well under 1 when the gradient
     * vanishes on its way back to the input; NaN when there is no trained epoch or a single layer.
     */
    public double gradientRatio() {
        if (gradientNorms.length < 2) {
            return Double.NaN;
        }
        double first = gradientNorms[0];
        double last = gradientNorms[gradientNorms.length - 1];
        if (!(last > 0) || !Double.isFinite(first) || !Double.isFinite(last)) {
            return Double.NaN;
        }
        return first / last;
    }
}
