package com.layerlab.engine.nn;

import com.layerlab.engine.tensor.Tensor;

import java.util.Arrays;
import java.util.Map;
import java.util.Random;

/** y = x W^T + b, as torch.nn.Linear; W is stored as [out, in]. */
public final class Linear extends Module {

    private final int inFeatures;
    private final int outFeatures;
    private final Tensor weight;
    private final Tensor bias;

    /**
     * PyTorch's default initialisation: weight and bias uniform in [-1/sqrt(in), 1/sqrt(in)) (what
     * kaiming_uniform_ with a = sqrt(5) amounts to), the weight drawn first in row-major order, then
     * the bias, all from {@code rng}.
     */
    public Linear(int inFeatures, int outFeatures, boolean bias, Random rng) {
        if (inFeatures <= 0) {
            throw new IllegalArgumentException("Linear: in_features must be a positive integer, got " + inFeatures);
        }
        if (outFeatures <= 0) {
            throw new IllegalArgumentException("Linear: out_features must be a positive integer, got " + outFeatures);
        }
        if ((long) inFeatures * outFeatures > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("Linear: in_features * out_features = " + (long) inFeatures * outFeatures
                    + " weights, more than one tensor can hold (" + Integer.MAX_VALUE + ")");
        }
        if (rng == null) {
            throw new IllegalArgumentException("Linear: the random number generator is null");
        }
        this.inFeatures = inFeatures;
        this.outFeatures = outFeatures;
        double bound = 1.0 / Math.sqrt(inFeatures);
        this.weight = Tensor.of(uniform(rng, outFeatures * inFeatures, bound), outFeatures, inFeatures).requiresGrad(true);
        this.bias = bias ? Tensor.of(uniform(rng, outFeatures, bound), outFeatures).requiresGrad(true) : null;
    }

    private static float[] uniform(Random rng, int n, double bound) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) ((rng.nextDouble() * 2.0 - 1.0) * bound);
        }
        return v;
    }

    public Tensor weight() {
        return weight;
    }

    /** The bias, or null when the layer has none. */
    public Tensor bias() {
        return bias;
    }

    public int inFeatures() {
        return inFeatures;
    }

    public int outFeatures() {
        return outFeatures;
    }

    /** x: [N, in] (or [in] for one sample) gives [N, out] (or [out]). */
    @Override
    public Tensor forward(Tensor x) {
        int[] shape = x.shape();
        if (shape.length == 0 || shape[shape.length - 1] != inFeatures) {
            throw new IllegalArgumentException(this + ": input of shape " + Arrays.toString(shape)
                    + " does not end in " + inFeatures + " features");
        }
        Tensor x2 = shape.length == 2 ? x : x.reshape(-1, inFeatures);
        Tensor y = x2.matmul(weight, false, true);
        if (bias != null) {
            y = y.add(bias);
        }
        if (shape.length == 2) {
            return y;
        }
        int[] outShape = shape.clone();
        outShape[outShape.length - 1] = outFeatures;
        return y.reshape(outShape);
    }

    @Override
    public Map<String, Tensor> stateDict() {
        return weightAndBias(weight, bias);
    }

    @Override
    public String toString() {
        return "Linear(in_features=" + inFeatures + ", out_features=" + outFeatures + ", bias=" + (bias != null) + ")";
    }
}
