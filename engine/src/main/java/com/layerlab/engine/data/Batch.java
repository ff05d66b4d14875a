package com.layerlab.engine.data;

import com.layerlab.engine.tensor.Device;
import com.layerlab.engine.tensor.Tensor;

/**
 * One batch from a {@link DataLoader}: the inputs stacked along a new first axis ({@code [B, ...]}), the
 * labels as {@code [B]} floats (class indices for {@code CrossEntropyLoss}), and which samples they are.
 *
 * @param indices the data set indices of the samples, in batch order
 */
public record Batch(Tensor x, Tensor y, int[] indices) {

    /** This batch on {@code device} (the inputs and labels copied there unless they are on it already). */
    public Batch to(Device device) {
        return new Batch(x.to(device), y.to(device), indices);
    }

    public int size() {
        return indices.length;
    }

    /** The labels as a {@code [B, 1]} column (targets of a one-output model: MSELoss, BCEWithLogitsLoss); shares y. */
    public Tensor yColumn() {
        return y.reshape(indices.length, 1);
    }

    /**
     * The labels one-hot, {@code [B, classes]} (MSELoss on several classes), made on the labels' device:
     * a label that is no class index below {@code classes} gives a row of zeros.
     */
    public Tensor yOneHot(int classes) {
        float[] index = new float[classes];
        for (int c = 0; c < classes; c++) {
            index[c] = c;
        }
        return y.reshape(indices.length, 1).eq(Tensor.of(y.device(), index, classes));
    }
}
