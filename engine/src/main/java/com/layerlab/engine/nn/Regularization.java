package com.layerlab.engine.nn;

import com.layerlab.engine.tensor.Tensor;

import java.util.List;
import java.util.Locale;

/**
 * The penalty TensorFlow Playground adds to the loss: L1 = rate * sum |w|, L2 = rate * 0.5 * sum w^2,
 * over the weights passed (the caller passes weights only, not biases).
 */
public final class Regularization {

    private Regularization() {
    }

    /** {@code type} is none, L1 or L2 (any case); the result is a scalar tensor to add to the loss. */
    public static Tensor penalty(String type, double rate, List<Tensor> weights) {
        String t = type == null ? "" : type.trim().toUpperCase(Locale.ROOT);
        if (!t.equals("NONE") && !t.equals("L1") && !t.equals("L2")) {
            throw new IllegalArgumentException("regularization.type must be none, L1 or L2, got \"" + type + "\"");
        }
        if (!(rate >= 0) || Double.isInfinite(rate)) {
            throw new IllegalArgumentException("regularization.rate must be a finite number >= 0, got " + rate);
        }
        if (weights == null || weights.isEmpty()) {
            return Tensor.scalar(0f);
        }
        if (t.equals("NONE") || rate == 0) {
            return Tensor.scalar(weights.get(0).device(), 0f);
        }
        Tensor total = null;
        for (Tensor w : weights) {
            Tensor term = t.equals("L1") ? w.abs().sum() : w.square().sum();
            total = total == null ? term : total.add(term);
        }
        return total.mul((float) (t.equals("L1") ? rate : 0.5 * rate));
    }
}
