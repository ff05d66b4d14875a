package com.layerlab.app.store;

import com.layerlab.engine.tensor.Tensor;
import com.layerlab.engine.train.Prediction;
import com.layerlab.engine.train.TrainingRun;
import java.util.List;

/**
 * What a saved image model gets right, computed from its saved weights: a confusion matrix over the first
 * test images. Its own forward pass, because a run's own matrix comes from its latest evaluation, made with
 * the weights it was built with, before the saved ones were loaded into it.
 *
 * @param classes   the class names, in matrix order
 * @param confusion {@code [true class][predicted class]} counts
 * @param images    how many test images were classified
 */
public record SavedEvaluation(List<String> classes, int[][] confusion, int images) {

    /** At most this many test images: enough for a matrix a class can be read from, quick enough for a page. */
    public static final int MAX_IMAGES = 2000;
    private static final int BATCH = 64;

    /** Classifies the first {@link #MAX_IMAGES} test images with the run's model as it is now. */
    public static SavedEvaluation of(TrainingRun run) {
        List<String> classes = run.classNames();
        int n = Math.min(run.testSize(), MAX_IMAGES);
        // the true labels (a prediction's guesses may be stale, its label is not)
        List<Prediction> labelled = run.predictions(n);
        int k = classes.size();
        int[][] m = new int[k][k];
        int[] shape = run.inputShape();
        int size = 1;
        for (int s : shape) {
            size *= s;
        }
        run.model().train(false);
        for (int start = 0; start < n; start += BATCH) {
            int b = Math.min(BATCH, n - start);
            float[] x = new float[b * size];
            for (int i = 0; i < b; i++) {
                System.arraycopy(run.testImage(start + i), 0, x, i * size, size);
            }
            int[] batched = new int[shape.length + 1];
            batched[0] = b;
            System.arraycopy(shape, 0, batched, 1, shape.length);
            float[] out;
            try (Tensor.NoGrad g = Tensor.noGradScope()) {
                out = run.model().forward(Tensor.of(x, batched)).data();
            }
            int width = out.length / b;
            for (int i = 0; i < b; i++) {
                m[labelled.get(start + i).label()][predicted(out, i * width, width)]++;
            }
        }
        return new SavedEvaluation(classes, m, n);
    }

    /** The most probable class of one output row (one logit: class 1 when it is positive). */
    private static int predicted(float[] out, int at, int width) {
        if (width == 1) {
            return out[at] > 0 ? 1 : 0;
        }
        int best = 0;
        for (int c = 1; c < width; c++) {
            if (out[at + c] > out[at + best]) {
                best = c;
            }
        }
        return best;
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
