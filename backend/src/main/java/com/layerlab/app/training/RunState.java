package com.layerlab.app.training;

/**
 * Where a run is. QUEUED: waiting for a training slot (before it starts, or to go on after a pause);
 * RUNNING: loading its data or training; PAUSED: holding between two batches; FINISHED: all its epochs
 * trained; STOPPED: stopped by its learner or because no page watched it; FAILED: an error ended it;
 * INTERRUPTED: the server shut down under it (its last checkpoint is on disk).
 */
public enum RunState {
    QUEUED, RUNNING, PAUSED, FINISHED, STOPPED, FAILED, INTERRUPTED;

    /** Whether the run is over: it trains no more, whatever is asked. */
    public boolean ended() {
        return this == FINISHED || this == STOPPED || this == FAILED || this == INTERRUPTED;
    }
}
