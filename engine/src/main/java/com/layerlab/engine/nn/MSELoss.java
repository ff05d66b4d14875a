package com.layerlab.engine.nn;

import com.layerlab.engine.tensor.Tensor;

/** Mean of (output - target)^2, as torch.nn.MSELoss(). */
public final class MSELoss implements Loss {

    @Override
    public Tensor apply(Tensor output, Tensor target) {
        Tensor t = Losses.sameShapeTarget("MSELoss", output, target);
        return output.sub(t).square().mean();
    }

    @Override
    public String toString() {
        return "MSELoss()";
    }
}
