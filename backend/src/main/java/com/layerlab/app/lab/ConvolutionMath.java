package com.layerlab.app.lab;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The single-channel 2D convolution the explainer shows, as PyTorch's {@code Conv2d(1, 1, k)} without
 * bias computes it: a cross-correlation (the kernel is not flipped), zero padding, one stride, one
 * padding and one dilation for both axes. Pure arithmetic, no UI: everything the page shows as a number
 * comes from here.
 *
 * <p>Sums are accumulated in double from float inputs, so the values agree with the engine's float
 * convolution to float precision.
 */
public final class ConvolutionMath {

    public static final int MAX_STRIDE = 8;
    public static final int MAX_PADDING = 8;
    public static final int MAX_DILATION = 8;

    private ConvolutionMath() {
    }

    /** Stride, padding and dilation, the same for rows and columns. */
    public record Settings(int stride, int padding, int dilation) {
    }

    /**
     * One output size along one axis, as PyTorch computes it:
     * {@code floor((in + 2 padding - dilation (kernel - 1) - 1) / stride) + 1}. Returns 0 or less when the
     * kernel does not fit into the padded input (callers show {@link #problem} instead of such a size).
     */
    public static int outputSize(int in, int kernel, int stride, int padding, int dilation) {
        if (stride < 1) {
            throw new IllegalArgumentException("stride must be at least 1, got " + stride);
        }
        long span = (long) in + 2L * padding - (long) dilation * (kernel - 1) - 1;
        return (int) Math.floorDiv(span, stride) + 1;
    }

    /** How many input pixels a dilated kernel spans: {@code dilation (kernel - 1) + 1}. */
    public static int span(int kernel, int dilation) {
        return dilation * (kernel - 1) + 1;
    }

    /** Stride, padding and dilation one by one: the name the page gives each and the values it may take. */
    public enum Setting {
        STRIDE("Stride", 1, MAX_STRIDE),
        PADDING("Padding", 0, MAX_PADDING),
        DILATION("Dilation", 1, MAX_DILATION);

        private final String label;
        private final int min;
        private final int max;

        Setting(String label, int min, int max) {
            this.label = label;
            this.min = min;
            this.max = max;
        }

        public String label() {
            return label;
        }

        public int min() {
            return min;
        }

        public int max() {
            return max;
        }
    }

    /**
     * What is wrong with one setting on its own, in words for the user ({@code value} null: nothing, or
     * not a whole number, was typed), or null when it is in range.
     */
    public static String problem(Setting which, Integer value) {
        String rule = which.label() + " must be a whole number from " + which.min() + " to " + which.max();
        if (value == null) {
            return rule + ".";
        }
        if (value >= which.min() && value <= which.max()) {
            return null;
        }
        return rule + " (got " + value + ")" + switch (which) {
            case STRIDE -> value < 1 ? ": the window has to move at least one pixel per step."
                    : ": larger steps skip most of the image.";
            case PADDING -> ".";
            case DILATION -> ": 1 means the kernel's taps sit next to each other.";
        };
    }

    /**
     * What is wrong with these settings for an input of {@code height x width} and a square kernel, in
     * words for the user, or null when the convolution can be computed.
     */
    public static String problem(int height, int width, int kernel, Settings s) {
        for (String p : new String[] {problem(Setting.STRIDE, s.stride()), problem(Setting.PADDING, s.padding()),
                problem(Setting.DILATION, s.dilation())}) {
            if (p != null) {
                return p;
            }
        }
        int span = span(kernel, s.dilation());
        int paddedH = height + 2 * s.padding();
        int paddedW = width + 2 * s.padding();
        if (span > Math.min(paddedH, paddedW)) {
            String spanText = s.dilation() == 1 ? kernel + " pixels"
                    : span + " pixels (dilation*(kernel - 1) + 1 = " + s.dilation() + "*(" + kernel + " - 1) + 1)";
            return "The " + kernel + "x" + kernel + " kernel spans " + spanText + ", but the padded input is only "
                    + paddedH + "x" + paddedW + " (" + height + "x" + width + " plus " + s.padding()
                    + " on each side): use a smaller kernel or dilation, or more padding.";
        }
        return null;
    }

    /**
     * The input surrounded by {@code padding} zeros on every side, row-major.
     */
    public static float[] pad(float[] input, int height, int width, int padding) {
        checkImage(input, height, width);
        int h = height + 2 * padding;
        int w = width + 2 * padding;
        float[] out = new float[h * w];
        for (int r = 0; r < height; r++) {
            System.arraycopy(input, r * width, out, (r + padding) * w + padding, width);
        }
        return out;
    }

    /** The whole output feature map of one convolution. */
    public record Result(int inHeight, int inWidth, int kernel, Settings settings, float[] padded, int outHeight,
                         int outWidth, double[] output) {

        public int paddedHeight() {
            return inHeight + 2 * settings.padding();
        }

        public int paddedWidth() {
            return inWidth + 2 * settings.padding();
        }

        public int positions() {
            return outHeight * outWidth;
        }

        public double value(int row, int col) {
            return output[row * outWidth + col];
        }

        /** The largest absolute output value (the colour scale's end), 0 for an all-zero map. */
        public double maxAbs() {
            double m = 0;
            for (double v : output) {
                m = Math.max(m, Math.abs(v));
            }
            return m;
        }
    }

