package com.layerlab.engine.train;

/**
 * What {@link Trainer#step()} did: one batch trained.
 *
 * @param epoch      the epoch the batch belongs to, from 1
 * @param batch      the batch within that epoch, from 1
 * @param batches    the batches of a whole epoch
 * @param loss       the batch's data loss (without regularisation) before the update
 * @param epochStats when this batch ended its epoch, the epoch's statistics; else null
 */
public record StepResult(int epoch, int batch, int batches, double loss, EpochStats epochStats) {

    /** Whether this batch was its epoch's last (then {@link #epochStats()} holds the epoch's statistics). */
    public boolean endedEpoch() {
        return epochStats != null;
    }
}
