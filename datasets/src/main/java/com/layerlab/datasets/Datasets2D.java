package com.layerlab.datasets;

import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.function.DoubleBinaryOperator;

/**
 * The 2D data sets of TensorFlow Playground (tensorflow/playground, src/dataset.ts), generated the
 * same way, with labels 0/1 instead of -1/+1, a seeded generator instead of Math.random, and a
 * multi-class form of {@code gauss} and {@code spiral}.
 *
 * <p>Noise is given in percent (0..50) as in the Playground's slider; the generators use
 * {@code noisePercent / 100} exactly as the Playground does.
 */
public final class Datasets2D {

    public static final String CIRCLE = "circle";
    public static final String XOR = "xor";
    public static final String GAUSS = "gauss";
    public static final String SPIRAL = "spiral";
    public static final String PLANE = "plane";
    public static final String MULTI_GAUSS = "multi-gauss";

    private static final List<String> IDS = List.of(CIRCLE, XOR, GAUSS, SPIRAL, PLANE, MULTI_GAUSS);

    /** Coordinates are clamped to this box; the Playground draws [-6, 6]. */
    public static final float EXTENT = 6f;

    public static final int MAX_SAMPLES = 1_000_000;
    public static final int MAX_CLASSES = 5;
    public static final double MAX_NOISE = 50;

    private Datasets2D() {
    }

    /** All ids, classification sets first. */
    public static List<String> ids() {
        return IDS;
    }

    public static boolean isKnown(String id) {
        return IDS.contains(id);
    }

    public static boolean isRegression(String id) {
        requireKnown(id);
        return id.equals(PLANE) || id.equals(MULTI_GAUSS);
    }

    /** Whether {@code classes} may be 3..5 for this set. */
    public static boolean supportsMultiClass(String id) {
        requireKnown(id);
        return id.equals(GAUSS) || id.equals(SPIRAL);
    }

    /** The Playground's sizes: 500 points for classification, 1,200 for regression. */
    public static int defaultSamples(String id) {
        return isRegression(id) ? 1200 : 500;
    }

    /** 0 for regression sets, 2 otherwise. */
    public static int defaultClasses(String id) {
        return isRegression(id) ? 0 : 2;
    }

    /**
     * Generates a set; the same arguments give the same points.
     *
     * @param classes 0 for regression sets; 2 for circle and xor; 2..5 for gauss and spiral
     * @throws IllegalArgumentException for an unknown id or out-of-range numbers
     */
    public static Points2D generate(String id, int samples, double noisePercent, int classes, long seed) {
        requireKnown(id);
        if (samples < 1 || samples > MAX_SAMPLES) {
            throw new IllegalArgumentException("samples must be between 1 and " + MAX_SAMPLES + ", got " + samples);
        }
        if (!(noisePercent >= 0 && noisePercent <= MAX_NOISE)) {
            throw new IllegalArgumentException("noise must be between 0 and 50 (percent), got " + noisePercent);
        }
        if (isRegression(id)) {
            if (classes != 0) {
                throw new IllegalArgumentException("data set \"" + id + "\" is a regression set: classes must be 0, got " + classes);
            }
        } else if (supportsMultiClass(id)) {
            if (classes < 2 || classes > MAX_CLASSES) {
                throw new IllegalArgumentException("data set \"" + id + "\": classes must be between 2 and "
                        + MAX_CLASSES + ", got " + classes);
            }
        } else if (classes != 2) {
            throw new IllegalArgumentException("data set \"" + id + "\" has 2 classes, got classes " + classes);
        }
        double noise = noisePercent / 100.0;
        // scrambled so that the points do not repeat the draws of a java.util.Random(seed) that the
        // caller may use for something else, such as the starting weights
        Random rng = new Random(new SplittableRandom(seed).nextLong());
        Builder b = new Builder(samples, classes);
        switch (id) {
            case CIRCLE -> circle(b, samples, noise, rng);
            case XOR -> xor(b, samples, noise, rng);
            case GAUSS -> gauss(b, samples, noise, classes, rng);
            case SPIRAL -> spiral(b, samples, noise, classes, rng);
            case PLANE -> plane(b, samples, noise, rng);
            case MULTI_GAUSS -> multiGauss(b, samples, noise, rng);
            default -> throw new IllegalStateException(id);
        }
        return b.build();
    }

    private static void requireKnown(String id) {
        if (id == null || !IDS.contains(id)) {
            throw new IllegalArgumentException("unknown 2D data set " + (id == null ? "null" : "\"" + id + "\"")
                    + " (known: " + String.join(", ", IDS) + ")");
        }
    }

    /** How many of {@code samples} points class {@code k} gets: as even as possible, lower classes first. */
    static int perClass(int samples, int classes, int k) {
        return samples / classes + (k < samples % classes ? 1 : 0);
    }

    // Positives (inside, radius < 2.5) then negatives (ring 3.5..5); the label comes from the noisy
    // position, so noise flips labels near the border as in the Playground.
    private static void circle(Builder b, int samples, double noise, Random rng) {
        double radius = 5;
        for (int cls = 1; cls >= 0; cls--) {
            int n = perClass(samples, 2, 1 - cls);
            double rMin = cls == 1 ? 0 : radius * 0.7;
            double rMax = cls == 1 ? radius * 0.5 : radius;
            for (int i = 0; i < n; i++) {
                double r = uniform(rng, rMin, rMax);
                double angle = uniform(rng, 0, 2 * Math.PI);
                double x = r * Math.sin(angle);
                double y = r * Math.cos(angle);
                double nx = uniform(rng, -radius, radius) * noise;
                double ny = uniform(rng, -radius, radius) * noise;
                double d = Math.hypot(x + nx, y + ny);
                b.add(x, y, d < radius * 0.5 ? 1 : 0);
            }
        }
    }