    /**
     * Convolves a {@code height x width} input (row-major) with a square {@code kernel x kernel}
     * weight grid (row-major).
     *
     * @throws IllegalArgumentException when {@link #problem} reports one, or the arrays do not match the sizes
     */
    public static Result convolve(float[] input, int height, int width, float[] weights, int kernel, Settings s) {
        checkImage(input, height, width);
        checkKernel(weights, kernel);
        String problem = problem(height, width, kernel, s);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
        float[] padded = pad(input, height, width, s.padding());
        int pw = width + 2 * s.padding();
        int oh = outputSize(height, kernel, s.stride(), s.padding(), s.dilation());
        int ow = outputSize(width, kernel, s.stride(), s.padding(), s.dilation());
        double[] out = new double[oh * ow];
        for (int r = 0; r < oh; r++) {
            for (int c = 0; c < ow; c++) {
                double sum = 0;
                for (int i = 0; i < kernel; i++) {
                    int pr = r * s.stride() + i * s.dilation();
                    for (int j = 0; j < kernel; j++) {
                        int pc = c * s.stride() + j * s.dilation();
                        sum += (double) padded[pr * pw + pc] * weights[i * kernel + j];
                    }
                }
                out[r * ow + c] = sum;
            }
        }
        return new Result(height, width, kernel, s, padded, oh, ow, out);
    }

    /**
     * One kernel tap at one window position: the padded-input pixel it reads (row and column in the
     * padded input; {@code inPadding} when it is one of the added zeros), that pixel's value, the weight
     * and their product.
     */
    public record Tap(int kernelRow, int kernelCol, int paddedRow, int paddedCol, boolean inPadding, double input,
                      double weight, double product) {
    }

    /** The window for one output cell: its taps in kernel order, and their sum, which is the output value. */
    public record Window(int row, int col, List<Tap> taps, double sum) {
    }

    /** The window that produces output cell {@code (row, col)}. */
    public static Window window(Result res, float[] weights, int row, int col) {
        if (row < 0 || row >= res.outHeight() || col < 0 || col >= res.outWidth()) {
            throw new IndexOutOfBoundsException("output cell (" + row + ", " + col + ") outside the " + res.outHeight()
                    + "x" + res.outWidth() + " output");
        }
        checkKernel(weights, res.kernel());
        Settings s = res.settings();
        int k = res.kernel();
        int pw = res.paddedWidth();
        List<Tap> taps = new ArrayList<>(k * k);
        double sum = 0;
        for (int i = 0; i < k; i++) {
            int pr = row * s.stride() + i * s.dilation();
            for (int j = 0; j < k; j++) {
                int pc = col * s.stride() + j * s.dilation();
                double x = res.padded()[pr * pw + pc];
                double w = weights[i * k + j];
                double p = x * w;
                sum += p;
                boolean padding = pr < s.padding() || pr >= s.padding() + res.inHeight() || pc < s.padding()
                        || pc >= s.padding() + res.inWidth();
                taps.add(new Tap(i, j, pr, pc, padding, x, w, p));
            }
        }
        return new Window(row, col, List.copyOf(taps), sum);
    }

    /**
     * The output size formula worked out for one axis, PyTorch's general form first; when the dilation is
     * 1 also the course's form {@code (in - kernel + 2*padding) / stride + 1}. For sizes where the kernel
     * does not fit, the numbers still show (ending below 1) so the user sees why. Stride must be at least 1.
     */
    public static List<String> formulaLines(int in, int kernel, Settings s) {
        int st = s.stride();
        if (st < 1) {
            throw new IllegalArgumentException("stride must be at least 1, got " + st);
        }
        int p = s.padding();
        int d = s.dilation();
        long numerator = (long) in + 2L * p - (long) d * (kernel - 1) - 1;
        long q = Math.floorDiv(numerator, st);
        List<String> lines = new ArrayList<>();
        lines.add("out = floor((in + 2*padding - dilation*(kernel - 1) - 1) / stride) + 1");
        lines.add("    = floor((" + in + " + 2*" + p + " - " + d + "*(" + kernel + " - 1) - 1) / " + st + ") + 1");
        lines.add("    = floor(" + numerator + " / " + st + ") + 1 = " + q + " + 1 = " + (q + 1));
        if (d == 1) {
            long courseNumerator = (long) in - kernel + 2L * p;
            long cq = Math.floorDiv(courseNumerator, st);
            lines.add("course form: out = (in - kernel + 2*padding) / stride + 1");
            String course = "    = (" + in + " - " + kernel + " + 2*" + p + ") / " + st + " + 1 = ";
            if (courseNumerator % st == 0) {
                course += cq + " + 1 = " + (cq + 1);
            } else {
                course += format((double) courseNumerator / st) + " + 1 -> " + cq + " + 1 = " + (cq + 1)
                        + " (the division rounds down)";
            }
            lines.add(course);
        }
        return lines;
    }

    /**
     * A number as the page shows it: at most three decimals, no trailing zeros, no "-0"; large or tiny
     * values keep three significant decimals in plain notation.
     */
    public static String format(double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return Double.toString(v);
        }
        BigDecimal b = new BigDecimal(v).setScale(3, RoundingMode.HALF_UP).stripTrailingZeros();
        if (b.signum() == 0) {
            return "0";
        }
        String text = b.toPlainString();
        return text.toLowerCase(Locale.ROOT);
    }

    private static void checkImage(float[] input, int height, int width) {
        if (height < 1 || width < 1 || input == null || input.length != height * width) {
            throw new IllegalArgumentException("the input must hold height*width = " + height + "*" + width + " values, got "
                    + (input == null ? "none" : input.length));
        }
    }

    private static void checkKernel(float[] weights, int kernel) {
        if (kernel < 1 || weights == null || weights.length != kernel * kernel) {
            throw new IllegalArgumentException("a " + kernel + "x" + kernel + " kernel needs " + kernel * kernel
                    + " weights, got " + (weights == null ? "none" : weights.length));
        }
    }
}
