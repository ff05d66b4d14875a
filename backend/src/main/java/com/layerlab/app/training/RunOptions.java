package com.layerlab.app.training;

import com.layerlab.engine.train.Checkpoint;
import java.util.List;
import java.util.Objects;

/**
 * How a run is submitted.
 *
 * @param owner        whose run it is: a key such as {@code user:ana} or {@code visitor:xyz}; the visitor of
 *                     the training slots ({@link TrainingSlots}) and who may find the run again
 * @param signedIn     whether the owner is signed in: a signed-in owner's run goes on without a page watching
 *                     it, an anonymous one's stops after {@code layerlab.runs.unwatched-seconds}
 * @param page         what submitted it ({@code cnn}, {@code playground}, {@code compare}): names its folder
 * @param startPaused  whether it waits for play (or a step) before its first batch
 * @param epochs       the epochs it trains, then finishes; 0: until stopped
 * @param startWeights the weights each experiment starts from instead of its seed's (a fork of a saved
 *                     experiment: one safetensors file per experiment, in order); empty: the seeds'
 * @param resumeFrom   the checkpoints each experiment goes on from (weights, optimizer state, epoch and
 *                     history: a stopped or interrupted run resumed, no epoch counted twice), one per
 *                     experiment, in order; empty: it starts at epoch 0
 * @param experimentId the saved experiment it trains, where one asked for it by its id (the REST API), or
 *                     null: kept with the run where it outlives the server ({@link RunJournal})
 */
public record RunOptions(String owner, boolean signedIn, String page, boolean startPaused, int epochs,
                         List<byte[]> startWeights, List<Checkpoint> resumeFrom, String experimentId) {

    public RunOptions {
        Objects.requireNonNull(owner, "a run needs an owner");
        Objects.requireNonNull(page, "a run needs the page it is for");
        if (epochs < 0) {
            throw new IllegalArgumentException("a run's epochs must be 0 (until stopped) or more, got " + epochs);
        }
        startWeights = startWeights == null ? List.of() : List.copyOf(startWeights);
        resumeFrom = resumeFrom == null ? List.of() : List.copyOf(resumeFrom);
        if (!startWeights.isEmpty() && !resumeFrom.isEmpty()) {
            throw new IllegalArgumentException("a run starts from saved weights or resumes from checkpoints, not both");
        }
    }

    /** A run of no saved experiment, from {@code startWeights} or resumed from {@code resumeFrom}. */
    public RunOptions(String owner, boolean signedIn, String page, boolean startPaused, int epochs,
                      List<byte[]> startWeights, List<Checkpoint> resumeFrom) {
        this(owner, signedIn, page, startPaused, epochs, startWeights, resumeFrom, null);
    }

    /**
     * The same run resumed from {@code from} (one checkpoint per experiment; empty: from the start) to
     * {@code lastEpoch}, its owner signed in now or not.
     */
    public RunOptions resumedFrom(List<Checkpoint> from, int lastEpoch, boolean nowSignedIn) {
        return new RunOptions(owner, nowSignedIn, page, false, lastEpoch, List.of(), from, experimentId);
    }

    /** A run whose experiments start from {@code startWeights} (empty: their seeds'). */
    public RunOptions(String owner, boolean signedIn, String page, boolean startPaused, int epochs,
                      List<byte[]> startWeights) {
        this(owner, signedIn, page, startPaused, epochs, startWeights, List.of());
    }

    /** A run whose experiments start from their seeds' weights. */
    public RunOptions(String owner, boolean signedIn, String page, boolean startPaused, int epochs) {
        this(owner, signedIn, page, startPaused, epochs, List.of());
    }
}
