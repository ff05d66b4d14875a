package com.layerlab.engine.data;

import com.layerlab.datasets.Points2D;
import java.util.Arrays;
import java.util.Random;

/** {@code torch.utils.data.Subset}: the samples of a data set at the given indices, in that order. */
public final class Subset implements Dataset {

    private final Dataset dataset;
    private final int[] indices;

    public Subset(Dataset dataset, int[] indices) {
        for (int i : indices) {
            Dataset.checkIndex(i, dataset.size());
        }
        this.dataset = dataset;
        this.indices = indices.clone();
    }

    /** Samples {@code from} (inclusive) to {@code to} (exclusive), e.g. an official train or test part. */
    public static Subset range(Dataset dataset, int from, int to) {
        if (from < 0 || to > dataset.size() || from > to) {
            throw new IndexOutOfBoundsException("range " + from + ".." + to + " outside the data set's 0.." + dataset.size());
        }
        int[] idx = new int[to - from];
        Arrays.setAll(idx, i -> from + i);
        return new Subset(dataset, idx);
    }

    /** A train and a test part. */
    public record Split(Subset train, Subset test) {
    }

    /**
     * Shuffles the indices with {@code rng} (Fisher-Yates, as {@link Points2D#permutation}) and puts the
     * first {@code floor(size * trainFraction)} in the train part, the rest in the test part: the same cut
     * {@link Points2D#split} makes, so 2D and image sets split alike.
     */
    public static Split split(Dataset dataset, double trainFraction, Random rng) {
        if (!(trainFraction > 0 && trainFraction <= 1)) {
            throw new IllegalArgumentException("train fraction must be in (0, 1], got " + trainFraction);
        }
        int n = dataset.size();
        int[] order = Points2D.permutation(n, rng);
        int cut = Points2D.trainCount(n, trainFraction);
        return new Split(new Subset(dataset, Arrays.copyOfRange(order, 0, cut)),
                new Subset(dataset, Arrays.copyOfRange(order, cut, n)));
    }

    public Dataset dataset() {
        return dataset;
    }

    /** The indices into {@link #dataset()} (a copy). */
    public int[] indices() {
        return indices.clone();
    }

    @Override
    public int size() {
        return indices.length;
    }

    @Override
    public Sample get(int index, Random rng) {
        return dataset.get(indices[Dataset.checkIndex(index, indices.length)], rng);
    }
}
