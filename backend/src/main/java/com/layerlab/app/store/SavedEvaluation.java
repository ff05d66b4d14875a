package com.layerlab.app.store;

import com.layerlab.engine.train.ImageProbes;
import com.layerlab.engine.train.Trainer;
import java.util.List;

/**
 * What a saved image model gets right, computed from its saved weights: the confusion matrix of the test
 * split ({@link Trainer#loadWeights} evaluates the loaded weights, so the probes describe them).
 *
 * @param classes   the class names, in matrix order
 * @param confusion {@code [true class][predicted class]} counts
 * @param images    how many test images were classified
 */
public record SavedEvaluation(List<String> classes, int[][] confusion, int images) {

    /** The matrix of a trainer that holds the saved weights. */
    public static SavedEvaluation of(Trainer run) {
        ImageProbes probes = new ImageProbes(run);
        int[][] m = probes.confusionMatrix();
        int n = 0;
        for (int[] row : m) {
            for (int c : row) {
                n += c;
            }
        }
        return new SavedEvaluation(probes.classNames(), m, n);
    }

    /** The share of the images classified right. */
    public double accuracy() {
        int right = 0;
        for (int c = 0; c < confusion.length; c++) {
            right += confusion[c][c];
        }
        return images == 0 ? 0 : (double) right / images;
    }
}
