package com.layerlab.engine.experiment;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.layerlab.engine.tensor.TensorTooLargeException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The layer types of FORMAT.md: their arguments (PyTorch names and defaults), argument checks,
 * per-sample shape inference and parameter counts. Shapes here never include the batch axis.
 */
public final class Layers {

    private enum Kind { POS_INT, INT, BOOL, PROBABILITY, POS_NUMBER, NUMBER, POS_SIZE, NONNEG_SIZE }

    private record Arg(String name, Kind kind, boolean required, Object dflt) {
    }

    private static final Map<String, List<Arg>> TYPES = new LinkedHashMap<>();

    static {
        TYPES.put("Linear", List.of(req("out_features", Kind.POS_INT), opt("in_features", Kind.POS_INT, null),
                opt("bias", Kind.BOOL, true)));
        TYPES.put("Conv1d", conv(false));
        TYPES.put("Conv2d", conv(false));
        TYPES.put("Conv3d", conv(false));
        TYPES.put("ConvTranspose2d", conv(true));
        TYPES.put("MaxPool2d", List.of(req("kernel_size", Kind.POS_SIZE), opt("stride", Kind.POS_SIZE, null),
                opt("padding", Kind.NONNEG_SIZE, 0), opt("dilation", Kind.POS_SIZE, 1), opt("ceil_mode", Kind.BOOL, false)));
        TYPES.put("AvgPool2d", List.of(req("kernel_size", Kind.POS_SIZE), opt("stride", Kind.POS_SIZE, null),
                opt("padding", Kind.NONNEG_SIZE, 0), opt("ceil_mode", Kind.BOOL, false)));
        TYPES.put("ReLU", List.of());
        TYPES.put("Tanh", List.of());
        TYPES.put("Sigmoid", List.of());
        TYPES.put("LeakyReLU", List.of(opt("negative_slope", Kind.NUMBER, 0.01)));
        TYPES.put("Identity", List.of());
        TYPES.put("Flatten", List.of(opt("start_dim", Kind.INT, 1)));
        TYPES.put("Dropout", List.of(opt("p", Kind.PROBABILITY, 0.5)));
        // num_features is PyTorch's (required there); here it is inferred like in_features
        TYPES.put("BatchNorm1d", List.of(opt("eps", Kind.POS_NUMBER, 1e-5), opt("momentum", Kind.PROBABILITY, 0.1),
                opt("num_features", Kind.POS_INT, null)));
        TYPES.put("BatchNorm2d", List.of(opt("eps", Kind.POS_NUMBER, 1e-5), opt("momentum", Kind.PROBABILITY, 0.1),
                opt("num_features", Kind.POS_INT, null)));
        TYPES.put("Softmax", List.of(opt("dim", Kind.INT, 1)));
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private Layers() {
    }

    private static Arg req(String n, Kind k) {
        return new Arg(n, k, true, null);
    }

    private static Arg opt(String n, Kind k, Object d) {
        return new Arg(n, k, false, d);
    }

    private static List<Arg> conv(boolean transposed) {
        List<Arg> a = new ArrayList<>(List.of(req("out_channels", Kind.POS_INT), req("kernel_size", Kind.POS_SIZE),
                opt("stride", Kind.POS_SIZE, 1), opt("padding", Kind.NONNEG_SIZE, 0)));
        if (transposed) {
            a.add(opt("output_padding", Kind.NONNEG_SIZE, 0));
        }
        a.addAll(List.of(opt("dilation", Kind.POS_SIZE, 1), opt("groups", Kind.POS_INT, 1), opt("bias", Kind.BOOL, true),
                opt("in_channels", Kind.POS_INT, null)));
        return List.copyOf(a);
    }

    /** Every type a file may use, in FORMAT.md's order. */
    public static List<String> types() {
        return List.copyOf(TYPES.keySet());
    }

    public static boolean isKnown(String type) {
        return TYPES.containsKey(type);
    }

    /** The argument names of a type, in FORMAT.md's order. */
    public static List<String> argumentNames(String type) {
        List<String> names = new ArrayList<>();
        for (Arg a : TYPES.getOrDefault(type, List.of())) {
            names.add(a.name());
        }
        return names;
    }

    /** A layer's arguments after checking, with PyTorch's defaults filled in. */
    static final class Checked {
        final int index;
        final String type;
        private final Map<String, Object> values;

        private Checked(int index, String type, Map<String, Object> values) {
            this.index = index;
            this.type = type;
            this.values = values;
        }

        String where() {
            return "model[" + index + "] (" + type + "): ";
        }

        ExperimentException error(String message) {
            return new ExperimentException(where() + message);
        }

        int integer(String name) {
            return (Integer) values.get(name);
        }

        Integer optionalInteger(String name) {
            return (Integer) values.get(name);
        }

        boolean bool(String name) {
            return (Boolean) values.get(name);
        }

        double number(String name) {
            return (Double) values.get(name);
        }

        int[] size(String name) {
            int[] v = (int[]) values.get(name);
            return v == null ? null : v.clone();
        }
    }

    /** Checks a layer's type and arguments; the message names the layer and the argument. */
    static Checked check(int index, LayerSpec spec) {
        String where = "model[" + index + "]";
        if (spec == null) {
            throw new ExperimentException(where + ": must be a layer object such as {\"type\": \"Linear\", \"out_features\": 8}");
        }
        if (spec.type() == null) {
            throw new ExperimentException(where + ": type is missing (one of " + String.join(", ", TYPES.keySet()) + ")");
        }
        List<Arg> defs = TYPES.get(spec.type());
        if (defs == null) {
            throw new ExperimentException(where + ": unknown layer type \"" + spec.type() + "\" (known: "
                    + String.join(", ", TYPES.keySet()) + ")");
        }
        where = where + " (" + spec.type() + "): ";
        for (String name : spec.args().keySet()) {
            if (defs.stream().noneMatch(a -> a.name().equals(name))) {
                throw new ExperimentException(where + "unknown argument \"" + name + "\" ("
                        + (defs.isEmpty() ? spec.type() + " takes no arguments"
                        : "arguments: " + String.join(", ", argumentNames(spec.type()))) + ")");
            }
        }
        int spatial = spatialDims(spec.type());
        Map<String, Object> values = new LinkedHashMap<>();
        for (Arg a : defs) {
            Object v = spec.args().get(a.name());
            if (v == null) {
                if (a.required()) {
                    throw new ExperimentException(where + a.name() + " is missing");
                }
                v = a.dflt();
                if (v == null) {
                    values.put(a.name(), null);
                    continue;
                }
            }
            values.put(a.name(), convert(where, a, v, spatial));
        }
        if (values.containsKey("stride") && values.get("stride") == null) {
            values.put("stride", values.get("kernel_size")); // pools: stride defaults to kernel_size
        }
        return new Checked(index, spec.type(), values);
    }

    private static int spatialDims(String type) {
        return switch (type) {
            case "Conv1d" -> 1;
            case "Conv3d" -> 3;
            default -> 2;
        };
    }

    private static Object convert(String where, Arg a, Object v, int spatial) {
        switch (a.kind()) {
            case BOOL -> {
                if (v instanceof Boolean) {
                    return v;
                }
                throw bad(where, a.name(), "must be true or false", v);
            }
            case POS_INT, INT -> {
                Integer i = asInt(v);
                int min = a.kind() == Kind.POS_INT ? 1 : Integer.MIN_VALUE;
                if (i == null && beyondInt(v)) {
                    throw bad(where, a.name(), "is too large: at most " + String.format(Locale.ROOT, "%,d", Integer.MAX_VALUE), v);
                }
                if (i == null || i < min) {
                    throw bad(where, a.name(), kindText(a.kind(), spatial), v);
                }
                return i;
            }
            case PROBABILITY, POS_NUMBER, NUMBER -> {
                if (!(v instanceof Number n) || !Double.isFinite(n.doubleValue())) {
                    throw bad(where, a.name(), kindText(a.kind(), spatial), v);
                }
                double d = n.doubleValue();
                if ((a.kind() == Kind.PROBABILITY && (d < 0 || d > 1)) || (a.kind() == Kind.POS_NUMBER && d <= 0)) {
                    throw bad(where, a.name(), kindText(a.kind(), spatial), v);
                }
                return d;
            }
            case POS_SIZE, NONNEG_SIZE -> {
                int min = a.kind() == Kind.POS_SIZE ? 1 : 0;
                int[] size = new int[spatial];
                Integer single = asInt(v);
                if (single != null) {
                    if (single < min) {
                        throw bad(where, a.name(), kindText(a.kind(), spatial), v);
                    }
                    Arrays.fill(size, single);
                    return size;
                }
                if (v instanceof List<?> list && list.size() == spatial) {
                    for (int k = 0; k < spatial; k++) {
                        Integer e = asInt(list.get(k));
                        if (e == null || e < min) {
                            throw bad(where, a.name(), kindText(a.kind(), spatial), v);
                        }
                        size[k] = e;
                    }
                    return size;
                }
                throw bad(where, a.name(), kindText(a.kind(), spatial), v);
            }
            default -> throw new IllegalStateException(a.kind().toString());
        }
    }

    private static String kindText(Kind k, int spatial) {
        String list = spatial == 1 ? "a list of 1 " : "a list of " + spatial + " ";
        return switch (k) {
            case POS_INT -> "must be a positive integer";
            case INT -> "must be an integer";
            case BOOL -> "must be true or false";
            case PROBABILITY -> "must be a number between 0 and 1";
            case POS_NUMBER -> "must be a positive number";
            case NUMBER -> "must be a number";
            case POS_SIZE -> "must be a positive integer or " + list + "positive integers";
            case NONNEG_SIZE -> "must be a non-negative integer or " + list + "non-negative integers";
        };
    }

    private static ExperimentException bad(String where, String name, String rule, Object got) {
        return new ExperimentException(where + name + " " + rule + ", got " + json(got));
    }

    /** A value as JSON text, for messages: strings quoted, lists in brackets. */
    static String json(Object v) {
        try {
            return JSON.writeValueAsString(v);
        } catch (JsonProcessingException e) {
            return String.valueOf(v);
        }
    }

    /** The value as an int when it is a JSON integer within int range, else null. */
    static Integer asInt(Object v) {
        if (v instanceof Integer i) {
            return i;
        }
        if (v instanceof Long || v instanceof Short || v instanceof Byte) {
            long l = ((Number) v).longValue();
            return l == (int) l ? (int) l : null;
        }
        if (v instanceof BigInteger b) {
            return b.bitLength() < 32 ? b.intValue() : null;
        }
        return null;
    }

    /** A whole number too large (or too small) for an int: a size that is too large, not a malformed one. */
    private static boolean beyondInt(Object v) {
        if (v instanceof BigInteger || v instanceof Long) {
            return true; // asInt took those within range
        }
        return v instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue()) && Double.isFinite(n.doubleValue())
                && Math.abs(n.doubleValue()) > Integer.MAX_VALUE;
    }

