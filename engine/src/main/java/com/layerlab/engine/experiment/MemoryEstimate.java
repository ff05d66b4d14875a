package com.layerlab.engine.experiment;

import java.util.Locale;

/**
 * What training a model takes in memory, estimated from its shapes before anything is allocated
 * ({@link Models#memoryEstimate}), in bytes of float32 values.
 *
 * @param batch           the training batch size
 * @param evalBatch       the batch size the model is evaluated in, without gradients
 * @param activationBytes one training batch: the input and every layer's output, all kept for the backward
 *                        pass, and as much again for their gradients
 * @param evaluationBytes one evaluation batch: the largest input and output of a layer (nothing is kept)
 * @param stateBytes      the weights, their gradients and the optimizer's state (momentum, Adam's moments)
 * @param biggest         the layer with the largest output
 * @param biggestValues   the values of that output for one sample
 */
public record MemoryEstimate(int batch, int evalBatch, long activationBytes, long evaluationBytes, long stateBytes,
                             LayerInfo biggest, long biggestValues) {

    /** The estimate: a training batch or an evaluation batch, whichever needs more, plus the state. */
    public long bytes() {
        return Math.max(activationBytes, evaluationBytes) + stateBytes;
    }

    /**
     * The estimate in words, naming the biggest layer: "about 3.1 GiB for a training batch of 64; the
     * biggest layer, model[0] (Conv2d) with output [6000, 32, 32], takes 1.5 GiB of it (its outputs and
     * their gradients)".
     */
    public String describe() {
        boolean training = activationBytes >= evaluationBytes;
        long biggestBytes = training ? 2 * 4 * biggestValues * batch : 4 * biggestValues * evalBatch;
        return "about " + size(bytes()) + (training ? " for a training batch of " + batch
                : ", most of it to evaluate in batches of " + evalBatch) + "; the biggest layer, model[" + biggest.index()
                + "] (" + biggest.type() + ") with output " + Layers.shape(biggest.outputShape()) + ", takes "
                + size(biggestBytes) + " of it" + (training ? " (its outputs and their gradients)" : "");
    }

    /**
     * Refuses a model whose estimate exceeds {@code boundBytes}, with the estimate, the bound and the
     * biggest layer in the message; {@code raise} says how the bound is changed (appended as it is).
     */
    public void requireAtMost(long boundBytes, String raise) {
        if (bytes() > boundBytes) {
            throw new ExperimentException("training this model needs " + describe() + ": more than the bound of "
                    + size(boundBytes) + " (use fewer channels or features, pool earlier, or a smaller data.batch_size"
                    + (raise == null || raise.isEmpty() ? "" : "; " + raise) + ")");
        }
    }

    /** Bytes in binary units, as memory sizes are given: "512 MiB", "3.1 GiB", "800 KiB". */
    public static String size(long bytes) {
        String[] units = {"bytes", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
        double v = bytes;
        int u = 0;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        if (u == 0) {
            return bytes + " bytes";
        }
        return String.format(Locale.ROOT, v < 10 && v != Math.rint(v) ? "%.1f %s" : "%.0f %s", v, units[u]);
    }
}
