package com.layerlab.engine.nn;

import com.layerlab.engine.tensor.Tensor;

/** x for x &gt; 0, else negativeSlope * x, as torch.nn.LeakyReLU (default slope 0.01). */
public final class LeakyReLU extends Module {

    public static final float DEFAULT_NEGATIVE_SLOPE = 0.01f;

    private final float negativeSlope;

    public LeakyReLU() {
        this(DEFAULT_NEGATIVE_SLOPE);
    }

    public LeakyReLU(float negativeSlope) {
        if (!Float.isFinite(negativeSlope)) {
            throw new IllegalArgumentException("LeakyReLU: negative_slope must be a finite number, got " + negativeSlope);
        }
        this.negativeSlope = negativeSlope;
    }

    public float negativeSlope() {
        return negativeSlope;
    }

    @Override
    public Tensor forward(Tensor x) {
        return x.leakyRelu(negativeSlope);
    }

    @Override
    public String toString() {
        return "LeakyReLU(negative_slope=" + negativeSlope + ")";
    }
}
