package com.layerlab.engine.nn;

import com.layerlab.engine.tensor.Tensor;

/** Passes its input through unchanged, as torch.nn.Identity. */
public final class Identity extends Module {

    @Override
    public Tensor forward(Tensor x) {
        return x;
    }

    @Override
    public String toString() {
        return "Identity()";
    }
}
