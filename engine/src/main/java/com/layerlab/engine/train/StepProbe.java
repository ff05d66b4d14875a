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
 *
 * <p>The gradient sizes cost one reduction per layer and step. The step reports cost more (a copy of
 * every weight and three more passes over it per step), so a run that reads none, as the {@code train}
 * command, turns them off ({@link Trainer#reportSteps(boolean)}).
 */
public final class StepProbe {

    private final List<Tensor> weights = new ArrayList<>();
    private final List<String> layers = new ArrayList<>();
    /** Each layer's weight before the current step (a copy on the run's device), to measure what the step changed. */
    private final Tensor[] before;
    private final double[] gradientSums;
    private volatile double[] gradientNorms;
    private int stepsInEpoch;
    private double[] gradient;
    private volatile StepReport lastStep;
    private boolean reporting = true;

    StepProbe(Sequential model, ModelSummary summary) {
        List<Module> modules = model.layers();
        for (int i = 0; i < modules.size(); i++) {
            List<Tensor> params = modules.get(i).parameters();
            if (!params.isEmpty()) {
                Tensor w = params.get(0);
                weights.add(w);
                layers.add(i + " " + summary.layers().get(i).type());
            }
        }
        before = new Tensor[weights.size()];
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

    /**
     * What the latest training step did to each layer's weights; null before the first step and while step
     * reports are off.
     */
    public StepReport lastStep() {
        return lastStep;
    }

    void reporting(boolean on) {
        reporting = on;
        if (!on) {
            lastStep = null;
        }
    }

    /**
     * After the backward pass, before the update: the gradients, and (when reporting) the weights to
     * compare with. The sums run on the weights' device; only one number per layer comes to the host.
     */
    void beforeUpdate() {
        gradient = new double[weights.size()];
        try (Tensor.NoGrad g = Tensor.noGradScope()) {
            for (int j = 0; j < weights.size(); j++) {
                Tensor w = weights.get(j);
                gradient[j] = meanAbs(w.grad());
                gradientSums[j] += gradient[j];
                if (!reporting) {
                    continue;
                }
                // times one: a copy on the device, bit for bit
                before[j] = w.detach().mul(1f);
            }
        }
        stepsInEpoch++;
    }

    /** After the update: the step's report, when reporting. */
    void afterUpdate(int epoch, int batch, double loss) {
        if (!reporting) {
            return;
        }
        int k = weights.size();
        double[] update = new double[k];
        double[] weight = new double[k];
        try (Tensor.NoGrad g = Tensor.noGradScope()) {
            for (int j = 0; j < k; j++) {
                Tensor after = weights.get(j).detach();
                update[j] = meanAbs(after.sub(before[j]));
                weight[j] = meanAbs(after);
                before[j] = null;
            }
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

    /** The mean |element| of t (0 for none), summed on t's device. */
    private static double meanAbs(Tensor t) {
        if (t == null) {
            return 0;
        }
        return (double) t.abs().sum().item() / t.numel();
    }
}
