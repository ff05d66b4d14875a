package com.layerlab.engine.nn;

import com.layerlab.engine.tensor.Tensor;

import java.util.Arrays;

/** softmax along one axis of the batched tensor (negative counts from the end), as torch.nn.Softmax(dim). */
public final class Softmax extends Module {

    private final int dim;

    public Softmax(int dim) {
        this.dim = dim;
    }

    public int dim() {
        return dim;
    }

    @Override
    public Tensor forward(Tensor x) {
        int rank = x.dim();
        if (dim < -rank || dim >= rank) {
            throw new IllegalArgumentException(this + ": input of shape " + Arrays.toString(x.shape()) + " has no axis " + dim);
        }
        return x.softmax(dim);
    }

    @Override
    public String toString() {
        return "Softmax(dim=" + dim + ")";
    }
}
