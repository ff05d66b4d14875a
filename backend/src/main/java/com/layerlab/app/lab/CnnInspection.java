package com.layerlab.app.lab;

import com.layerlab.engine.experiment.Experiment;
import com.layerlab.engine.experiment.ExperimentException;
import com.layerlab.engine.experiment.LayerInfo;
import com.layerlab.engine.experiment.LayerSpec;
import com.layerlab.engine.experiment.MemoryEstimate;
import com.layerlab.engine.experiment.ModelSummary;
import com.layerlab.engine.experiment.Models;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A model as the layer editor shows it: every layer's input and output shape and parameter count,
 * from the engine's {@link Models#inspect}, and where a layer breaks the shapes, that layer and the
 * engine's reason (the layers before it keep their shapes; the ones after it have none).
 */
public final class CnnInspection {

    private static final Pattern LAYER = Pattern.compile("^model\\[(\\d+)\\](?: \\([^)]*\\))?:? ?(.*)$", Pattern.DOTALL);

    /** One layer: shapes are null where they cannot be known (at or after a broken layer). */
    public record Row(int index, String type, int[] input, int[] output, long params, String error) {
        public boolean ok() {
            return error == null && output != null;
        }
    }

    /**
     * The whole model.
     *
     * @param input       the per-sample input shape (null when it cannot be known)
     * @param inputError  why the input shape is wrong, or null
     * @param errorIndex  the first broken layer, -1 when none
     */
    public record Result(int[] input, String inputError, List<Row> rows, long totalParams, int errorIndex) {
        public boolean ok() {
            return inputError == null && errorIndex < 0;
        }

        /** The model's output shape, null when broken. */
        public int[] output() {
            return ok() && !rows.isEmpty() ? rows.get(rows.size() - 1).output() : null;
        }

        /** The first problem, for a banner: the input's or the broken layer's, naming it. */
        public String problem() {
            if (inputError != null) {
                return "Input: " + inputError;
            }
            if (errorIndex >= 0) {
                Row r = rows.get(errorIndex);
                return "Layer " + errorIndex + " (" + r.type() + "): " + r.error();
            }
            return null;
        }
    }

    private CnnInspection() {
    }

    public static Result inspect(Experiment e) {
        List<LayerSpec> model = e.model() == null ? List.of() : e.model();
        int[] input;
        try {
            input = Models.inputShape(e);
        } catch (ExperimentException ex) {
            return new Result(null, ex.getMessage(), unknownRows(model, 0, List.of()), 0, -1);
        }
        if (model.isEmpty()) {
            return new Result(input, null, List.of(), 0, -1);
        }
        int huge = firstTooLarge(model);
        if (huge >= 0 && (huge == 0 || fits(e.withModel(model.subList(0, huge))))) {
            return broken(e, input, huge, CnnLayerTypes.tooLarge(model.get(huge)));
        }
        try {
            ModelSummary s = Models.inspect(e);
            return new Result(input, null, rows(input, s.layers()), s.totalParams(), -1);
        } catch (ExperimentException ex) {
            Matcher m = LAYER.matcher(ex.getMessage() == null ? "" : ex.getMessage());
            if (!m.matches()) {
                // not about one layer (e.g. the model is too large altogether): show it on the last
                List<Row> rows = unknownRows(model, 0, List.of());
                int last = rows.size() - 1;
                Row r = rows.get(last);
                rows.set(last, new Row(r.index(), r.type(), null, null, 0, ex.getMessage()));
                return new Result(input, null, rows, 0, last);
            }
            return broken(e, input, Math.min(Integer.parseInt(m.group(1)), model.size() - 1), reason(m.group(2)));
        }
    }

    /** The first layer with more channels or features than the lab takes, or -1. */
    private static int firstTooLarge(List<LayerSpec> model) {
        for (int i = 0; i < model.size(); i++) {
            if (model.get(i) != null && CnnLayerTypes.tooLarge(model.get(i)) != null) {
                return i;
            }
        }
        return -1;
    }

    private static boolean fits(Experiment e) {
        try {
            Models.inspect(e);
            return true;
        } catch (ExperimentException ex) {
            return false;
        }
    }

    /** The model with layer {@code bad} broken for {@code why}: the layers before it keep their shapes. */
    private static Result broken(Experiment e, int[] input, int bad, String why) {
        List<LayerSpec> model = e.model();
        List<LayerInfo> before = List.of();
        long total = 0;
        if (bad > 0) {
            try {
                ModelSummary s = Models.inspect(e.withModel(model.subList(0, bad)));
                before = s.layers();
                total = s.totalParams();
            } catch (ExperimentException ignored) {
                // the engine named the first broken layer, so the ones before it inspect
            }
        }
        List<Row> rows = new ArrayList<>(rows(input, before));
        int[] in = rows.isEmpty() ? input : rows.get(rows.size() - 1).output();
        LayerSpec spec = model.get(bad);
        rows.add(new Row(bad, spec == null || spec.type() == null ? "?" : spec.type(), in, null, 0, why));
        rows.addAll(unknownRows(model, bad + 1, List.of()));
        return new Result(input, null, rows, total, bad);
    }

    private static String reason(String text) {
        String t = text.trim();
        // not capitalised: messages often start with a PyTorch argument name (kernel_size ...)
        return t.isEmpty() ? "this layer does not fit" : t;
    }

    private static List<Row> rows(int[] input, List<LayerInfo> infos) {
        List<Row> rows = new ArrayList<>();
        int[] in = input;
        for (LayerInfo l : infos) {
            rows.add(new Row(l.index(), l.type(), in, l.outputShape(), l.params(), null));
            in = l.outputShape();
        }
        return rows;
    }

