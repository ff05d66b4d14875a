package com.layerlab.app.lab;

import com.layerlab.engine.experiment.LayerSpec;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The layers the CNN lab's editor offers, with the fields it shows for each under their PyTorch
 * names. The engine ({@code Models.inspect}) stays the judge of what is valid: text that does not
 * parse is passed on as it was typed, so that the engine's message names the layer and the field.
 */
public final class CnnLayerTypes {

    /** What a field holds: an int, a size (an int or one per spatial axis, "3, 5"), a flag, a number. */
    public enum Kind { INT, SIZE, BOOL, NUMBER }

    /** A field of the editor: the PyTorch argument name, its kind, and PyTorch's default as shown when empty. */
    public record Field(String name, Kind kind, String defaultText) {
    }

    /** The editor's layer types, in the order its menu lists them. */
    public static final List<String> TYPES = List.of("Conv2d", "MaxPool2d", "AvgPool2d", "ReLU", "Tanh", "Sigmoid",
            "Flatten", "Linear", "Dropout", "BatchNorm2d");

    /** The activations a comparison swaps. */
    public static final List<String> ACTIVATIONS = List.of("ReLU", "Tanh", "Sigmoid");

    private static final Map<String, List<Field>> FIELDS = new LinkedHashMap<>();
    private static final Map<String, String> SUMMARIES = new LinkedHashMap<>();

    static {
        FIELDS.put("Conv2d", List.of(new Field("out_channels", Kind.INT, ""), new Field("kernel_size", Kind.SIZE, ""),
                new Field("stride", Kind.SIZE, "1"), new Field("padding", Kind.SIZE, "0"), new Field("dilation", Kind.SIZE, "1"),
                new Field("groups", Kind.INT, "1"), new Field("bias", Kind.BOOL, "true")));
        FIELDS.put("MaxPool2d", List.of(new Field("kernel_size", Kind.SIZE, ""), new Field("stride", Kind.SIZE, "= kernel"),
                new Field("padding", Kind.SIZE, "0"), new Field("dilation", Kind.SIZE, "1"),
                new Field("ceil_mode", Kind.BOOL, "false")));
        FIELDS.put("AvgPool2d", List.of(new Field("kernel_size", Kind.SIZE, ""), new Field("stride", Kind.SIZE, "= kernel"),
                new Field("padding", Kind.SIZE, "0"), new Field("ceil_mode", Kind.BOOL, "false")));
        FIELDS.put("ReLU", List.of());
        FIELDS.put("Tanh", List.of());
        FIELDS.put("Sigmoid", List.of());
        FIELDS.put("Flatten", List.of(new Field("start_dim", Kind.INT, "1")));
        FIELDS.put("Linear", List.of(new Field("out_features", Kind.INT, ""), new Field("bias", Kind.BOOL, "true")));
        FIELDS.put("Dropout", List.of(new Field("p", Kind.NUMBER, "0.5")));
        FIELDS.put("BatchNorm2d", List.of(new Field("eps", Kind.NUMBER, "1e-05"), new Field("momentum", Kind.NUMBER, "0.1")));

        SUMMARIES.put("Conv2d", "slides out_channels kernels over the input; each kernel sees every input channel");
        SUMMARIES.put("MaxPool2d", "keeps the largest value of each window: fewer values, no weights");
        SUMMARIES.put("AvgPool2d", "keeps the mean of each window: fewer values, no weights");
        SUMMARIES.put("ReLU", "max(x, 0): range [0, \u221e); cheap, but a neuron stuck below 0 stops learning");
        SUMMARIES.put("Tanh", "range (-1, 1), zero-centred; saturates, so gradients can vanish");
        SUMMARIES.put("Sigmoid", "1 / (1 + e^-x): range (0, 1), not zero-centred; gradients vanish in deep stacks");
        SUMMARIES.put("Flatten", "lays the values of each sample out in one row, for a Linear layer");
        SUMMARIES.put("Linear", "y = xA^T + b: every output sees every input");
        SUMMARIES.put("Dropout", "while training, zeroes each value with probability p (and scales the rest by 1/(1-p))");
        SUMMARIES.put("BatchNorm2d", "normalises each channel over the batch, then scales and shifts it (2 weights per channel)");
    }

    /**
     * The most output channels or features the lab takes in a layer: wider than any layer the server's
     * parameter limit lets train, and small enough that a layer's output on the largest images the lab
     * accepts (256x256) still has fewer than 2^31 values.
     */
    public static final int MAX_UNITS = 16_384;
    private static final List<String> UNIT_FIELDS = List.of("out_channels", "out_features");
    private static final Pattern DIGITS = Pattern.compile("\\+?\\d+");

    private static final Pattern INT = Pattern.compile("[+-]?\\d{1,9}");
    private static final Pattern PAIR = Pattern.compile("[\\[(]?\\s*([+-]?\\d{1,9})\\s*[,x\u00d7*]\\s*([+-]?\\d{1,9})\\s*[\\])]?");

    private CnnLayerTypes() {
    }

    public static boolean isEditable(String type) {
        return FIELDS.containsKey(type);
    }

