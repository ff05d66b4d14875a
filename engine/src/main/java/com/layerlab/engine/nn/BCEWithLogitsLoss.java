package com.layerlab.engine.nn;

import com.layerlab.engine.tensor.Backend.LossOp;
import com.layerlab.engine.tensor.Tensor;

/**
 * Binary cross-entropy on logits, as torch.nn.BCEWithLogitsLoss(): the mean of
 * softplus(x) - t*x, which equals -[t log sigmoid(x) + (1-t) log(1 - sigmoid(x))] but never
 * overflows, and whose gradient is exactly sigmoid(x) - t (per element, before the mean). One primitive
 * of the output's backend.
 */
public final class BCEWithLogitsLoss implements Loss {

    @Override
    public Tensor apply(Tensor output, Tensor target) {
        Tensor t = Losses.sameShapeTarget("BCEWithLogitsLoss", output, target);
        return output.loss(LossOp.BCE_WITH_LOGITS, t);
    }

    @Override
    public String toString() {
        return "BCEWithLogitsLoss()";
    }
}
