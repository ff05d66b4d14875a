package com.layerlab.app.training;

import com.layerlab.engine.train.StepResult;
import com.layerlab.engine.train.Trainer;
import java.util.List;

/**
 * What a kind of page draws of a run: the run calls it on its training thread, the only thread that
 * touches the trainers, and hands its frames to every page that subscribed.
 *
 * <p>Some of a frame is worth sending once only (a confusion matrix, feature maps): the maker counts
 * such content with {@link #version()}, and a subscriber that has seen version {@code v} gets frames made
 * with {@code seen = v}, so a page that subscribes late still gets everything once.
 *
 * @param <F> what a frame carries
 */
public interface FrameMaker<F> {

    /**
     * The trainers are built (epoch 0 evaluated); nothing trained yet. Called again when the run's device
     * failed and the trainers were built anew on the CPU, at the epoch of their last checkpoint.
     */
    default void started(List<Trainer> trainers) {
    }

    /** One lock step trained: {@code steps.get(i)} is what trainer {@code i}'s batch did. */
    default void stepped(List<Trainer> trainers, List<StepResult> steps) {
    }

    /**
     * The run holds still with the weights as they are: a step asked for is done, or the run stopped or
     * finished; not called at every epoch's end (see {@link #stepped}).
     */
    default void held(List<Trainer> trainers) {
    }

    /**
     * Between steps and while the run holds: work the pages asked for (e.g. another image's feature maps);
     * true when the frames should show it at once.
     */
    default boolean serve(List<Trainer> trainers) {
        return false;
    }

    /** The version of the content sent once; 0 while there is none. */
    default long version() {
        return 0;
    }

    /**
     * A frame for a subscriber that has seen the content up to version {@code seen} (0: none yet).
     *
     * @param trainers the run's trainers, empty before they are built
     */
    F frame(RunStatus status, List<Trainer> trainers, long seen);
}
