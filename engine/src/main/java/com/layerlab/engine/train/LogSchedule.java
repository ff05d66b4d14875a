package com.layerlab.engine.train;

/**
 * Which epochs a run's TensorBoard log records. A command-line or CNN run trains tens of epochs and
 * logs each one; a live 2D run may train tens of thousands, so its log thins out as it goes, about
 * the same number of records per decade of epochs, and stays a few megabytes however long it plays.
 */
public enum LogSchedule {

    /** Scalars, histograms and images at every epoch, written to disk after each. */
    EVERY_EPOCH,

    /**
     * Scalars at every epoch up to 1,000, then about 1,000 per decade (every 10th epoch to 10,000,
     * every 100th to 100,000, ...); histograms and images at epochs 0 to 10, then about 10 per decade
     * (every 10th to 100, every 100th to 1,000, ...). The last epoch is always recorded when logging ends.
     */
    THINNED;

    /** Whether the epoch's scalars are recorded. */
    public boolean scalarsAt(long epoch) {
        return this == EVERY_EPOCH || onDecadeGrid(epoch, 1000);
    }

    /** Whether the epoch's histograms and images are recorded (never where its scalars are not). */
    public boolean detailsAt(long epoch) {
        return this == EVERY_EPOCH || onDecadeGrid(epoch, 10);
    }

    /**
     * True for every epoch up to {@code perDecade} (a power of ten), then for {@code perDecade} evenly
     * spaced epochs in each later decade: with 10, epochs 0..10, 20, 30, ..., 100, 200, ...
     */
    static boolean onDecadeGrid(long epoch, long perDecade) {
        if (epoch <= perDecade) {
            return true;
        }
        long decade = 1;
        while (decade * 10 < epoch) {
            decade *= 10;
        }
        long step = Math.max(1, decade * 10 / perDecade);
        return epoch % step == 0;
    }
}
