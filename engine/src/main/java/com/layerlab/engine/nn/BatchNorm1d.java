package com.layerlab.engine.nn;

import java.util.Arrays;

/** Batch normalisation of [N, C] or [N, C, L] inputs per channel C, as torch.nn.BatchNorm1d; see {@link BatchNorm}. */
public final class BatchNorm1d extends BatchNorm {

    public BatchNorm1d(int numFeatures, double eps, double momentum) {
        super("BatchNorm1d", numFeatures, eps, momentum);
    }

    @Override
    void checkRank(int[] shape) {
        if (shape.length != 2 && shape.length != 3) {
            throw new IllegalArgumentException(this + ": expects input [N, C] or [N, C, L], got " + Arrays.toString(shape));
        }
    }
}
