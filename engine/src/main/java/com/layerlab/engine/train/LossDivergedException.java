package com.layerlab.engine.train;

import java.util.Locale;

/**
 * Training stopped because the loss stopped being a number (NaN or infinite): the weights have left
 * float range, almost always because the learning rate is too large, and every later step would only
 * compute NaN. The message is one sentence for the user, naming where it happened and what to change.
 */
public class LossDivergedException extends RuntimeException {

    private final int epoch;
    private final int batch;
    private final double loss;

    /**
     * @param epoch the epoch it happened in, from 1
     * @param batch the training batch within that epoch, from 1; 0 when the evaluation after the epoch found it
     */
    LossDivergedException(int epoch, int batch, int batches, double loss, double lr) {
        super(String.format(Locale.ROOT, "the %s loss became %s in epoch %d%s: the weights have grown out of "
                        + "float range; use a smaller learning rate (optimizer.lr is %s; 0.001 to 0.1 is usual)",
                batch == 0 ? "test" : "training", Double.isNaN(loss) ? "NaN" : "infinite", epoch,
                batch == 0 ? " (after its last batch)" : ", batch " + batch + " of " + batches, lr));
        this.epoch = epoch;
        this.batch = batch;
        this.loss = loss;
    }

    /** The epoch it happened in, from 1. */
    public int epoch() {
        return epoch;
    }

    /** The training batch within the epoch, from 1; 0 when the evaluation after the epoch found it. */
    public int batch() {
        return batch;
    }

    /** The loss: NaN or infinite. */
    public double loss() {
        return loss;
    }
}
