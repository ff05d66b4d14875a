package com.layerlab.app.lab;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The explainer's kernels: the classic image-processing presets, and the parsing of the weights a
 * user types into the kernel grid (plain numbers or fractions such as {@code 1/9}).
 */
public final class ConvolutionKernels {

    public static final int MIN_SIZE = 1;
    public static final int MAX_SIZE = 5;
    /** Weights beyond this are almost certainly typing mistakes and only wash out the colour scale. */
    public static final double MAX_ABS_WEIGHT = 1000;
    public static final String CUSTOM = "Custom";

    /**
     * A named kernel. {@code cells} hold the weights as the grid shows them (fractions stay fractions),
     * row-major.
     */
    public record Preset(String name, int size, List<String> cells, String description) {

        public float[] weights() {
            Parsed p = parse(cells, size);
            if (!p.ok()) {
                throw new IllegalStateException("preset " + name + ": " + p.errors());
            }
            return p.weights();
        }
    }

    public static final List<Preset> PRESETS = List.of(
            new Preset("Identity", 3, cells("0 0 0 / 0 1 0 / 0 0 0"),
                    "Copies the input: only the centre weight is 1."),
            new Preset("Edge detection", 3, cells("-1 -1 -1 / -1 8 -1 / -1 -1 -1"),
                    "Zero on flat areas (the weights sum to 0), large where a pixel differs from its neighbours."),
            new Preset("Sharpen", 3, cells("0 -1 0 / -1 5 -1 / 0 -1 0"),
                    "The pixel plus its difference from the four neighbours: edges get stronger."),
            new Preset("Box blur", 3, cells("1/9 1/9 1/9 / 1/9 1/9 1/9 / 1/9 1/9 1/9"),
                    "The mean of the 3x3 neighbourhood."),
            new Preset("Gaussian blur", 3, cells("1/16 2/16 1/16 / 2/16 4/16 2/16 / 1/16 2/16 1/16"),
                    "A weighted mean: near pixels count more than far ones."),
            new Preset("Gaussian blur 5x5", 5, cells("1/256 4/256 6/256 4/256 1/256 / 4/256 16/256 24/256 16/256 4/256"
                    + " / 6/256 24/256 36/256 24/256 6/256 / 4/256 16/256 24/256 16/256 4/256"
                    + " / 1/256 4/256 6/256 4/256 1/256"),
                    "A wider Gaussian: stronger blur."),
            new Preset("Sobel x", 3, cells("-1 0 1 / -2 0 2 / -1 0 1"),
                    "Left-to-right change in brightness: finds vertical edges (positive where it gets brighter)."),
            new Preset("Sobel y", 3, cells("-1 -2 -1 / 0 0 0 / 1 2 1"),
                    "Top-to-bottom change in brightness: finds horizontal edges."));

    private ConvolutionKernels() {
    }

    private static List<String> cells(String rows) {
        List<String> out = new ArrayList<>();
        for (String row : rows.split("/ ")) {
            out.addAll(Arrays.asList(row.trim().split("\\s+")));
        }
        return List.copyOf(out);
    }

    /** The preset called {@code name}, or null. */
    public static Preset preset(String name) {
        return PRESETS.stream().filter(p -> p.name().equals(name)).findFirst().orElse(null);
    }

    public static List<String> presetNames() {
        return PRESETS.stream().map(Preset::name).toList();
    }

    /** The weights of a grid, or one message per cell that is not a usable number. */
    public record Parsed(float[] weights, List<String> errors) {
        public boolean ok() {
            return errors.isEmpty();
        }
    }

