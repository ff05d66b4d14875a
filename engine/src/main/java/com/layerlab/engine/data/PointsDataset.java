package com.layerlab.engine.data;

import com.layerlab.datasets.Features2D;
import com.layerlab.datasets.Points2D;
import java.util.List;
import java.util.Random;

/**
 * 2D points as a data set: sample {@code i} is the vector of the chosen input features of point
 * {@code i} ({@code x1}, {@code x2}, {@code x1^2}, ...; shape {@code [features]}) with its label (class
 * 0/1/.. or the regression value).
 */
public final class PointsDataset implements Dataset {

    private final Points2D points;
    private final List<String> features;

    public PointsDataset(Points2D points, List<String> features) {
        Features2D.validate(features);
        this.points = points;
        this.features = List.copyOf(features);
    }

    /** With the default features {@code x1, x2}. */
    public PointsDataset(Points2D points) {
        this(points, Features2D.DEFAULT);
    }

    public Points2D points() {
        return points;
    }

    public List<String> features() {
        return features;
    }

    @Override
    public int size() {
        return points.size();
    }

    @Override
    public Sample get(int index, Random rng) {
        Dataset.checkIndex(index, points.size());
        float[] v = new float[features.size()];
        Features2D.compute(features, points.x1()[index], points.x2()[index], v, 0);
        return Sample.tensor(v, new int[] {v.length}, points.label()[index]);
    }
}
