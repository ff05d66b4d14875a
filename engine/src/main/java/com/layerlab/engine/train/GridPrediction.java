package com.layerlab.engine.train;

/**
 * The model's prediction on an {@code n x n} grid, row-major by cell then channel: {@code values[(r * n + c)
 * * channels + k]}. Row 0 is the top ({@code x2 = +extent}), column 0 the left ({@code x1 = -extent}).
 * Channels: 1 for regression (the prediction) and binary classification (P(class 1)), K for K classes
 * (probabilities).
 */
public record GridPrediction(int n, int channels, float[] values) {

    /** Channel {@code k} of the cell in row {@code r}, column {@code c}. */
    public float at(int r, int c, int k) {
        return values[(r * n + c) * channels + k];
    }
}