    /**
     * Why a layer's {@code out_channels} or {@code out_features} is more than the lab takes, naming the
     * field, the value and the limit; null when neither is (other problems are the engine's to name).
     */
    public static String tooLarge(LayerSpec spec) {
        for (String f : UNIT_FIELDS) {
            Object v = spec.args().get(f);
            BigDecimal n = v instanceof Number num && Double.isFinite(num.doubleValue()) ? new BigDecimal(num.toString())
                    : v instanceof String t && DIGITS.matcher(t.trim()).matches() ? new BigDecimal(t.trim()) : null;
            if (n != null && n.compareTo(BigDecimal.valueOf(MAX_UNITS)) > 0) {
                return String.format(Locale.ROOT, "%s %,d is too large: a layer here has at most %,d", f,
                        n.setScale(0, RoundingMode.DOWN).toBigInteger(), MAX_UNITS);
            }
        }
        return null;
    }

    /** The fields the editor shows for a type (none for a type it does not offer). */
    public static List<Field> fields(String type) {
        return FIELDS.getOrDefault(type, List.of());
    }

    /** One line on what the layer does. */
    public static String summary(String type) {
        return SUMMARIES.getOrDefault(type, "");
    }

    /** The argument PyTorch needs that the lab infers from the previous layer's shape, or null. */
    public static String inferredArgument(String type) {
        return switch (type) {
            case "Conv2d" -> "in_channels";
            case "Linear" -> "in_features";
            case "BatchNorm2d" -> "num_features";
            default -> null;
        };
    }

    /** A new layer of {@code type} with arguments that work in most places (what "Add" inserts). */
    public static LayerSpec newLayer(String type) {
        Map<String, Object> a = new LinkedHashMap<>();
        switch (type) {
            case "Conv2d" -> {
                a.put("out_channels", 16);
                a.put("kernel_size", 3);
                a.put("padding", 1);
            }
            case "MaxPool2d", "AvgPool2d" -> a.put("kernel_size", 2);
            case "Linear" -> a.put("out_features", 10);
            default -> {
                // the others work with PyTorch's defaults
            }
        }
        return LayerSpec.of(type, a);
    }

    /**
     * The value of a field as typed: null when blank (PyTorch's default applies), an Integer, a list of
     * two Integers for a size ("3, 5", "3x5", "[3, 5]"), a Double; anything else stays the text typed.
     */
    public static Object parse(Kind kind, String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        String t = text.trim();
        switch (kind) {
            case INT -> {
                return INT.matcher(t).matches() ? Integer.valueOf(Integer.parseInt(t)) : t;
            }
            case SIZE -> {
                if (INT.matcher(t).matches()) {
                    return Integer.parseInt(t);
                }
                Matcher m = PAIR.matcher(t);
                if (m.matches()) {
                    int h = Integer.parseInt(m.group(1));
                    int w = Integer.parseInt(m.group(2));
                    return h == w ? (Object) h : List.of(h, w);
                }
                return t;
            }
            case NUMBER -> {
                try {
                    double d = Double.parseDouble(t);
                    return Double.isFinite(d) ? (Object) d : t;
                } catch (NumberFormatException e) {
                    return t;
                }
            }
            case BOOL -> {
                return switch (t.toLowerCase(Locale.ROOT)) {
                    case "true" -> Boolean.TRUE;
                    case "false" -> Boolean.FALSE;
                    default -> t;
                };
            }
            default -> throw new IllegalStateException(kind.toString());
        }
    }

    /** A field's value as the editor shows it: "5", "3, 5", "0.5"; empty for null. */
    public static String text(Object value) {
        if (value == null) {
            return "";
        }
        if (value instanceof List<?> list) {
            List<String> parts = new ArrayList<>();
            for (Object o : list) {
                parts.add(text(o));
            }
            return String.join(", ", parts);
        }
        if (value instanceof Double d && Double.isFinite(d)) {
            return java.math.BigDecimal.valueOf(d).stripTrailingZeros().toPlainString();
        }
        return String.valueOf(value);
    }

    /** The layer written as PyTorch code, e.g. {@code nn.Conv2d(3, 32, kernel_size=5, padding=2)}. */
    public static String pytorch(LayerSpec spec, int[] input) {
        StringBuilder sb = new StringBuilder("nn.").append(spec.type()).append('(');
        List<String> parts = new ArrayList<>();
        switch (spec.type()) {
            case "Conv2d" -> {
                parts.add(input != null && input.length > 0 ? String.valueOf(input[0]) : "in_channels");
                parts.add(text(spec.args().get("out_channels")));
            }
            case "Linear" -> {
                parts.add(input != null && input.length > 0 ? String.valueOf(input[input.length - 1]) : "in_features");
                parts.add(text(spec.args().get("out_features")));
            }
            case "BatchNorm2d" -> parts.add(input != null && input.length > 0 ? String.valueOf(input[0]) : "num_features");
            default -> {
            }
        }
        for (Map.Entry<String, Object> a : spec.args().entrySet()) {
            String k = a.getKey();
            if (k.equals("out_channels") || k.equals("out_features") || k.equals(inferredArgument(spec.type()))) {
                continue;
            }
            Object v = a.getValue();
            String shown = v instanceof List<?> ? "(" + text(v) + ")" : v instanceof Boolean b ? (b ? "True" : "False")
                    : v instanceof String s ? "\"" + s + "\"" : text(v);
            parts.add(k + "=" + shown);
        }
        return sb.append(String.join(", ", parts)).append(')').toString();
    }
}
