package com.layerlab.app.lab;

import com.layerlab.engine.experiment.LayerSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The course's output-size formula {@code (in - kernel + 2*padding) / stride + 1} worked out with a
 * layer's numbers, and how its parameter count comes about. Only for layers the engine has accepted:
 * the engine computes the shapes, this class shows the arithmetic behind them.
 */
public final class CnnFormula {

    private CnnFormula() {
    }

    /**
     * The size arithmetic of a Conv2d, MaxPool2d or AvgPool2d layer on input {@code [C, H, W]}, one line
     * per spatial axis ("H, W" together when they agree); empty for other layers.
     */
    public static List<String> size(LayerSpec spec, int[] in) {
        String type = spec.type();
        boolean conv = type.equals("Conv2d");
        boolean pool = type.equals("MaxPool2d") || type.equals("AvgPool2d");
        if (!(conv || pool) || in == null || in.length != 3) {
            return List.of();
        }
        int[] k = size(spec, "kernel_size", 0);
        if (k == null) {
            return List.of();
        }
        int[] s = size(spec, "stride", pool ? -1 : 1);
        if (s == null) {
            s = k.clone();
        }
        int[] p = size(spec, "padding", 0);
        int[] d = type.equals("AvgPool2d") ? new int[] {1, 1} : size(spec, "dilation", 1);
        boolean ceil = pool && Boolean.TRUE.equals(spec.args().get("ceil_mode"));
        String hw = axis(in[1], k[0], s[0], p[0], d[0], ceil);
        String ww = axis(in[2], k[1], s[1], p[1], d[1], ceil);
        List<String> lines = new ArrayList<>();
        for (int a = 0; a < 2; a++) {
            if (d[a] > 1 && (a == 0 || d[1] != d[0] || k[1] != k[0])) {
                lines.add(String.format(Locale.ROOT, "%s: kernel %d with dilation %d spans %d*(%d-1)+1 = %d pixels",
                        a == 0 ? (d[0] == d[1] && k[0] == k[1] ? "H, W" : "H") : "W", k[a], d[a], d[a], k[a],
                        effective(k[a], d[a])));
            }
        }
        if (in[1] == in[2] && hw.equals(ww)) {
            lines.add("H, W: " + hw);
        } else {
            lines.add("H: " + hw);
            lines.add("W: " + ww);
        }
        return lines;
    }

    /** The output size along one axis, as PyTorch computes it (with its ceil-mode rule). */
    public static long outputSize(int in, int kernel, int stride, int padding, int dilation, boolean ceil) {
        long span = (long) in - effective(kernel, dilation) + 2L * padding;
        long out = (ceil ? -Math.floorDiv(-span, stride) : Math.floorDiv(span, stride)) + 1;
        if (ceil && (out - 1) * stride >= (long) in + padding) {
            out--;
        }
        return out;
    }

    private static int effective(int kernel, int dilation) {
        return dilation * (kernel - 1) + 1;
    }

    private static String axis(int in, int kernel, int stride, int padding, int dilation, boolean ceil) {
        int k = effective(kernel, dilation);
        long span = (long) in - k + 2L * padding;
        long out = outputSize(in, kernel, stride, padding, dilation, ceil);
        String expr = String.format(Locale.ROOT, "(%d - %d + 2*%d) / %d", in, k, padding, stride);
        StringBuilder sb = new StringBuilder();
        if (span % stride == 0) {
            sb.append(expr).append(" + 1 = ").append(span / stride).append(" + 1");
        } else {
            String open = ceil ? "ceil(" : "floor(";
            sb.append(open).append(expr).append(") + 1 = ").append(open).append(decimal((double) span / stride))
                    .append(") + 1");
        }
        long plain = (ceil ? -Math.floorDiv(-span, stride) : Math.floorDiv(span, stride)) + 1;
        sb.append(" = ").append(plain);
        if (plain != out) {
            sb.append(", minus the last window, which would start in the padding: ").append(out);
        }
        return sb.toString();
    }

    private static String decimal(double v) {
        String s = String.format(Locale.ROOT, "%.2f", v);
        return s.replaceAll("0+$", "").replaceAll("\\.$", "");
    }

    /** How a layer's parameter count comes about, e.g. "32*3*5*5 weights + 32 biases = 2,432"; null when it has none. */
    public static String params(LayerSpec spec, int[] in, long params) {
        if (in == null || in.length == 0) {
            return null;
        }
        boolean bias = !Boolean.FALSE.equals(spec.args().get("bias"));
        switch (spec.type()) {
            case "Conv2d" -> {
                int[] k = size(spec, "kernel_size", 0);
                Integer o = intOf(spec.args().get("out_channels"));
                Integer g = intOf(spec.args().get("groups"));
                if (k == null || o == null || in.length != 3) {
                    return null;
                }
                int groups = g == null ? 1 : g;
                String inC = groups == 1 ? String.valueOf(in[0]) : "(" + in[0] + "/" + groups + ")";
                return String.format(Locale.ROOT, "%d*%s*%d*%d weights%s = %,d", o, inC, k[0], k[1],
                        bias ? " + " + o + " biases" : "", params);
            }
            case "Linear" -> {
                Integer o = intOf(spec.args().get("out_features"));
                if (o == null || in.length == 0) {
                    return null;
                }
                // as torch.nn.Linear, the weights see only the last axis
                return String.format(Locale.ROOT, "%d*%d weights%s = %,d", in[in.length - 1], o,
                        bias ? " + " + o + " biases" : "", params);
            }
            case "BatchNorm2d" -> {
                return String.format(Locale.ROOT, "a weight and a bias per channel: 2*%d = %,d (running mean and "
                        + "variance are kept too, but not learned)", in[0], params);
            }
            case "Flatten" -> {
                if (in.length < 2) {
                    return null;
                }
                List<String> f = new ArrayList<>();
                long n = 1;
                for (int v : in) {
                    f.add(String.valueOf(v));
                    n *= v;
                }
                return String.format(Locale.ROOT, "%s = %,d values in a row", String.join("*", f), n);
            }
            default -> {
                return null;
            }
        }
    }

    /**
     * A size argument as {@code [h, w]}: the given int or pair, {@code dflt} when absent ({@code -1}:
     * return null), null when it is not a size.
     */
    private static int[] size(LayerSpec spec, String name, int dflt) {
        Object v = spec.args().get(name);
        if (v == null) {
            return dflt < 0 ? null : new int[] {dflt, dflt};
        }
        Integer single = intOf(v);
        if (single != null) {
            return new int[] {single, single};
        }
        if (v instanceof List<?> l && l.size() == 2 && intOf(l.get(0)) != null && intOf(l.get(1)) != null) {
            return new int[] {intOf(l.get(0)), intOf(l.get(1))};
        }
        return null;
    }

    /** A JSON integer (Integer, or Long after a round trip through a file) as an int; null otherwise. */
    static Integer intOf(Object v) {
        if (v instanceof Integer i) {
            return i;
        }
        if (v instanceof Long l && l == (int) (long) l) {
            return (int) (long) l;
        }
        return null;
    }
}
