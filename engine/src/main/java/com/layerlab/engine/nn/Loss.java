package com.layerlab.engine.nn;

import com.layerlab.engine.tensor.Tensor;

/** A loss function: the network's output and the target give a scalar to minimise. */
public interface Loss {
    Tensor apply(Tensor output, Tensor target);
}
