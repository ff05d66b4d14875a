package com.layerlab.engine.train;

/**
 * The model's best guesses for one test sample, from the latest evaluation.
 *
 * @param index   the sample's position in the test split
 * @param label   its true class
 * @param top     the most probable classes, most probable first (up to 3; ties: lower class first)
 * @param topProb their probabilities, aligned with {@code top}, descending
 */
public record Prediction(int index, int label, int[] top, float[] topProb) {

    /** Whether the most probable class is the true one. */
    public boolean correct() {
        return top.length > 0 && top[0] == label;
    }
}