    private static void xor(Builder b, int samples, double noise, Random rng) {
        double padding = 0.3;
        for (int i = 0; i < samples; i++) {
            double x = uniform(rng, -5, 5);
            x += x > 0 ? padding : -padding;
            double y = uniform(rng, -5, 5);
            y += y > 0 ? padding : -padding;
            double nx = uniform(rng, -5, 5) * noise;
            double ny = uniform(rng, -5, 5) * noise;
            b.add(x, y, (x + nx) * (y + ny) >= 0 ? 1 : 0);
        }
    }

    // Binary: the Playground's two blobs, class 1 at (2, 2) and class 0 at (-2, -2). K > 2: K blobs
    // evenly on a circle of radius 3.5 (further out than 2*sqrt(2) so that neighbours stay apart).
    // Variance grows linearly from 0.5 (no noise) to 4 (50 % noise), as in the Playground.
    private static void gauss(Builder b, int samples, double noise, int classes, Random rng) {
        double variance = 0.5 + noise * (4 - 0.5) / 0.5;
        double sd = Math.sqrt(variance);
        for (int k = classes - 1; k >= 0; k--) {
            double cx;
            double cy;
            if (classes == 2) {
                cx = k == 1 ? 2 : -2;
                cy = cx;
            } else {
                double angle = Math.PI / 2 + 2 * Math.PI * k / classes;
                cx = 3.5 * Math.cos(angle);
                cy = 3.5 * Math.sin(angle);
            }
            int n = perClass(samples, classes, k);
            for (int i = 0; i < n; i++) {
                double x = cx + sd * normal(rng);
                double y = cy + sd * normal(rng);
                b.add(x, y, k);
            }
        }
    }

    // K arms, each 1.75 turns out to radius 5, arm k rotated by 2*pi*k/K; for K = 2 class 1 is the
    // Playground's positive arm (no rotation) and class 0 its negative arm (rotated by pi).
    private static void spiral(Builder b, int samples, double noise, int classes, Random rng) {
        for (int j = 0; j < classes; j++) {
            int k = (classes - 1 + j) % classes; // class 1 first for K = 2, as the Playground
            double deltaT = 2 * Math.PI * ((k + classes - 1) % classes) / classes;
            int n = perClass(samples, classes, k);
            for (int i = 0; i < n; i++) {
                double r = (double) i / n * 5;
                double t = 1.75 * i / n * 2 * Math.PI + deltaT;
                double x = r * Math.sin(t) + uniform(rng, -1, 1) * noise;
                double y = r * Math.cos(t) + uniform(rng, -1, 1) * noise;
                b.add(x, y, k);
            }
        }
    }

    // the Playground maps x + y from [-10, 10] linearly onto [-1, 1] (not clamped)
    private static void plane(Builder b, int samples, double noise, Random rng) {
        regression(b, samples, noise, rng, (x, y) -> (x + y) / 10.0);
    }

    private static final double[][] GAUSSIANS = {
        {-4, 2.5, 1}, {0, 2.5, -1}, {4, 2.5, 1}, {-4, -2.5, -1}, {0, -2.5, 1}, {4, -2.5, -1}
    };

    private static void multiGauss(Builder b, int samples, double noise, Random rng) {
        regression(b, samples, noise, rng, Datasets2D::multiGaussLabel);
    }

    /** The Playground's regression sets: uniform points in [-6, 6]^2, labelled at a noisy copy of the point. */
    private static void regression(Builder b, int samples, double noise, Random rng, DoubleBinaryOperator label) {
        double radius = 6;
        for (int i = 0; i < samples; i++) {
            double x = uniform(rng, -radius, radius);
            double y = uniform(rng, -radius, radius);
            double nx = uniform(rng, -radius, radius) * noise;
            double ny = uniform(rng, -radius, radius) * noise;
            b.add(x, y, label.applyAsDouble(x + nx, y + ny));
        }
    }

    /** The bump of largest magnitude wins; each bump falls linearly from 1 at its centre to 0 at distance 2. */
    static double multiGaussLabel(double x, double y) {
        double label = 0;
        for (double[] g : GAUSSIANS) {
            double d = Math.hypot(x - g[0], y - g[1]);
            double v = g[2] * Math.min(1, Math.max(0, 1 - d / 2));
            if (Math.abs(v) > Math.abs(label)) {
                label = v;
            }
        }
        return label;
    }

    private static double uniform(Random rng, double a, double b) {
        return rng.nextDouble() * (b - a) + a;
    }

    /** Marsaglia's polar method, as the Playground's normalRandom. */
    private static double normal(Random rng) {
        double v1;
        double v2;
        double s;
        do {
            v1 = 2 * rng.nextDouble() - 1;
            v2 = 2 * rng.nextDouble() - 1;
            s = v1 * v1 + v2 * v2;
        } while (s >= 1 || s == 0);
        return Math.sqrt(-2 * Math.log(s) / s) * v1;
    }

    private static final class Builder {
        private final float[] x1;
        private final float[] x2;
        private final float[] label;
        private final int classes;
        private int n;

        Builder(int samples, int classes) {
            x1 = new float[samples];
            x2 = new float[samples];
            label = new float[samples];
            this.classes = classes;
        }

        void add(double x, double y, double l) {
            x1[n] = clamp(x);
            x2[n] = clamp(y);
            label[n] = (float) l;
            n++;
        }

        private static float clamp(double v) {
            return (float) Math.max(-EXTENT, Math.min(EXTENT, v));
        }

        Points2D build() {
            if (n != x1.length) {
                throw new IllegalStateException("generated " + n + " of " + x1.length + " points");
            }
            return new Points2D(x1, x2, label, classes);
        }
    }
}
