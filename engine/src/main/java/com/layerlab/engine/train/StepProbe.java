package com.layerlab.engine.train;

import com.layerlab.engine.experiment.ModelSummary;
import com.layerlab.engine.nn.Module;
import com.layerlab.engine.nn.Sequential;
import com.layerlab.engine.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * The step table: what each training step did to the weights of every layer with parameters (its
 * {@link StepReport}), and the gradient sizes averaged over the last epoch. The {@link Trainer} feeds it
 * around every optimizer step, as it must see the weights before and after the update; pages and the
 * run log read it ({@link Trainer#stepProbe()}).
 */
public final class StepProbe {

    private final List<Tensor> weights = new ArrayList<>();
    private final List<String> layers = new ArrayList<>();
    /** Each layer's weight before the current step, to measure what the step changed. */
    private final List<float[]> before = new ArrayList<>();
    private final double[] gradientSums;
    private volatile double[] gradientNorms;
    private int stepsInEpoch;
    private double[] gradient;
    private volatile StepReport lastStep;

    StepProbe(Sequential model, ModelSummary summary) {
        List<Module> modules = model.layers();
        for (int i = 0; i < modules.size(); i++) {
            List<Tensor> params = modules.get(i).parameters();
            if (!params.isEmpty()) {
                Tensor w = params.get(0);
                weights.add(w);
                layers.add(i + " " + summary.layers().get(i).type());
                before.add(new float[w.numel()]);
            }
        }
        gradientSums = new double[weights.size()];
        gradientNorms = new double[weights.size()];
    }

    /** The layers reported on, as "index type": "0 Conv2d", "3 Linear". */
    public List<String> layers() {
        return List.copyOf(layers);
    }

    /**
     * Per layer of {@link #layers()} (for the playground's networks, per Linear layer): the mean |dL/dW| of
     * its weight over the last completed epoch's steps (zeros before the first epoch ends).
     */
    public double[] gradientNorms() {
        return gradientNorms.clone();
    }

    /** What the latest training step did to each layer's weights; null before the first step. */
    public StepReport lastStep() {
        return lastStep;
    }

    /** After the backward pass, before the update: the gradients, and the weights to compare with. */
    void beforeUpdate() {
        gradient = new double[weights.size()];
        for (int j = 0; j < weights.size(); j++) {
            Tensor w = weights.get(j);
            gradient[j] = meanAbs(w.grad());
            gradientSums[j] += gradient[j];
            w.storage().copyToHost(0, before.get(j), 0, w.numel());
        }
        stepsInEpoch++;
    }

    /** After the update: the step's report. */
    void afterUpdate(int epoch, int batch, double loss) {
        int k = weights.size();
        double[] update = new double[k];
        double[] weight = new double[k];
        for (int j = 0; j < k; j++) {
            float[] after = weights.get(j).toHost();
            float[] was = before.get(j);
            double du = 0;
            double sw = 0;
            for (int i = 0; i < after.length; i++) {
                du += Math.abs(after[i] - was[i]);
                sw += Math.abs(after[i]);
            }
            update[j] = du / after.length;
            weight[j] = sw / after.length;
        }
        lastStep = new StepReport(epoch, batch, loss, layers, gradient, update, weight);
    }

    /** At an epoch's end: its mean gradient sizes become {@link #gradientNorms()}. */
    void endEpoch() {
        double[] norms = new double[gradientSums.length];
        for (int j = 0; j < norms.length; j++) {
            norms[j] = stepsInEpoch == 0 ? 0 : gradientSums[j] / stepsInEpoch;
            gradientSums[j] = 0;
        }
        gradientNorms = norms;
        stepsInEpoch = 0;
    }

    private static double meanAbs(Tensor g) {
        if (g == null) {
            return 0;
        }
        double s = 0;
        for (float v : g.toHost()) {
            s += Math.abs(v);
        }
        return s / g.numel();
    }
}
