package com.layerlab.app.classroom;

import java.time.Duration;
import java.time.Instant;

/**
 * A student's best score on a challenge (table {@code class_results}), as the server measured it on the
 * hidden split: the leaderboard's row and the CSV's.
 *
 * @param best       the best hidden-split loss or accuracy (the challenge's metric) seen so far
 * @param params     the parameters of the network that scored it
 * @param epoch      the epoch it was scored at
 * @param reachedAt  when the goal was first reached, or null
 * @param timeToGoal from the push to reaching the goal, or null
 * @param viewState  the experiment that did it (the playground link's query string): the goal's if reached, else the best's
 */
public record Result(long seatId, String displayName, long pushId, double best, int params, int epoch,
                     Instant reachedAt, Duration timeToGoal, String viewState) {

    public boolean reached() {
        return reachedAt != null;
    }
}
