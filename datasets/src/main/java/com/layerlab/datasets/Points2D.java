package com.layerlab.datasets;

import java.util.Arrays;
import java.util.Random;

/**
 * A 2D point set: coordinates {@code (x1[i], x2[i])} with {@code label[i]}.
 * {@code classes} is 0 for regression (finite real labels), 2 for binary (labels 0/1),
 * K for multi-class (labels 0..K-1, see {@link ClassLabels}); other labels are refused, naming the point.
 *
 * <p>The arrays are shared, not copied: treat them as read-only.
 */
public record Points2D(float[] x1, float[] x2, float[] label, int classes) {

    public Points2D {
        if (x1 == null || x2 == null || label == null) {
            throw new IllegalArgumentException("x1, x2 and label must not be null");
        }
        if (x1.length != x2.length || x1.length != label.length) {
            throw new IllegalArgumentException("x1, x2 and label must have the same length, got "
                    + x1.length + ", " + x2.length + ", " + label.length);
        }
        if (classes < 0 || classes == 1) {
            throw new IllegalArgumentException("classes must be 0 (regression) or at least 2, got " + classes);
        }
        for (int i = 0; i < label.length; i++) {
            float l = label[i];
            if (classes == 0 ? !Float.isFinite(l) : !ClassLabels.isClass(l, classes)) {
                throw new IllegalArgumentException(classes == 0 ? "label " + l + " of point " + i + " is not a finite number"
                        : ClassLabels.notAClass(l, "of point " + i, classes));
            }
        }
    }

    public int size() {
        return x1.length;
    }

    public boolean isRegression() {
        return classes == 0;
    }

    /** The points at the given indices, in that order. */
    public Points2D select(int[] indices) {
        float[] a = new float[indices.length];
        float[] b = new float[indices.length];
        float[] l = new float[indices.length];
        for (int i = 0; i < indices.length; i++) {
            int k = indices[i];
            a[i] = x1[k];
            b[i] = x2[k];
            l[i] = label[k];
        }
        return new Points2D(a, b, l, classes);
    }

    /** Points {@code from} (inclusive) to {@code to} (exclusive). */
    public Points2D slice(int from, int to) {
        return new Points2D(Arrays.copyOfRange(x1, from, to), Arrays.copyOfRange(x2, from, to),
                Arrays.copyOfRange(label, from, to), classes);
    }

    /** A seeded Fisher-Yates permutation of the points. */
    public Points2D shuffled(Random rng) {
        return select(permutation(size(), rng));
    }

    /**
     * Shuffles with {@code rng}, then puts the first {@code floor(size * trainFraction)} points in the
     * train split and the rest in the test split, as TensorFlow Playground does.
     */
    public Split split(double trainFraction, Random rng) {
        if (!(trainFraction > 0 && trainFraction <= 1)) {
            throw new IllegalArgumentException("train fraction must be in (0, 1], got " + trainFraction);
        }
        Points2D all = shuffled(rng);
        int cut = trainCount(size(), trainFraction);
        return new Split(all.slice(0, cut), all.slice(cut, size()));
    }

    /**
     * How many of {@code size} points go to the train split: {@code floor(size * trainFraction)}, as the
     * Playground computes it from a whole percent ({@code floor(size * percent / 100)}). The small
     * allowance absorbs the rounding of a fraction such as 0.57, whose double is slightly below 57/100
     * (100 * 0.57 = 56.99999999999999), and is far below any real fractional part.
     */
    public static int trainCount(int size, double trainFraction) {
        return (int) Math.floor(size * trainFraction + 1e-9);
    }

    /** Train and test points. */
    public record Split(Points2D train, Points2D test) {
    }

    /**
     * The largest |label| of the sets (null ones skipped), or 1 when all are about 0: the range a
     * regression's values are coloured over, the same on the playground's map and in TensorBoard.
     */
    public static double labelScale(Points2D... sets) {
        double m = 0;
        for (Points2D s : sets) {
            if (s != null) {
                for (float v : s.label()) {
                    m = Math.max(m, Math.abs(v));
                }
            }
        }
        return m > 1e-6 ? m : 1;
    }

    /** Fisher-Yates: a uniformly random permutation of 0..n-1 drawn from {@code rng}. */
    public static int[] permutation(int n, Random rng) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }
}
