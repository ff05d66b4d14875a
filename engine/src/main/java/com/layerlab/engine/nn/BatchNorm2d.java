package com.layerlab.engine.nn;

import java.util.Arrays;

/** Batch normalisation of [N, C, H, W] inputs per channel C, as torch.nn.BatchNorm2d; see {@link BatchNorm}. */
public final class BatchNorm2d extends BatchNorm {

    public BatchNorm2d(int numFeatures, double eps, double momentum) {
        super("BatchNorm2d", numFeatures, eps, momentum);
    }

    @Override
    void checkRank(int[] shape) {
        if (shape.length != 4) {
            throw new IllegalArgumentException(this + ": expects input [N, C, H, W], got " + Arrays.toString(shape));
        }
    }
}