    /**
     * Reads the {@code size x size} cells of the kernel grid, row-major. A cell holds a decimal number
     * ({@code -1}, {@code 0.25}, {@code .5}, {@code 1e-2}) or a fraction of two ({@code 1/9}, {@code -2/16});
     * an empty cell is an error, not 0, so a half-edited grid is never silently used.
     */
    public static Parsed parse(List<String> cells, int size) {
        if (size < MIN_SIZE || size > MAX_SIZE) {
            return new Parsed(null, List.of("The kernel size must be from " + MIN_SIZE + " to " + MAX_SIZE + ", got " + size + "."));
        }
        if (cells == null || cells.size() != size * size) {
            return new Parsed(null, List.of("A " + size + "x" + size + " kernel needs " + size * size + " weights, got "
                    + (cells == null ? 0 : cells.size()) + "."));
        }
        float[] w = new float[size * size];
        List<String> errors = new ArrayList<>();
        for (int i = 0; i < cells.size(); i++) {
            String where = "Kernel row " + (i / size + 1) + ", column " + (i % size + 1);
            String text = cells.get(i) == null ? "" : cells.get(i).trim();
            if (text.isEmpty()) {
                errors.add(where + " is empty: type a number such as 0, -1, 0.5 or 1/9.");
                continue;
            }
            Double v = number(text);
            if (v == null) {
                errors.add(where + ": \"" + shorten(text) + "\" is not a number (use e.g. 2, -0.5 or 1/9).");
            } else if (Math.abs(v) > MAX_ABS_WEIGHT) {
                errors.add(where + ": " + shorten(text) + " is too large (weights from -" + (int) MAX_ABS_WEIGHT + " to "
                        + (int) MAX_ABS_WEIGHT + ").");
            } else {
                w[i] = v.floatValue();
            }
        }
        return new Parsed(errors.isEmpty() ? w : null, List.copyOf(errors));
    }

    /** Whether each cell holds a usable number, in grid order (for marking the bad ones). */
    public static boolean[] validCells(List<String> cells) {
        boolean[] ok = new boolean[cells.size()];
        for (int i = 0; i < ok.length; i++) {
            String t = cells.get(i) == null ? "" : cells.get(i).trim();
            Double v = t.isEmpty() ? null : number(t);
            ok[i] = v != null && Math.abs(v) <= MAX_ABS_WEIGHT;
        }
        return ok;
    }

    private static Double number(String text) {
        int slash = text.indexOf('/');
        if (slash >= 0) {
            Double a = plain(text.substring(0, slash).trim());
            Double b = plain(text.substring(slash + 1).trim());
            if (a == null || b == null || b == 0) {
                return null;
            }
            double v = a / b;
            return Double.isFinite(v) ? v : null;
        }
        return plain(text);
    }

    private static Double plain(String text) {
        // Java's parser takes "NaN", "Infinity", hex floats and a trailing "d" or "f": a grid wants none of them
        if (!text.matches("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?")) {
            return null;
        }
        double v = Double.parseDouble(text);
        return Double.isFinite(v) ? v : null;
    }

    private static String shorten(String text) {
        return text.length() > 20 ? text.substring(0, 20) + "..." : text;
    }

    /**
     * The cells of a kernel moved to another size, centred: a larger grid gets zeros around, a smaller one
     * keeps the middle (an identity stays an identity between odd sizes).
     */
    public static List<String> resize(List<String> cells, int from, int to) {
        if (cells.size() != from * from) {
            throw new IllegalArgumentException("a " + from + "x" + from + " grid needs " + from * from + " cells");
        }
        List<String> out = new ArrayList<>(to * to);
        int shift = (from - to) / 2;
        for (int r = 0; r < to; r++) {
            for (int c = 0; c < to; c++) {
                int sr = r + shift;
                int sc = c + shift;
                out.add(sr >= 0 && sr < from && sc >= 0 && sc < from ? cells.get(sr * from + sc) : "0");
            }
        }
        return out;
    }

    /** The name of the preset these weights equal (to float precision), or {@link #CUSTOM}. */
    public static String match(float[] weights, int size) {
        if (weights == null) {
            return CUSTOM;
        }
        for (Preset p : PRESETS) {
            if (p.size() == size && Arrays.equals(p.weights(), weights)) {
                return p.name();
            }
        }
        return CUSTOM;
    }

    /** A kernel size as the page names it: {@code 3x3}. */
    public static String label(int size) {
        return String.format(Locale.ROOT, "%dx%d", size, size);
    }
}
