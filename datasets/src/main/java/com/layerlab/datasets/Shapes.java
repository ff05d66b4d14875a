package com.layerlab.datasets;

import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * Generated colour images of simple shapes, 3x32x32 like CIFAR-10 and with ten classes like it, so the
 * CIFAR-10 tutorial model trains on them offline. Each image has a random background colour with a
 * faint gradient, one shape in a clearly different colour, a random size, position and (up to 20
 * degrees) rotation, anti-aliased edges, and Gaussian pixel noise of a random strength.
 *
 * <p>Image {@code i} has label {@code i % 10} and is drawn from its own generator seeded from
 * {@code (seed, i)}: the same seed gives the same images, and the first N images of a larger set are
 * the images of a set of N, so {@code limit} and {@code samples} agree.
 */
public final class Shapes {

    public static final String ID = "shapes";
    public static final int SIDE = 32;
    public static final int CHANNELS = 3;
    public static final int DEFAULT_SAMPLES = 10_000;
    /** As many as CIFAR-10 has; 180 MB of bytes. */
    public static final int MAX_SAMPLES = 60_000;
    public static final List<String> CLASS_NAMES = List.of("circle", "square", "triangle", "cross", "diamond", "star",
            "ring", "arrow", "crescent", "heart");

    private static final int SUB = 3;
    private static final double[][] TRIANGLE = {{0, -1}, {1, 0.75}, {-1, 0.75}};
    private static final double[][] ARROW = {{-1, -0.25}, {0.15, -0.25}, {0.15, -0.7}, {1, 0}, {0.15, 0.7},
        {0.15, 0.25}, {-1, 0.25}};
    private static final double[][] STAR = regular(10, 1, 0.42, -Math.PI / 2);
    /** Standard normal draws for the pixel noise (java.util.Random's are specified exactly: the same everywhere). */
    private static final float[] GAUSS = new float[1 << 16];

    static {
        java.util.Random r = new java.util.Random(0x5A9E5L);
        for (int i = 0; i < GAUSS.length; i++) {
            GAUSS[i] = (float) r.nextGaussian();
        }
    }

    private Shapes() {
    }

    /** {@code samples} images from {@code seed}. */
    public static ImageSet generate(int samples, long seed) {
        if (samples < 1 || samples > MAX_SAMPLES) {
            throw new ImageDataException("shapes: samples must be from 1 to " + MAX_SAMPLES + ", got " + samples);
        }
        int imageBytes = CHANNELS * SIDE * SIDE;
        byte[] pixels = new byte[samples * imageBytes];
        int[] labels = new int[samples];
        // each image depends only on (seed, i): the parallel loop gives the same bytes as a serial one
        IntStream range = IntStream.range(0, samples);
        (samples >= 256 ? range.parallel() : range).forEach(i -> {
            labels[i] = i % CLASS_NAMES.size();
            draw(labels[i], new SplittableRandom(mix(seed, i)), pixels, i * imageBytes);
        });
        return new ImageSet(ID, pixels, CHANNELS, SIDE, SIDE, labels, CLASS_NAMES, 0,
                "generated shapes, seed " + seed + ", " + samples + " images");
    }

