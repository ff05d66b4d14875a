package com.layerlab.engine.nn;

import com.layerlab.engine.tensor.Backend.LossOp;
import com.layerlab.engine.tensor.Tensor;

/** Mean of (output - target)^2, as torch.nn.MSELoss(): one primitive of the output's backend. */
public final class MSELoss implements Loss {

    @Override
    public Tensor apply(Tensor output, Tensor target) {
        Tensor t = Losses.sameShapeTarget("MSELoss", output, target);
        return output.loss(LossOp.MSE, t);
    }

    @Override
    public String toString() {
        return "MSELoss()";
    }
}
