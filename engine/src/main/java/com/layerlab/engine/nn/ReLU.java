package com.layerlab.engine.nn;

import com.layerlab.engine.tensor.Tensor;

/** Element-wise relu, as torch.nn.ReLU. */
public final class ReLU extends Module {

    @Override
    public Tensor forward(Tensor x) {
        return x.relu();
    }

    @Override
    public String toString() {
        return "ReLU()";
    }
}
