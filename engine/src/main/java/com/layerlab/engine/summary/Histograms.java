package com.layerlab.engine.summary;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * TensorBoard's histogram buckets: the exponential edges of TensorFlow's default histogram
 * (1e-12 growing by 10 % up to 1e20, mirrored for negative numbers, 0 in the middle), which is
 * also what PyTorch's {@code add_histogram(bins="tensorflow")} uses.
 */
final class Histograms {
    /** Sorted bucket edges; bucket j holds values in [EDGES[j], EDGES[j + 1]). */
    static final double[] EDGES = edges();

    private Histograms() {
    }

    /** The fields of a {@code HistogramProto}; bucketLimit[i] is the right edge of bucket i. */
    record Histogram(double min, double max, double num, double sum, double sumSquares,
                     double[] bucketLimit, double[] bucket) {
    }

    /**
     * Counts the finite values; NaN and infinities are left out of every field, so that a
     * diverged run still logs its healthy weights. Buckets run from one empty bucket, whose limit
     * marks where the first non-empty one starts, to the last non-empty one; as TensorFlow's own
     * writer does, each run of empty buckets in between becomes one bucket, which keeps a
     * histogram of widely spread weights to a few hundred bytes instead of 25 KB.
     */
    static Histogram of(float[] values) {
        int bins = EDGES.length - 1;
        long[] counts = new long[bins];
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        double sum = 0;
        double sumSquares = 0;
        long num = 0;
        for (float f : values) {
            if (!Float.isFinite(f)) {
                continue;
            }
            double v = f + 0.0; // -0.0 counts as 0, as numpy compares it
            counts[bucketOf(v)]++;
            min = Math.min(min, v);
            max = Math.max(max, v);
            sum += v;
            sumSquares += v * v;
            num++;
        }
        if (num == 0) {
            // TensorFlow's encoding of an empty histogram: one empty bucket reaching to DBL_MAX.
            return new Histogram(0, 0, 0, 0, 0, new double[] {Double.MAX_VALUE}, new double[] {0});
        }
        int first = 0;
        while (counts[first] == 0) {
            first++;
        }
        int last = bins - 1;
        while (counts[last] == 0) {
            last--;
        }
        double[] limits = new double[last - first + 2];
        double[] bucket = new double[last - first + 2];
        int n = 0;
        limits[n] = EDGES[first];
        bucket[n++] = 0;
        for (int j = first; j <= last; j++) {
            if (counts[j] == 0 && bucket[n - 1] == 0) {
                limits[n - 1] = EDGES[j + 1]; // widen the empty bucket before it
            } else {
                limits[n] = EDGES[j + 1];
                bucket[n++] = counts[j];
            }
        }
        return new Histogram(min, max, num, sum, sumSquares, Arrays.copyOf(limits, n), Arrays.copyOf(bucket, n));
    }

    /** The bucket of a finite value; values beyond the outermost edges go to the outermost buckets. */
    static int bucketOf(double v) {
        int bins = EDGES.length - 1;
        int i = Arrays.binarySearch(EDGES, v);
        int bin = i >= 0 ? i : -i - 2;
        return Math.max(0, Math.min(bins - 1, bin));
    }

    private static double[] edges() {
        List<Double> positive = new ArrayList<>();
        for (double v = 1e-12; v < 1e20; v *= 1.1) {
            positive.add(v);
        }
        int k = positive.size();
        double[] e = new double[2 * k + 1];
        for (int i = 0; i < k; i++) {
            e[k - 1 - i] = -positive.get(i);
            e[k + 1 + i] = positive.get(i);
        }
        e[k] = 0;
        return e;
    }
}
