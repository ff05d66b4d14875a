package com.layerlab.engine.train;

/**
 * Told after every training step of {@link Trainer#trainEpoch(BatchListener)}. It runs on the
 * training thread: blocking in it pauses training (the time it blocks does not count against the
 * throughput it is told), and returning false stops the epoch after this batch.
 */
@FunctionalInterface
public interface BatchListener {

    /** A listener that never pauses or stops. */
    BatchListener NONE = (batch, batches, imagesPerSecond) -> true;

    /**
     * @param batch           the batches done so far in this epoch, 1 to {@code batches}
     * @param batches         the batches of a whole epoch
     * @param imagesPerSecond training samples (images, or points of a 2D set) per second so far in this
     *                        epoch, data loading included, time spent in this listener excluded
     * @return true to go on, false to stop the epoch now
     */
    boolean onBatch(int batch, int batches, double imagesPerSecond);
}