    private static List<Row> unknownRows(List<LayerSpec> model, int from, List<Row> into) {
        List<Row> rows = new ArrayList<>(into);
        for (int i = from; i < model.size(); i++) {
            LayerSpec s = model.get(i);
            rows.add(new Row(i, s == null || s.type() == null ? "?" : s.type(), null, null, 0, null));
        }
        return rows;
    }

    /** A shape as PyTorch prints a per-sample size: {@code [32, 16, 16]}. */
    public static String shape(int[] shape) {
        if (shape == null) {
            return "\u2013";
        }
        return Arrays.toString(shape);
    }

    /** What the data set offers, as far as the training check needs it. */
    public record DataInfo(String id, int images, int classes, int[] shape) {
    }

    /**
     * Why this experiment cannot be trained here (a sentence for the user), or null when it can:
     * a broken layer, an input or output that does not fit the data, or one of the server's limits.
     */
    public static String trainProblem(Experiment e, Result r, DataInfo data, CnnLimits limits) {
        String before = problemBeforeMemory(e, r, data, limits);
        return before != null ? before : memoryProblem(e, limits);
    }

    /** The checks that come first: the memory estimate needs a model, data and batch size that are right. */
    private static String problemBeforeMemory(Experiment e, Result r, DataInfo data, CnnLimits limits) {
        if (!r.ok()) {
            return r.problem();
        }
        if (r.rows().isEmpty()) {
            return "The model has no layers: add some.";
        }
        if (data == null) {
            return "Pick a data set to train on.";
        }
        if (data.shape() != null && !Arrays.equals(data.shape(), r.input())) {
            return "The input shape is " + shape(r.input()) + " but the images of " + data.id() + " are "
                    + shape(data.shape()) + ": choose \"from the data set\" to train on them.";
        }
        int[] out = r.output();
        if (out.length != 1 || out[0] != data.classes()) {
            String fix = out.length == 1 ? "set the last Linear layer's out_features to " + data.classes()
                    : r.rows().stream().filter(row -> row.type().equals("Linear") && row.input().length > 1).findFirst()
                            .map(row -> "layer " + row.index() + " (Linear) gets " + shape(row.input())
                                    + " and, as in PyTorch, maps only its last axis: add a Flatten before it")
                            .orElse("end with Flatten and Linear(out_features=" + data.classes() + ")");
            return "The model's output is " + shape(out) + " but " + data.id() + " has " + data.classes()
                    + " classes, so CrossEntropyLoss needs [" + data.classes() + "] (one score per class): " + fix + ".";
        }
        if (r.totalParams() > limits.maxParams()) {
            return String.format(Locale.ROOT, "The model has %,d parameters; this server trains at most %,d. "
                    + "Use fewer channels or a smaller Linear layer.", r.totalParams(), limits.maxParams());
        }
        if (data.images() > limits.maxImages()) {
            return String.format(Locale.ROOT, "%s has %,d images; this server trains on at most %,d: set \"limit\".",
                    data.id(), data.images(), limits.maxImages());
        }
        Integer epochs = e.epochs();
        if (epochs == null || epochs < 1 || epochs > limits.maxEpochs()) {
            return "Epochs must be from 1 to " + limits.maxEpochs() + ".";
        }
        if (e.data() == null || e.data().batchSize() == null || e.data().batchSize() < 1
                || e.data().batchSize() > limits.maxBatchSize()) {
            return "The batch size must be from 1 to " + limits.maxBatchSize() + ".";
        }
        return null;
    }

    /**
     * A model whose training would take more memory than the server allows (its parameters may be few:
     * 6,000 channels of a 1x1 convolution are 24 MB per 32x32 image), from the engine's estimate.
     */
    private static String memoryProblem(Experiment e, CnnLimits limits) {
        MemoryEstimate m;
        try {
            m = Models.memoryEstimate(e);
        } catch (ExperimentException ex) {
            // a tensor larger than any array: not even a larger bound would do
            return "The model is too large to train: " + ex.getMessage() + ".";
        }
        if (m.bytes() <= limits.maxMemoryBytes()) {
            return null;
        }
        // the test images are evaluated a fixed number at a time: there a smaller batch size does not help
        boolean training = m.activationBytes() >= m.evaluationBytes();
        return "Training this model needs " + m.describe() + ". This server trains models of at most "
                + MemoryEstimate.size(limits.maxMemoryBytes()) + ": use fewer channels"
                + (training ? ", pool earlier or a smaller batch size." : " or pool earlier.");
    }

    /**
     * The layer to mark when the model is over the memory bound: the one with the largest output, with
     * what to do there. Null when the model fits, or is refused for another reason first.
     */
    public static LayerNote memoryNote(Experiment e, Result r, DataInfo data, CnnLimits limits) {
        if (problemBeforeMemory(e, r, data, limits) != null) {
            return null;
        }
        try {
            MemoryEstimate m = Models.memoryEstimate(e);
            if (m.bytes() <= limits.maxMemoryBytes()) {
                return null;
            }
            return new LayerNote(m.biggest().index(), "Its output " + shape(m.biggest().outputShape())
                    + " is the largest: the model needs about " + MemoryEstimate.size(m.bytes()) + " to train, more than "
                    + "the server's " + MemoryEstimate.size(limits.maxMemoryBytes()) + ". Use fewer channels here.");
        } catch (ExperimentException ex) {
            return null;
        }
    }

    /** A message for one layer of the editor. */
    public record LayerNote(int index, String text) {
    }
}
