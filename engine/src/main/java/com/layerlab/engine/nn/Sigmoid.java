package com.layerlab.engine.nn;

import com.layerlab.engine.tensor.Tensor;

/** Element-wise sigmoid, as torch.nn.Sigmoid. */
public final class Sigmoid extends Module {

    @Override
    public Tensor forward(Tensor x) {
        return x.sigmoid();
    }

    @Override
    public String toString() {
        return "Sigmoid()";
    }
}