    /** Output shape and parameter count of one layer. */
    record Inferred(int[] outputShape, long params) {
    }

    /** Infers the layer's per-sample output shape from its input shape, and counts its parameters. */
    static Inferred infer(Checked l, int[] in) {
        switch (l.type) {
            case "Linear" -> {
                // as torch.nn.Linear: it maps the last axis and keeps the others ([C, H, W] -> [C, H, out])
                Integer given = l.optionalInteger("in_features");
                int features = in[in.length - 1];
                if (given != null && given != features) {
                    throw l.error("expects input whose last axis is " + given + " (in_features is " + given + ") but got "
                            + shape(in) + (in.length > 1 ? "; add a Flatten layer before it to use all " + count(in, 0)
                            + " values" : ""));
                }
                int out = l.integer("out_features");
                long params = mul((long) features, out) + (l.bool("bias") ? out : 0);
                int[] outShape = in.clone();
                outShape[in.length - 1] = out;
                return new Inferred(outShape, params);
            }
            case "Conv1d", "Conv2d", "Conv3d", "ConvTranspose2d" -> {
                return conv(l, in);
            }
            case "MaxPool2d", "AvgPool2d" -> {
                return pool(l, in);
            }
            case "ReLU", "Tanh", "Sigmoid", "LeakyReLU", "Identity", "Dropout" -> {
                return new Inferred(in.clone(), 0);
            }
            case "Flatten" -> {
                int d = batchAxis(l, "start_dim", l.integer("start_dim"), in);
                int[] out = Arrays.copyOf(in, d);
                long n = count(in, d - 1);
                if (n > Integer.MAX_VALUE) {
                    throw l.error("input " + shape(in) + " has too many values to flatten (" + n + ")");
                }
                out[d - 1] = (int) n;
                return new Inferred(out, 0);
            }
            case "Softmax" -> {
                batchAxis(l, "dim", l.integer("dim"), in);
                return new Inferred(in.clone(), 0);
            }
            case "BatchNorm1d", "BatchNorm2d" -> {
                boolean two = l.type.equals("BatchNorm2d");
                if (two ? in.length != 3 : in.length != 1 && in.length != 2) {
                    throw l.error("expects input of shape " + (two ? "[C, H, W]" : "[C] or [C, L]") + " but got " + shape(in));
                }
                Integer given = l.optionalInteger("num_features");
                if (given != null && given != in[0]) {
                    throw l.error("expects input of shape [" + given + (two ? ", H, W]" : "]") + " but got " + shape(in)
                            + " (num_features is " + given + ")");
                }
                return new Inferred(in.clone(), 2L * in[0]);
            }
            default -> throw new IllegalStateException(l.type);
        }
    }

