package com.layerlab.engine.train;

import com.layerlab.engine.data.Batch;
import com.layerlab.engine.experiment.Experiment;
import com.layerlab.engine.experiment.LossSpec;
import com.layerlab.engine.nn.Module;
import com.layerlab.engine.nn.Sequential;
import com.layerlab.engine.nn.Sigmoid;
import com.layerlab.engine.tensor.Tensor;
import java.util.Arrays;
import java.util.List;

/**
 * What a model's output means for its task: the loss's targets for a batch, and the output read as
 * probabilities for display and accuracy. One place, so that training, evaluation and the probes agree.
 */
final class Head {

    private enum Kind { REGRESSION, BINARY, MULTI }

    private final Kind kind;
    private final int classes;
    private final boolean crossEntropy;
    private final boolean clamp;

    /** {@code classes}: of the data set, 0 for regression. */
    Head(Experiment e, int classes, Sequential model) {
        String loss = e.loss().type();
        this.classes = classes;
        this.crossEntropy = loss.equals(LossSpec.CROSS_ENTROPY);
        this.kind = classes == 0 ? Kind.REGRESSION : classes == 2 && !crossEntropy ? Kind.BINARY : Kind.MULTI;
        List<Module> layers = model.layers();
        // an output already squashed by a final Sigmoid, or trained by MSELoss against 0/1 targets, is not a logit
        this.clamp = loss.equals(LossSpec.MSE) || layers.get(layers.size() - 1) instanceof Sigmoid;
    }

    boolean isRegression() {
        return kind == Kind.REGRESSION;
    }

    /** Class indices for CrossEntropyLoss, one-hot for MSELoss on K classes, a 0/1 or real column for one output. */
    Tensor target(Batch b) {
        if (crossEntropy) {
            return b.y();
        }
        return kind == Kind.MULTI ? b.yOneHot(classes) : b.yColumn();
    }

    /**
     * What the output means for display: regression values as they are; classification as probabilities
     * (sigmoid of a logit, softmax of logits; an output that is no logit is clamped into [0, 1]).
     */
    Tensor probabilities(Tensor out) {
        if (kind == Kind.REGRESSION || !clamp) {
            return scores(out);
        }
        float[] v = out.toHost();
        for (int i = 0; i < v.length; i++) {
            v[i] = Math.max(0f, Math.min(1f, v[i]));
        }
        return Tensor.of(out.device(), v, out.shape());
    }

    /** The probabilities before the clamp of an output that is no logit (which {@link #correct} clamps on the device). */
    private Tensor scores(Tensor out) {
        if (kind == Kind.REGRESSION || clamp) {
            return out;
        }
        return kind == Kind.BINARY ? out.sigmoid() : out.softmax(1);
    }

    /**
     * Per row of a classification output, one probability per class: {@link #probabilities}, with a
     * binary model's single P(class 1) as the pair {@code [1 - p, p]} (so that the arg max agrees with
     * the {@code p > 0.5} rule).
     */
    float[][] classProbabilities(Tensor out) {
        float[] p = probabilities(out).toHost();
        int n = out.size(0);
        float[][] rows = new float[n][];
        for (int i = 0; i < n; i++) {
            rows[i] = kind == Kind.BINARY ? new float[] {1 - p[i], p[i]}
                    : Arrays.copyOfRange(p, i * classes, (i + 1) * classes);
        }
        return rows;
    }

    /**
     * How many rows of a classification output predict their label ({@code labels}: [rows] class indices,
     * on the output's device), by the rule of {@link #classProbabilities} and {@link #argmax}, counted on
     * the device: one number comes to the host.
     */
    int correct(Tensor out, Tensor labels) {
        return (int) scores(out).countCorrect(labels, clamp).item();
    }

    /** The first index of the largest value. */
    static int argmax(float[] p) {
        int best = 0;
        for (int k = 1; k < p.length; k++) {
            if (p[k] > p[best]) {
                best = k;
            }
        }
        return best;
    }
}
