package com.layerlab.engine.nn;

import com.layerlab.engine.tensor.Tensor;

/** Element-wise tanh, as torch.nn.Tanh. */
public final class Tanh extends Module {

    @Override
    public Tensor forward(Tensor x) {
        return x.tanh();
    }

    @Override
    public String toString() {
        return "Tanh()";
    }
}
