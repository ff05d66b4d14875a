package com.layerlab.engine.train;

import com.layerlab.datasets.Points2D;

/**
 * A 2D run's decision boundary as an RGB image for TensorBoard, in the playground's colours
 * (TensorFlow Playground's orange for class 0 or negative values, blue for class 1 or positive
 * ones, further classes their own colours), with the training points drawn on it.
 */
final class BoundaryImage {

    /** The image's side in pixels. */
    static final int SIZE = 96;
    /** The plane shown: [-6, 6] in both directions, as the data and the playground's map. */
    static final float EXTENT = 6f;

    private static final float[] NEUTRAL = rgb(0xe8eaeb);
    private static final float[][] CLASS = {rgb(0xf59322), rgb(0x0877bd), rgb(0x2ca02c), rgb(0x9467bd), rgb(0xd62728)};
    /** The background is paler than the points, as in the playground. */
    private static final float BACKGROUND = 0.7f;

    private BoundaryImage() {
    }

    /**
     * @param grid        {@link PointProbes#predictGrid} at {@link #SIZE}: P(class 1) per cell for a binary
     *                    head, K probabilities per cell for K classes, the predicted value for regression
     * @param regression  values are predictions, scaled by {@code scale} (the largest |label|)
     * @return CHW floats in [0, 1], 3 x SIZE x SIZE
     */
    static float[] render(GridPrediction grid, boolean regression, double scale, Points2D points) {
        int n = grid.n();
        int cells = n * n;
        float[] chw = new float[3 * cells];
        float[] v = grid.values();
        float[] c = new float[3];
        for (int i = 0; i < cells; i++) {
            if (regression) {
                diverging((float) (v[i] / scale), BACKGROUND, c);
            } else if (grid.channels() == 1) {
                diverging(2 * v[i] - 1, BACKGROUND, c);
            } else {
                mix(v, i * grid.channels(), grid.channels(), c);
            }
            put(chw, cells, i, c);
        }
        if (points != null) {
            for (int p = 0; p < points.size(); p++) {
                float[] color = new float[3];
                if (regression) {
                    diverging((float) (points.label()[p] / scale), 1, color);
                } else {
                    int k = Math.min(Math.max((int) points.label()[p], 0), CLASS.length - 1);
                    System.arraycopy(CLASS[k], 0, color, 0, 3);
                }
                dot(chw, n, points.x1()[p], points.x2()[p], color);
            }
        }
        return chw;
    }

    /** A 2x2 dot in a white 4x4 square, at the pixel of (x1, x2): row 0 is x2 = +extent, as the grid. */
    private static void dot(float[] chw, int n, float x1, float x2, float[] color) {
        int col = Math.round((x1 + EXTENT) / (2 * EXTENT) * (n - 1));
        int row = Math.round((EXTENT - x2) / (2 * EXTENT) * (n - 1));
        float[] white = {1, 1, 1};
        for (int dr = -1; dr <= 2; dr++) {
            for (int dc = -1; dc <= 2; dc++) {
                int r = row + dr;
                int cc = col + dc;
                if (r >= 0 && r < n && cc >= 0 && cc < n) {
                    boolean inner = dr >= 0 && dr <= 1 && dc >= 0 && dc <= 1;
                    put(chw, n * n, r * n + cc, inner ? color : white);
                }
            }
        }
    }

    private static void diverging(float t, float strength, float[] out) {
        float a = Float.isNaN(t) ? 0 : Math.min(1, Math.abs(t)) * strength;
        float[] end = t < 0 ? CLASS[0] : CLASS[1];
        for (int j = 0; j < 3; j++) {
            out[j] = NEUTRAL[j] + (end[j] - NEUTRAL[j]) * a;
        }
    }

    /** The class colours weighted by their probabilities, paled towards neutral by the background strength. */
    private static void mix(float[] v, int at, int k, float[] out) {
        for (int j = 0; j < 3; j++) {
            float s = 0;
            for (int cls = 0; cls < k; cls++) {
                float p = Float.isNaN(v[at + cls]) ? 0 : v[at + cls];
                s += p * CLASS[Math.min(cls, CLASS.length - 1)][j];
            }
            out[j] = NEUTRAL[j] + (s - NEUTRAL[j]) * BACKGROUND;
        }
    }

    private static void put(float[] chw, int cells, int i, float[] c) {
        chw[i] = c[0];
        chw[cells + i] = c[1];
        chw[2 * cells + i] = c[2];
    }

    private static float[] rgb(int hex) {
        return new float[] {((hex >> 16) & 255) / 255f, ((hex >> 8) & 255) / 255f, (hex & 255) / 255f};
    }
}
