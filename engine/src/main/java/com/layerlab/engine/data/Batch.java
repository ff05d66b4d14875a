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

    /** The labels as a {@code [B, 1]} column (targets of a one-output model: MSELoss, BCEWithLogitsLoss). */
    public Tensor yColumn() {
        return Tensor.of(y.device(), y.toHost(), indices.length, 1);
    }

    /** The labels one-hot, {@code [B, classes]} (MSELoss on several classes). */
    public Tensor yOneHot(int classes) {
        float[] labels = y.toHost();
        float[] out = new float[labels.length * classes];
        for (int i = 0; i < labels.length; i++) {
            int c = (int) labels[i];
            if (c < 0 || c >= classes || c != labels[i]) {
                throw new IllegalArgumentException("label " + labels[i] + " of sample " + indices[i] + " is not a class "
                        + "index below " + classes);
            }
            out[i * classes + c] = 1f;
        }
        return Tensor.of(y.device(), out, labels.length, classes);
    }
}
