package com.layerlab.engine.nn;

import com.layerlab.engine.tensor.Tensor;

import java.util.Arrays;

/** Checks shared by the element-wise losses. */
final class Losses {

    private Losses() {
    }

    /**
     * The target in the output's shape. A target with the same number of elements but another shape
     * ([N] against [N, 1]) is reshaped, where PyTorch would silently broadcast to [N, N].
     */
    static Tensor sameShapeTarget(String loss, Tensor output, Tensor target) {
        if (Arrays.equals(output.shape(), target.shape())) {
            return target;
        }
        if (output.numel() == target.numel()) {
            return target.reshape(output.shape());
        }
        throw new IllegalArgumentException(loss + ": output shape " + Arrays.toString(output.shape())
                + " and target shape " + Arrays.toString(target.shape()) + " differ");
    }
}
