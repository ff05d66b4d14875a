package com.layerlab.engine.train;

import java.util.List;

/**
 * What one gradient-descent step did, per layer with weights: the mean |dL/dW| the backward pass
 * found, the mean |W_after - W_before| the optimizer applied, and the mean |W| after the step. The
 * update divided by the weight is the learning rate's effect a learner can read (about 1e-3 is healthy;
 * 1e-1 and more blows up, 1e-6 and less barely learns).
 *
 * @param epoch  the epoch the step belongs to, from 1
 * @param batch  the batch within that epoch, from 1
 * @param loss   the batch's data loss before the step
 * @param layers the layers, as "index type" ({@link StepProbe#layers()})
 */
public record StepReport(int epoch, int batch, double loss, List<String> layers, double[] gradient, double[] update,
                         double[] weight) {

    public StepReport {
        layers = List.copyOf(layers);
        gradient = gradient.clone();
        update = update.clone();
        weight = weight.clone();
    }

    /** Mean |update| over mean |weight| of layer {@code i}; 0 where the weights are all zero. */
    public double relativeUpdate(int i) {
        return weight[i] == 0 ? 0 : update[i] / weight[i];
    }
}