    private static long mix(long seed, int i) {
        long z = seed + 0x9E3779B97F4A7C15L * (i + 1L);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    private static void draw(int shape, SplittableRandom rng, byte[] out, int offset) {
        double[] bg = {rng.nextDouble(), rng.nextDouble(), rng.nextDouble()};
        double[] fg = new double[3];
        for (int tries = 0; ; tries++) {
            for (int c = 0; c < 3; c++) {
                fg[c] = rng.nextDouble();
            }
            double d2 = 0;
            for (int c = 0; c < 3; c++) {
                d2 += (fg[c] - bg[c]) * (fg[c] - bg[c]);
            }
            if (d2 >= 0.45 * 0.45 || tries > 50) {
                break;
            }
        }
        double radius = 6 + 7 * rng.nextDouble();
        double cx = radius + 0.5 + (SIDE - 1 - 2 * radius) * rng.nextDouble();
        double cy = radius + 0.5 + (SIDE - 1 - 2 * radius) * rng.nextDouble();
        double angle = (rng.nextDouble() - 0.5) * Math.toRadians(40);
        double cos = StrictMath.cos(angle) / radius;
        double sin = StrictMath.sin(angle) / radius;
        double gradient = 0.2 * rng.nextDouble();
        double gradAngle = 2 * Math.PI * rng.nextDouble();
        double gx = StrictMath.cos(gradAngle) * gradient / SIDE;
        double gy = StrictMath.sin(gradAngle) * gradient / SIDE;
        double noise = 0.06 * rng.nextDouble();
        float[] cover = coverage(shape, cx, cy, radius, cos, sin);
        int plane = SIDE * SIDE;
        long bits = 0;
        for (int y = 0; y < SIDE; y++) {
            for (int x = 0; x < SIDE; x++) {
                int p = y * SIDE + x;
                double shade = gx * (x - SIDE / 2.0) + gy * (y - SIDE / 2.0);
                for (int c = 0; c < 3; c++) {
                    // 16 random bits pick one of 65,536 standard normal values: four per nextLong
                    if ((p * 3 + c) % 4 == 0) {
                        bits = rng.nextLong();
                    }
                    double gauss = GAUSS[(int) (bits & 0xffff)];
                    bits >>>= 16;
                    double v = (bg[c] + shade) * (1 - cover[p]) + fg[c] * cover[p] + noise * gauss;
                    int b = (int) Math.round(Math.min(1, Math.max(0, v)) * 255);
                    out[offset + c * plane + p] = (byte) b;
                }
            }
        }
    }

    /**
     * The share of each pixel the shape covers. The shape is tested at the pixel corners first; pixels
     * whose four corners agree are wholly in or out, the others (the edge) are sampled 3x3.
     */
    private static float[] coverage(int shape, double cx, double cy, double radius, double cos, double sin) {
        float[] cover = new float[SIDE * SIDE];
        // rotated shapes stay inside radius * sqrt(2) of the centre
        double reach = radius * 1.45 + 1;
        int x0 = Math.max(0, (int) Math.floor(cx - reach));
        int x1 = Math.min(SIDE - 1, (int) Math.ceil(cx + reach));
        int y0 = Math.max(0, (int) Math.floor(cy - reach));
        int y1 = Math.min(SIDE - 1, (int) Math.ceil(cy + reach));
        int gw = x1 - x0 + 2;
        boolean[] corner = new boolean[gw * (y1 - y0 + 2)];
        for (int y = y0; y <= y1 + 1; y++) {
            for (int x = x0; x <= x1 + 1; x++) {
                double dx = x - cx;
                double dy = y - cy;
                corner[(y - y0) * gw + x - x0] = inside(shape, cos * dx + sin * dy, -sin * dx + cos * dy);
            }
        }
        for (int y = y0; y <= y1; y++) {
            for (int x = x0; x <= x1; x++) {
                int k = (y - y0) * gw + x - x0;
                boolean a = corner[k];
                if (a == corner[k + 1] && a == corner[k + gw] && a == corner[k + gw + 1]) {
                    cover[y * SIDE + x] = a ? 1 : 0;
                    continue;
                }
                int in = 0;
                for (int sy = 0; sy < SUB; sy++) {
                    for (int sx = 0; sx < SUB; sx++) {
                        double dx = x + (sx + 0.5) / SUB - cx;
                        double dy = y + (sy + 0.5) / SUB - cy;
                        if (inside(shape, cos * dx + sin * dy, -sin * dx + cos * dy)) {
                            in++;
                        }
                    }
                }
                cover[y * SIDE + x] = in / (float) (SUB * SUB);
            }
        }
        return cover;
    }

    /** Whether (u, v), in units of the shape's radius with v pointing down, lies in the shape. */
    static boolean inside(int shape, double u, double v) {
        return switch (shape) {
            case 0 -> u * u + v * v <= 0.9 * 0.9;
            case 1 -> Math.abs(u) <= 0.8 && Math.abs(v) <= 0.8;
            case 2 -> inPolygon(TRIANGLE, u, v);
            case 3 -> (Math.abs(u) <= 0.32 && Math.abs(v) <= 1) || (Math.abs(v) <= 0.32 && Math.abs(u) <= 1);
            case 4 -> Math.abs(u) + Math.abs(v) <= 1;
            case 5 -> inPolygon(STAR, u, v);
            case 6 -> {
                double r2 = u * u + v * v;
                yield r2 <= 1 && r2 >= 0.55 * 0.55;
            }
            case 7 -> inPolygon(ARROW, u, v);
            case 8 -> u * u + v * v <= 1 && (u - 0.45) * (u - 0.45) + v * v >= 0.78 * 0.78;
            case 9 -> {
                double x = 1.25 * u;
                double y = -1.25 * v + 0.25;
                double a = x * x + y * y - 1;
                yield a * a * a - x * x * y * y * y <= 0;
            }
            default -> throw new IllegalArgumentException("shape " + shape);
        };
    }

    /** Even-odd rule. */
    private static boolean inPolygon(double[][] p, double u, double v) {
        boolean in = false;
        for (int i = 0, j = p.length - 1; i < p.length; j = i++) {
            double yi = p[i][1];
            double yj = p[j][1];
            if ((yi > v) != (yj > v) && u < (p[j][0] - p[i][0]) * (v - yi) / (yj - yi) + p[i][0]) {
                in = !in;
            }
        }
        return in;
    }

    /** A polygon with {@code n} corners alternating between radii {@code r0} and {@code r1}. */
    private static double[][] regular(int n, double r0, double r1, double start) {
        double[][] p = new double[n][];
        for (int i = 0; i < n; i++) {
            double a = start + 2 * Math.PI * i / n;
            double r = i % 2 == 0 ? r0 : r1;
            p[i] = new double[] {r * StrictMath.cos(a), r * StrictMath.sin(a)};
        }
        return p;
    }
}
