package com.layerlab.datasets;

import java.util.List;

/** TensorFlow Playground's seven input features of a 2D point. */
public final class Features2D {

    public static final List<String> NAMES = List.of("x1", "x2", "x1^2", "x2^2", "x1*x2", "sin(x1)", "sin(x2)");

    /** The Playground starts with the raw coordinates. */
    public static final List<String> DEFAULT = List.of("x1", "x2");

    private Features2D() {
    }

    /**
     * Checks the names: each must be one of {@link #NAMES}, at most once, and at least one given.
     *
     * @throws IllegalArgumentException naming the first bad entry
     */
    public static void validate(List<String> names) {
        if (names == null || names.isEmpty()) {
            throw new IllegalArgumentException("at least one feature is needed (any of " + String.join(", ", NAMES) + ")");
        }
        for (int i = 0; i < names.size(); i++) {
            String n = names.get(i);
            if (!NAMES.contains(n)) {
                throw new IllegalArgumentException("unknown feature " + (n == null ? "null" : "\"" + n + "\"")
                        + " (known: " + String.join(", ", NAMES) + ")");
            }
            if (names.subList(0, i).contains(n)) {
                throw new IllegalArgumentException("feature \"" + n + "\" is listed twice");
            }
        }
    }

    /** The value of one feature at a point. */
    public static float value(String name, float x1, float x2) {
        return switch (name) {
            case "x1" -> x1;
            case "x2" -> x2;
            case "x1^2" -> x1 * x1;
            case "x2^2" -> x2 * x2;
            case "x1*x2" -> x1 * x2;
            case "sin(x1)" -> (float) Math.sin(x1);
            case "sin(x2)" -> (float) Math.sin(x2);
            default -> throw new IllegalArgumentException("unknown feature \"" + name + "\" (known: "
                    + String.join(", ", NAMES) + ")");
        };
    }

    /** Writes the features of one point to {@code out[offset .. offset + names.size())}. */
    public static void compute(List<String> names, float x1, float x2, float[] out, int offset) {
        for (int j = 0; j < names.size(); j++) {
            out[offset + j] = value(names.get(j), x1, x2);
        }
    }

    /** The features of every point, row-major {@code [points.size(), names.size()]}. */
    public static float[] compute(List<String> names, Points2D points) {
        return compute(names, points.x1(), points.x2());
    }

    /** The features of the points {@code (x1[i], x2[i])}, row-major {@code [x1.length, names.size()]}. */
    public static float[] compute(List<String> names, float[] x1, float[] x2) {
        validate(names);
        int f = names.size();
        float[] out = new float[x1.length * f];
        for (int i = 0; i < x1.length; i++) {
            compute(names, x1[i], x2[i], out, i * f);
        }
        return out;
    }
}