    /**
     * Turns a PyTorch axis of the batched tensor ({@code start_dim}, {@code dim}; negative counts from the
     * end) into a position 1..rank; the batch axis itself is refused.
     */
    private static int batchAxis(Checked l, String name, int value, int[] in) {
        int rank = in.length + 1;
        int d = value < 0 ? value + rank : value;
        if (d < 0 || d >= rank) {
            throw l.error(name + " " + value + " is out of range for input " + shape(in) + " (with the batch axis: "
                    + (-rank) + " to " + (rank - 1) + ")");
        }
        if (d == 0) {
            throw l.error(name + " " + value + " is the batch axis; use 1 for the first axis of a sample");
        }
        return d;
    }

    private static Inferred conv(Checked l, int[] in) {
        boolean transposed = l.type.equals("ConvTranspose2d");
        int n = spatialDims(l.type);
        Integer given = l.optionalInteger("in_channels");
        String axes = n == 1 ? ", L]" : n == 2 ? ", H, W]" : ", D, H, W]";
        if (in.length != n + 1) {
            throw l.error("expects input of shape [" + (given == null ? "C" : given) + axes + " but got " + shape(in)
                    + (in.length == 1 && n == 2 ? "; set input_shape to the image shape [C, H, W]" : ""));
        }
        if (given != null && given != in[0]) {
            throw l.error("expects input of shape [" + given + axes + " but got " + shape(in) + " (in_channels is " + given + ")");
        }
        int inC = in[0];
        int outC = l.integer("out_channels");
        int groups = l.integer("groups");
        if (inC % groups != 0) {
            throw l.error("in_channels " + inC + " is not divisible by groups " + groups);
        }
        if (outC % groups != 0) {
            throw l.error("out_channels " + outC + " is not divisible by groups " + groups);
        }
        int[] k = l.size("kernel_size");
        int[] s = l.size("stride");
        int[] p = l.size("padding");
        int[] d = l.size("dilation");
        int[] op = transposed ? l.size("output_padding") : new int[n];
        long[] out = new long[n + 1];
        out[0] = outC;
        boolean tooSmall = false;
        for (int a = 0; a < n; a++) {
            if (transposed) {
                if (op[a] >= Math.max(s[a], d[a])) {
                    throw l.error("output_padding " + shape(op) + " must be smaller than stride " + shape(s)
                            + " or dilation " + shape(d));
                }
                out[a + 1] = (long) (in[a + 1] - 1) * s[a] - 2L * p[a] + (long) d[a] * (k[a] - 1) + op[a] + 1;
            } else {
                out[a + 1] = Math.floorDiv((long) in[a + 1] + 2L * p[a] - (long) d[a] * (k[a] - 1) - 1, s[a]) + 1;
            }
            tooSmall |= out[a + 1] < 1;
        }
        if (tooSmall) {
            throw l.error("input " + shape(in) + " is too small for kernel_size " + shape(k) + " with padding " + shape(p)
                    + " and dilation " + shape(d) + ": the output would be " + Arrays.toString(out));
        }
        long kernel = 1;
        for (int a = 0; a < n; a++) {
            kernel = mul(kernel, k[a]);
        }
        long weights = transposed ? mul(mul(inC, outC / groups), kernel) : mul(mul(outC, inC / groups), kernel);
        int[] outShape = toInts(l, out);
        // the engine multiplies by the unfolded input (im2col): for one sample, the channels on the
        // convolution's input side times the kernel, by the positions on its output side
        long unfolded = transposed ? mul(mul(outC, kernel), count(in, 1)) : mul(mul(inC, kernel), count(outShape, 1));
        if (unfolded > TensorTooLargeException.MAX_VALUES) {
            throw l.error(String.format(Locale.ROOT, "its unfolded input (im2col: channels x kernel positions x output "
                    + "positions) would hold %,d values for one sample, more than the %,d one array can hold; use fewer "
                    + "channels, a smaller kernel or a smaller input", unfolded, TensorTooLargeException.MAX_VALUES));
        }
        return new Inferred(outShape, weights + (l.bool("bias") ? outC : 0));
    }

