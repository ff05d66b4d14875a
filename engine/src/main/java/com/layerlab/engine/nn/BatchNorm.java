package com.layerlab.engine.nn;

import com.layerlab.engine.tensor.Tensor;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@link BatchNorm1d} and {@link BatchNorm2d} share (PyTorch's _BatchNorm with affine=True and
 * track_running_stats=True). Per channel (axis 1): in training mode the batch's mean and biased
 * variance normalise the input, and the running statistics move towards the batch's by
 * {@code momentum}, the variance's unbiased; in evaluation mode the running statistics normalise.
 * Then {@code y = x_hat * weight + bias}, weight starting at 1 and bias at 0.
 *
 * <p>The running statistics are buffers: in {@link #stateDict()} under PyTorch's names
 * ({@code running_mean}, {@code running_var}, {@code num_batches_tracked}), not in {@link #parameters()}.
 * {@code num_batches_tracked} is a float32 scalar here (an int64 one in PyTorch; load_state_dict converts).
 */
public abstract class BatchNorm extends Module {

    private final String name;
    private final int numFeatures;
    private final double eps;
    private final double momentum;
    private final Tensor weight;
    private final Tensor bias;
    private final Tensor runningMean;
    private final Tensor runningVar;
    private final Tensor numBatchesTracked;

    BatchNorm(String name, int numFeatures, double eps, double momentum) {
        this.name = name;
        if (numFeatures <= 0) {
            throw new IllegalArgumentException(name + ": num_features must be a positive integer, got " + numFeatures);
        }
        if (!(eps > 0) || Double.isInfinite(eps)) {
            throw new IllegalArgumentException(name + ": eps must be a positive number, got " + eps);
        }
        if (!(momentum >= 0 && momentum <= 1)) {
            throw new IllegalArgumentException(name + ": momentum must be a number between 0 and 1, got " + momentum);
        }
        this.numFeatures = numFeatures;
        this.eps = eps;
        this.momentum = momentum;
        this.weight = Tensor.ones(numFeatures).requiresGrad(true);
        this.bias = Tensor.zeros(numFeatures).requiresGrad(true);
        this.runningMean = Tensor.zeros(numFeatures);
        this.runningVar = Tensor.ones(numFeatures);
        this.numBatchesTracked = Tensor.scalar(0f);
    }

    /** Throws when the input's rank does not suit the layer. */
    abstract void checkRank(int[] shape);

    @Override
    public Tensor forward(Tensor x) {
        int[] shape = x.shape();
        checkRank(shape);
        if (shape[1] != numFeatures) {
            throw new IllegalArgumentException(this + ": input of shape " + Arrays.toString(shape) + " has " + shape[1]
                    + " channels, expected " + numFeatures);
        }
        int n = shape[0];
        int c = numFeatures;
        int rest = n == 0 ? 0 : x.numel() / (n * c);
        int count = n * rest;
        Tensor x3 = x.reshape(n, c, rest);
        if (isTraining()) {
            if (count <= 1) {
                throw new IllegalArgumentException(this + ": training needs more than 1 value per channel, got input of shape "
                        + Arrays.toString(shape));
            }
            Tensor mean = x3.sum(2, true).sum(0, true).div((float) count);
            Tensor centred = x3.sub(mean);
            Tensor var = centred.square().sum(2, true).sum(0, true).div((float) count);
            Tensor y = affine(centred.div(var.add((float) eps).sqrt()), shape);
            // after the affine part, whose operations refuse an input on another device than the layer's
            float unbias = (float) count / (count - 1);
            x.device().backend().batchNormRunningStats(runningMean.storage(), runningVar.storage(),
                    numBatchesTracked.storage(), mean.storage(), var.storage(), c, (float) momentum, unbias);
            return y;
        }
        // detached: the running statistics are buffers, updated in place by later training steps
        Tensor std = runningVar.detach().add((float) eps).sqrt();
        return affine(x3.sub(runningMean.detach().reshape(1, c, 1)).div(std.reshape(1, c, 1)), shape);
    }

    /** y = x_hat * weight + bias, per channel, in the input's shape. */
    private Tensor affine(Tensor normalised, int[] shape) {
        int c = numFeatures;
        return normalised.mul(weight.reshape(1, c, 1)).add(bias.reshape(1, c, 1)).reshape(shape);
    }

    public int numFeatures() {
        return numFeatures;
    }

    public double eps() {
        return eps;
    }

    public double momentum() {
        return momentum;
    }

    public Tensor weight() {
        return weight;
    }

    public Tensor bias() {
        return bias;
    }

    public Tensor runningMean() {
        return runningMean;
    }

    public Tensor runningVar() {
        return runningVar;
    }

    public Tensor numBatchesTracked() {
        return numBatchesTracked;
    }

    @Override
    public Map<String, Tensor> stateDict() {
        Map<String, Tensor> state = new LinkedHashMap<>();
        state.put("weight", weight);
        state.put("bias", bias);
        state.put("running_mean", runningMean);
        state.put("running_var", runningVar);
        state.put("num_batches_tracked", numBatchesTracked);
        return state;
    }

    @Override
    public List<Tensor> parameters() {
        return List.of(weight, bias);
    }

    @Override
    public String toString() {
        return name + "(" + numFeatures + ", eps=" + eps + ", momentum=" + momentum + ", affine=True, track_running_stats=True)";
    }
}
