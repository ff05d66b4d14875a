package com.layerlab.engine.nn;

import com.layerlab.engine.tensor.Tensor;

import java.util.Random;

/**
 * Dropout, as torch.nn.Dropout: in training mode every element is zeroed with probability p and the
 * rest are scaled by 1/(1-p), so the expected value is unchanged; in evaluation mode the input passes
 * through. The masks come from the given generator, so a seeded model drops the same elements on
 * every run.
 */
public final class Dropout extends Module {

    private final double p;
    private final Random rng;

    public Dropout(double p, Random rng) {
        if (!(p >= 0 && p <= 1)) {
            throw new IllegalArgumentException("Dropout: p must be a probability between 0 and 1, got " + p);
        }
        if (rng == null) {
            throw new IllegalArgumentException("Dropout: the random number generator is null");
        }
        this.p = p;
        this.rng = rng;
    }

    public double p() {
        return p;
    }

    @Override
    public Tensor forward(Tensor x) {
        if (!isTraining() || p == 0) {
            return x;
        }
        float scale = p == 1 ? 0f : (float) (1.0 / (1.0 - p));
        float[] mask = new float[x.numel()];
        for (int i = 0; i < mask.length; i++) {
            mask[i] = rng.nextDouble() >= p ? scale : 0f;
        }
        return x.mul(Tensor.of(x.device(), mask, x.shape()));
    }

    @Override
    public String toString() {
        return "Dropout(p=" + p + ")";
    }
}