    private static Inferred pool(Checked l, int[] in) {
        if (in.length != 3) {
            throw l.error("expects input of shape [C, H, W] but got " + shape(in));
        }
        boolean max = l.type.equals("MaxPool2d");
        int[] k = l.size("kernel_size");
        int[] s = l.size("stride");
        int[] p = l.size("padding");
        int[] d = max ? l.size("dilation") : new int[] {1, 1};
        boolean ceil = l.bool("ceil_mode");
        long[] out = new long[3];
        out[0] = in[0];
        boolean tooSmall = false;
        for (int a = 0; a < 2; a++) {
            // PyTorch's pool2d_shape_check: against the plain kernel size, dilated or not (MaxPool2d's
            // check against the dilated size is the weaker of its two)
            if (p[a] > k[a] / 2) {
                throw l.error("padding " + shape(p) + " must be at most half of kernel_size " + shape(k));
            }
            long span = (long) in[a + 1] + 2L * p[a] - (long) d[a] * (k[a] - 1) - 1;
            long o = (ceil ? -Math.floorDiv(-span, s[a]) : Math.floorDiv(span, s[a])) + 1;
            // with ceil_mode the last window must start inside the input or its left padding
            if (ceil && (o - 1) * s[a] >= (long) in[a + 1] + p[a]) {
                o--;
            }
            out[a + 1] = o;
            tooSmall |= o < 1;
        }
        if (tooSmall) {
            throw l.error("input " + shape(in) + " is too small for kernel_size " + shape(k) + " with padding " + shape(p)
                    + ": the output would be " + Arrays.toString(out));
        }
        return new Inferred(toInts(l, out), 0);
    }

    private static int[] toInts(Checked l, long[] v) {
        int[] r = new int[v.length];
        for (int i = 0; i < v.length; i++) {
            if (v[i] > Integer.MAX_VALUE) {
                throw l.error("output shape " + Arrays.toString(v) + " is too large");
            }
            r[i] = (int) v[i];
        }
        return r;
    }

    /** The number of values in axes {@code from..} of a per-sample shape. */
    static long count(int[] shape, int from) {
        long n = 1;
        for (int k = from; k < shape.length; k++) {
            n = mul(n, shape[k]);
        }
        return n;
    }

    private static long mul(long a, long b) {
        try {
            return Math.multiplyExact(a, b);
        } catch (ArithmeticException e) {
            throw tooLarge();
        }
    }

    static long add(long a, long b) {
        try {
            return Math.addExact(a, b);
        } catch (ArithmeticException e) {
            throw tooLarge();
        }
    }

    private static ExperimentException tooLarge() {
        return new ExperimentException("the model is too large: its parameter count overflows");
    }

    /** {@code [3, 30, 30]}. */
    static String shape(int[] s) {
        return Arrays.toString(s);
    }
}
