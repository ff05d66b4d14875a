package com.layerlab.engine.experiment;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.layerlab.datasets.Datasets2D;
import com.layerlab.datasets.Features2D;
import com.layerlab.datasets.ImageSets;
import com.layerlab.datasets.Points2D;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads and writes {@code layerlab/experiment@1} files (FORMAT.md). Every problem is reported as an
 * {@link ExperimentException} whose message names the field or layer, e.g.
 * {@code data.batch_size must be a positive integer, got "ten"}.
 */
public final class ExperimentFiles {

    private static final List<String> FIELDS = List.of("format", "name", "seed", "task", "data", "input_shape", "model",
            "loss", "optimizer", "regularization", "epochs", "backend");
    private static final List<String> DATA_FIELDS = List.of("dataset", "options", "features", "train_fraction",
            "batch_size", "shuffle", "drop_last");

    /**
     * The largest experiment file read: a real one is a few KB (a share link's unpacks to at most 256 KB),
     * and parsing a huge one would take gigabytes of memory before any field could be checked.
     */
    public static final int MAX_FILE_BYTES = 4 << 20;

    private static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(SerializationFeature.INDENT_OUTPUT);

    private ExperimentFiles() {
    }

    /** Reads a file; a missing or unreadable file is an {@link ExperimentException} too. */
    public static Experiment read(Path file) {
        return read(readText(file));
    }

    /**
     * Reads a file for a command that needs only the model (inspecting it, running it on given inputs):
     * as {@link #read(Path)}, but FORMAT.md's model-only rule applies to the {@code data} block too, so
     * it may leave out the data split ({@code train_fraction}, {@code batch_size}) that training needs.
     */
    public static Experiment readModel(Path file) {
        return readModel(readText(file));
    }

    static String readText(Path file) {
        try {
            long size = Files.size(file);
            if (size > MAX_FILE_BYTES) {
                throw new ExperimentException(file + ": " + tooLarge(size));
            }
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new ExperimentException(file + ": no such file");
        } catch (IOException e) {
            throw new ExperimentException(file + ": cannot read (" + ExperimentException.reason(e) + ")", e);
        }
    }

    /**
     * Parses and checks an experiment: JSON types and ranges, data options, layer arguments, and that the
     * model fits its input (shape inference). A model-only file is accepted; see {@link #requireTrainable}.
     */
    public static Experiment read(String json) {
        return parse(json, true);
    }

    /** As {@link #readModel(Path)}, from the file's text. */
    public static Experiment readModel(String json) {
        return parse(json, false);
    }

    /** {@code needsSplit}: a {@code data} block must give train_fraction and batch_size. */
    private static Experiment parse(String json, boolean needsSplit) {
        // a UTF-8 file has at least as many bytes as its text has chars
        if (json.length() > MAX_FILE_BYTES) {
            throw new ExperimentException(tooLarge(json.length()));
        }
        JsonNode root;
        try {
            root = MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            throw new ExperimentException("not valid JSON: " + e.getOriginalMessage()
                    + (at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")"));
        }
        if (root == null || root.isMissingNode()) {
            throw new ExperimentException("the file is empty: expected a JSON object with \"format\": \"" + Experiment.FORMAT + "\"");
        }
        if (!root.isObject()) {
            throw new ExperimentException("an experiment must be a JSON object, got " + kind(root));
        }
        JsonNode format = root.get("format");
        if (format == null || format.isNull()) {
            throw new ExperimentException("format is missing: expected \"" + Experiment.FORMAT + "\"");
        }
        if (!format.isTextual() || !format.asText().equals(Experiment.FORMAT)) {
            throw new ExperimentException("format: unknown format " + format + " (expected \"" + Experiment.FORMAT + "\")");
        }
        unknownFields("", root, FIELDS);
        Experiment e = new Experiment(
                Experiment.FORMAT,
                optString(root, "name", "name"),
                optLong(root, "seed", "seed"),
                optString(root, "task", "task"),
                data(root.get("data"), needsSplit),
                intList(root.get("input_shape"), "input_shape"),
                model(root.get("model")),
                loss(root.get("loss")),
                optimizer(root.get("optimizer")),
                regularization(root.get("regularization")),
                optNonNegInt(root.get("epochs"), "epochs"),
                optString(root, "backend", "backend"));
        validate(e);
        return e;
    }

    private static String tooLarge(long size) {
        return String.format(Locale.ROOT, "the experiment is %,d bytes, more than the %d MiB an experiment file may "
                + "have (a model with its training settings takes a few KB)", size, MAX_FILE_BYTES >> 20);
    }

    /**
     * Checks an experiment however it was made (read from a file or built by code): values and ranges,
     * data options, layer arguments and shapes.
     */
    public static void validate(Experiment e) {
        if (!Experiment.FORMAT.equals(e.format())) {
            throw new ExperimentException(e.format() == null ? "format is missing: expected \"" + Experiment.FORMAT + "\""
                    : "format: unknown format \"" + e.format() + "\" (expected \"" + Experiment.FORMAT + "\")");
        }
        if (e.task() != null && !Experiment.TASKS.contains(e.task())) {
            throw new ExperimentException("task must be \"classification\" or \"regression\", got " + Layers.json(e.task()));
        }
        if (e.data() != null) {
            validateData(e.data());
        }
        if (e.loss() != null && !LossSpec.TYPES.contains(e.loss().type())) {
            throw new ExperimentException(e.loss().type() == null ? "loss.type is missing (one of " + String.join(", ", LossSpec.TYPES) + ")"
                    : "loss.type: unknown loss " + Layers.json(e.loss().type()) + " (known: " + String.join(", ", LossSpec.TYPES) + ")");
        }
        if (e.optimizer() != null) {
            validateOptimizer(e.optimizer());
        }
        RegularizationSpec r = e.regularization();
        if (!RegularizationSpec.TYPES.contains(r.type())) {
            throw new ExperimentException("regularization.type must be one of none, L1, L2, got " + Layers.json(r.type()));
        }
        if (!(r.rate() >= 0) || Double.isInfinite(r.rate())) {
            throw new ExperimentException("regularization.rate must be a non-negative number, got " + r.rate());
        }
        if (e.epochs() != null && e.epochs() < 0) {
            throw new ExperimentException("epochs must be a non-negative integer, got " + e.epochs());
        }
        if (!Experiment.BACKENDS.contains(e.backend())) {
            throw new ExperimentException("backend must be one of " + String.join(", ", Experiment.BACKENDS) + ", got "
                    + Layers.json(e.backend()));
        }
        Models.inspect(e);
    }

    /**
     * Checks that an experiment can be trained by this version: nothing missing (a model-only file is
     * refused with the list of what it lacks), a data set this version can load, a task, loss and model
     * output that fit together. Image sets' own counts (how many images, the split) are checked when
     * they are loaded ({@code Trainer}); a folder set is looked up in the default data folder. The
     * backend's name is checked, not whether it runs here: that is asked when the run starts
     * ({@code tensor.Backends}).
     *
     * @return the model summary, for the caller's convenience
     */
    public static ModelSummary requireTrainable(Experiment e) {
        return requireTrainable(e, ImageSets.defaultDataDir());
    }

    /**
     * As {@link #requireTrainable(Experiment)}, with {@code dataDir} as the data folder (where
     * {@code folder:<name>} sets and CIFAR-10 live; may be null).
     */
    public static ModelSummary requireTrainable(Experiment e, Path dataDir) {
        validate(e);
        List<String> missing = e.missingForTraining();
        if (!missing.isEmpty()) {
            throw new ExperimentException("cannot train: the file has no " + String.join(", ", missing)
                    + " (a model-only file can be inspected and run with forward; training needs "
                    + "seed, task, data, loss, optimizer and epochs)");
        }
        DataSpec d = e.data();
        requireSplit(d);
        if (!DataSets.isAvailable(d.dataset())) {
            throw new ExperimentException("data.dataset: \"" + d.dataset() + "\" cannot be trained in this version "
                    + "(available: " + String.join(", ", DataSets.ids()) + ")");
        }
        boolean image = DataSets.isImage(d.dataset());
        // FORMAT.md: a given input_shape must agree with the data set (the 2D sets are checked by Models)
        DataSets.checkInputShape(d, e.inputShape(), dataDir);
        DataSets.Size2D size = image ? null : DataSets.size2D(d, dataDir);
        boolean regressionSet = !image && size.isRegression();
        if (regressionSet != Experiment.REGRESSION.equals(e.task())) {
            throw new ExperimentException("task is " + e.task() + " but data set \"" + d.dataset() + "\" is a "
                    + (regressionSet ? "regression" : "classification") + " set");
        }
        // every layer type of FORMAT.md is built by Models.build, so any model that fits its input trains
        ModelSummary summary = Models.inspect(e);
        int[] out = summary.outputShape();
        String outText = Layers.shape(out);
        String loss = e.loss().type();
        int classes = image ? DataSets.imageClasses(d.dataset(), dataDir) : size.classes();
        String sample = image ? "image" : "point";
        if (regressionSet) {
            if (!loss.equals(LossSpec.MSE)) {
                throw new ExperimentException("loss.type: regression needs MSELoss, got " + loss);
            }
            if (out.length != 1 || out[0] != 1) {
                throw new ExperimentException("the model's output has shape " + outText
                        + " but regression needs one value per point: end with a layer of shape [1]");
            }
        } else if (loss.equals(LossSpec.CROSS_ENTROPY) || (loss.equals(LossSpec.MSE) && classes > 2)) {
            if (out.length != 1 || out[0] != classes) {
                throw new ExperimentException("the model's output has shape " + outText + " but " + loss + " on "
                        + classes + " classes needs [" + classes + "] (one " + (loss.equals(LossSpec.MSE) ? "value" : "logit")
                        + " per class)" + (out.length > 1 ? flattenHint(e, summary) : ""));
            }
        } else {
            if (classes != 2) {
                throw new ExperimentException("loss.type: " + loss + " needs 2 classes, but data set \"" + d.dataset()
                        + "\" has " + classes + "; use CrossEntropyLoss");
            }
            if (out.length != 1 || out[0] != 1) {
                throw new ExperimentException("the model's output has shape " + outText + " but " + loss
                        + " on 2 classes needs [1] (one " + (loss.equals(LossSpec.MSE) ? "value" : "logit") + " per "
                        + sample + ")");
            }
        }
        // refuses, naming the layer, a model whose batched sizes overflow an int
        Models.memoryEstimate(e);
        if (image) {
            return summary;
        }
        int train = Points2D.trainCount(size.samples(), d.trainFraction());
        if (train < 1 || train >= size.samples()) {
            throw new ExperimentException("data: " + size.samples() + " samples with train_fraction " + d.trainFraction()
                    + " leave " + (train < 1 ? "no training" : "no test") + " points");
        }
        if (d.dropLast() && d.batchSize() > train) {
            throw new ExperimentException("data.batch_size " + d.batchSize() + " is more than the " + train
                    + " training points and data.drop_last drops that one short batch: nothing would be trained "
                    + "(use a smaller batch_size or drop_last false)");
        }
        return summary;
    }

    /**
     * Why a classifier's output kept several axes: usually a Linear layer that got [C, H, W] and, as in
     * PyTorch, mapped only the last axis.
     */
    private static String flattenHint(Experiment e, ModelSummary summary) {
        int[] in = Models.inputShape(e);
        for (LayerInfo l : summary.layers()) {
            if (l.type().equals("Linear") && in.length > 1) {
                return "; model[" + l.index() + "] (Linear) got " + Layers.shape(in) + " and, as in PyTorch, maps only "
                        + "its last axis: add a Flatten layer before it";
            }
            in = l.outputShape();
        }
        return "; add Flatten and a Linear layer at the end";
    }

    private static void validateData(DataSpec d) {
        if (d.dataset() == null) {
            throw new ExperimentException("data.dataset is missing (one of " + String.join(", ", DataSets.ids()) + ")");
        }
        if (!DataSets.isKnown(d.dataset())) {
            throw new ExperimentException("data.dataset: unknown data set " + Layers.json(d.dataset()) + " (known: "
                    + String.join(", ", DataSets.ids()) + ")");
        }
        List<String> allowed = DataSets.options(d.dataset());
        for (Map.Entry<String, Object> o : d.options().entrySet()) {
            String name = o.getKey();
            Object v = o.getValue();
            String path = "data.options." + name;
            if (!allowed.contains(name)) {
                throw new ExperimentException("data.options: unknown option \"" + name + "\" for data set \"" + d.dataset()
                        + "\" (options: " + String.join(", ", allowed) + ")");
            }
            switch (name) {
                case "samples", "limit" -> {
                    Integer n = Layers.asInt(v);
                    int max = DataSets.maxCount(d.dataset(), name);
                    if (n == null || n < 1 || n > max) {
                        throw new ExperimentException(path + " must be an integer from 1 to " + max + ", got " + Layers.json(v));
                    }
                }
                case "noise" -> {
                    if (!(v instanceof Number n) || !(n.doubleValue() >= 0 && n.doubleValue() <= Datasets2D.MAX_NOISE)) {
                        throw new ExperimentException(path + " must be a number from 0 to 50 (percent), got " + Layers.json(v));
                    }
                }
                case "classes" -> {
                    Integer n = Layers.asInt(v);
                    boolean multi = Datasets2D.supportsMultiClass(d.dataset());
                    if (n == null || n < 2 || n > (multi ? Datasets2D.MAX_CLASSES : 2)) {
                        throw new ExperimentException(path + (multi ? " must be an integer from 2 to " + Datasets2D.MAX_CLASSES
                                : " must be 2 for data set \"" + d.dataset() + "\" (gauss and spiral take 2 to 5)")
                                + ", got " + Layers.json(v));
                    }
                }
                case "seed" -> {
                    if (!(v instanceof Integer || v instanceof Long)) {
                        throw new ExperimentException(path + " must be an integer, got " + Layers.json(v));
                    }
                }
                default -> throw new IllegalStateException(name);
            }
        }
        if (d.features() != null) {
            if (!d.is2D()) {
                throw new ExperimentException("data.features applies to 2D data sets only; data set \"" + d.dataset()
                        + "\" needs null");
            }
            try {
                Features2D.validate(d.features());
            } catch (IllegalArgumentException ex) {
                throw new ExperimentException("data.features: " + ex.getMessage());
            }
        }
        if (d.trainFraction() != null && !(d.trainFraction() > 0 && d.trainFraction() < 1)) {
            throw new ExperimentException("data.train_fraction must be a number between 0 and 1 (exclusive), got "
                    + d.trainFraction());
        }
        if (d.batchSize() != null && d.batchSize() < 1) {
            throw new ExperimentException("data.batch_size must be a positive integer, got " + d.batchSize());
        }
    }

    private static void validateOptimizer(OptimizerSpec o) {
        if (!OptimizerSpec.TYPES.contains(o.type())) {
            throw new ExperimentException(o.type() == null ? "optimizer.type is missing (SGD or Adam)"
                    : "optimizer.type: unknown optimizer " + Layers.json(o.type()) + " (known: SGD, Adam)");
        }
        String at = "optimizer (" + o.type() + "): ";
        nonNegative(at, "lr", o.lr());
        nonNegative(at, "weight_decay", o.weightDecay());
        if (o.type().equals(OptimizerSpec.SGD)) {
            nonNegative(at, "momentum", o.momentum());
            if (o.nesterov() && o.momentum() <= 0) {
                throw new ExperimentException(at + "nesterov needs a positive momentum");
            }
        } else {
            if (!(o.beta1() >= 0 && o.beta1() < 1) || !(o.beta2() >= 0 && o.beta2() < 1)) {
                throw new ExperimentException(at + "betas must be two numbers in [0, 1), got [" + o.beta1() + ", " + o.beta2() + "]");
            }
            nonNegative(at, "eps", o.eps());
        }
    }

    private static void nonNegative(String at, String name, double v) {
        if (!(v >= 0) || Double.isInfinite(v)) {
            throw new ExperimentException(at + name + " must be a non-negative number, got " + v);
        }
    }

    // ---- JSON to records: types only; ranges are checked by validate

    private static DataSpec data(JsonNode n, boolean needsSplit) {
        if (n == null || n.isNull()) {
            return null;
        }
        requireObject(n, "data");
        unknownFields("data", n, DATA_FIELDS);
        JsonNode ds = n.get("dataset");
        if (ds == null || ds.isNull()) {
            throw new ExperimentException("data.dataset is missing (one of " + String.join(", ", DataSets.ids()) + ")");
        }
        if (!ds.isTextual()) {
            throw new ExperimentException("data.dataset must be a string, got " + ds);
        }
        Map<String, Object> options = new LinkedHashMap<>();
        JsonNode o = n.get("options");
        if (o != null && !o.isNull()) {
            requireObject(o, "data.options");
            for (Iterator<Map.Entry<String, JsonNode>> it = o.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> f = it.next();
                options.put(f.getKey(), value(f.getValue()));
            }
        }
        List<String> features = null;
        JsonNode f = n.get("features");
        if (f != null && !f.isNull()) {
            if (!f.isArray()) {
                throw new ExperimentException("data.features must be a list of feature names or null, got " + f);
            }
            features = new ArrayList<>();
            for (int i = 0; i < f.size(); i++) {
                if (!f.get(i).isTextual()) {
                    throw new ExperimentException("data.features[" + i + "] must be a feature name (one of "
                            + String.join(", ", Features2D.NAMES) + "), got " + f.get(i));
                }
                features.add(f.get(i).asText());
            }
        }
        Double fraction = null;
        JsonNode tf = n.get("train_fraction");
        if (tf != null && !tf.isNull()) {
            if (!tf.isNumber()) {
                throw new ExperimentException("data.train_fraction must be a number between 0 and 1, got " + tf);
            }
            fraction = tf.asDouble();
        }
        Integer batch = null;
        JsonNode bs = n.get("batch_size");
        if (bs != null && !bs.isNull()) {
            batch = Layers.asInt(value(bs));
            if (batch == null || batch < 1) {
                throw new ExperimentException("data.batch_size must be a positive integer, got " + bs);
            }
        }
        DataSpec d = new DataSpec(ds.asText(), options, features, fraction, batch,
                optBool(n, "shuffle", "data.shuffle", true), optBool(n, "drop_last", "data.drop_last", false));
        if (needsSplit) {
            requireSplit(d);
        }
        return d;
    }

    /** The data split training needs, which a file read for its model alone may leave out. */
    private static void requireSplit(DataSpec d) {
        if (d.trainFraction() == null) {
            throw new ExperimentException("data.train_fraction is missing (the share of points used for training, e.g. 0.8)");
        }
        if (d.batchSize() == null) {
            throw new ExperimentException("data.batch_size is missing (points per training step, e.g. 10)");
        }
    }

    private static List<LayerSpec> model(JsonNode n) {
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isArray()) {
            throw new ExperimentException("model must be a list of layers, got " + kind(n));
        }
        List<LayerSpec> layers = new ArrayList<>();
        for (int i = 0; i < n.size(); i++) {
            JsonNode l = n.get(i);
            if (!l.isObject()) {
                throw new ExperimentException("model[" + i + "] must be a layer object such as {\"type\": \"Linear\", "
                        + "\"out_features\": 8}, got " + l);
            }
            JsonNode type = l.get("type");
            if (type == null || type.isNull()) {
                throw new ExperimentException("model[" + i + "]: type is missing (one of " + String.join(", ", Layers.types()) + ")");
            }
            if (!type.isTextual()) {
                throw new ExperimentException("model[" + i + "]: type must be a string, got " + type);
            }
            Map<String, Object> args = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = l.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> f = it.next();
                if (!f.getKey().equals("type")) {
                    args.put(f.getKey(), value(f.getValue()));
                }
            }
            layers.add(new LayerSpec(type.asText(), args));
        }
        return layers;
    }

    private static LossSpec loss(JsonNode n) {
        if (n == null || n.isNull()) {
            return null;
        }
        requireObject(n, "loss");
        unknownFields("loss", n, List.of("type"));
        return new LossSpec(optString(n, "type", "loss.type"));
    }

    private static OptimizerSpec optimizer(JsonNode n) {
        if (n == null || n.isNull()) {
            return null;
        }
        requireObject(n, "optimizer");
        String type = optString(n, "type", "optimizer.type");
        if (type == null) {
            throw new ExperimentException("optimizer.type is missing (SGD or Adam)");
        }
        if (!OptimizerSpec.TYPES.contains(type)) {
            throw new ExperimentException("optimizer.type: unknown optimizer \"" + type + "\" (known: SGD, Adam)");
        }
        boolean sgd = type.equals(OptimizerSpec.SGD);
        String at = "optimizer (" + type + ")";
        unknownFields(at, n, sgd ? List.of("type", "lr", "momentum", "weight_decay", "nesterov")
                : List.of("type", "lr", "betas", "eps", "weight_decay"));
        JsonNode lr = n.get("lr");
        if (lr == null || lr.isNull()) {
            throw new ExperimentException(at + ": lr is missing (the learning rate, e.g. 0.03)");
        }
        double rate = number(lr, at + ": lr");
        double wd = optNumber(n, "weight_decay", at, 0);
        if (sgd) {
            return OptimizerSpec.sgd(rate, optNumber(n, "momentum", at, 0), wd, optBool(n, "nesterov", at + ": nesterov", false));
        }
        double b1 = OptimizerSpec.DEFAULT_BETA1;
        double b2 = OptimizerSpec.DEFAULT_BETA2;
        JsonNode betas = n.get("betas");
        if (betas != null && !betas.isNull()) {
            if (!betas.isArray() || betas.size() != 2 || !betas.get(0).isNumber() || !betas.get(1).isNumber()) {
                throw new ExperimentException(at + ": betas must be a list of two numbers, got " + betas);
            }
            b1 = betas.get(0).asDouble();
            b2 = betas.get(1).asDouble();
        }
        return OptimizerSpec.adam(rate, b1, b2, optNumber(n, "eps", at, OptimizerSpec.DEFAULT_EPS), wd);
    }

    private static RegularizationSpec regularization(JsonNode n) {
        if (n == null || n.isNull()) {
            return null;
        }
        requireObject(n, "regularization");
        unknownFields("regularization", n, List.of("type", "rate"));
        String type = optString(n, "type", "regularization.type");
        if (type == null) {
            throw new ExperimentException("regularization.type is missing (none, L1 or L2)");
        }
        return new RegularizationSpec(type, optNumber(n, "rate", "regularization", 0));
    }

    // ---- small readers

    private static void requireObject(JsonNode n, String path) {
        if (!n.isObject()) {
            throw new ExperimentException(path + " must be an object, got " + kind(n));
        }
    }

    private static void unknownFields(String path, JsonNode n, List<String> known) {
        for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!known.contains(f)) {
                throw new ExperimentException((path.isEmpty() ? "" : path + ": ") + "unknown field \"" + f
                        + "\" (fields: " + String.join(", ", known) + ")");
            }
        }
    }

    private static String optString(JsonNode n, String field, String path) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw new ExperimentException(path + " must be a string, got " + v);
        }
        return v.asText();
    }

    private static Long optLong(JsonNode n, String field, String path) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isIntegralNumber() || !v.canConvertToLong()) {
            throw new ExperimentException(path + " must be an integer, got " + v);
        }
        return v.asLong();
    }

    private static Integer optNonNegInt(JsonNode v, String path) {
        if (v == null || v.isNull()) {
            return null;
        }
        Integer i = Layers.asInt(value(v));
        if (i == null || i < 0) {
            throw new ExperimentException(path + " must be a non-negative integer, got " + v);
        }
        return i;
    }

    private static boolean optBool(JsonNode n, String field, String path, boolean dflt) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            return dflt;
        }
        if (!v.isBoolean()) {
            throw new ExperimentException(path + " must be true or false, got " + v);
        }
        return v.asBoolean();
    }

    private static double optNumber(JsonNode n, String field, String at, double dflt) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            return dflt;
        }
        return number(v, at + (at.endsWith(")") ? ": " : ".") + field);
    }

    private static double number(JsonNode v, String path) {
        if (!v.isNumber()) {
            throw new ExperimentException(path + " must be a number, got " + v);
        }
        return v.asDouble();
    }

    private static List<Integer> intList(JsonNode n, String path) {
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isArray()) {
            throw new ExperimentException(path + " must be a list of positive integers, got " + n);
        }
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < n.size(); i++) {
            Integer v = Layers.asInt(value(n.get(i)));
            if (v == null || v < 1) {
                throw new ExperimentException(path + "[" + i + "] must be a positive integer, got " + n.get(i));
            }
            out.add(v);
        }
        return out;
    }

    /** A JSON value as a plain Java value (Integer/Long/BigInteger, Double, Boolean, String, List, Map, null). */
    private static Object value(JsonNode n) {
        try {
            return MAPPER.treeToValue(n, Object.class);
        } catch (JsonProcessingException e) {
            throw new ExperimentException("unreadable value " + n);
        }
    }

    private static String kind(JsonNode n) {
        return switch (n.getNodeType()) {
            case ARRAY -> "a list";
            case OBJECT -> "an object";
            case STRING -> "a string " + n;
            case NUMBER -> "a number " + n;
            case BOOLEAN -> n.toString();
            default -> n.toString();
        };
    }

    // ---- writing

    /** The experiment as a pretty-printed JSON document (fields in FORMAT.md's order; absent ones left out). */
    public static String write(Experiment e) {
        try {
            return MAPPER.writeValueAsString(toJson(e)) + "\n";
        } catch (JsonProcessingException ex) {
            throw new ExperimentException("cannot write the experiment: " + ex.getOriginalMessage());
        }
    }

    /** Writes the experiment to a file. */
    public static void write(Experiment e, Path file) {
        try {
            Files.writeString(file, write(e), StandardCharsets.UTF_8);
        } catch (IOException ex) {
            throw new ExperimentException(file + ": cannot write (" + ExperimentException.reason(ex) + ")", ex);
        }
    }

    /** The experiment as a Jackson tree, for embedding in other JSON. */
    public static ObjectNode toJson(Experiment e) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("format", e.format());
        if (e.name() != null) {
            root.put("name", e.name());
        }
        if (e.seed() != null) {
            root.put("seed", e.seed());
        }
        if (e.task() != null) {
            root.put("task", e.task());
        }
        if (e.data() != null) {
            DataSpec d = e.data();
            ObjectNode data = root.putObject("data");
            data.put("dataset", d.dataset());
            data.set("options", MAPPER.valueToTree(d.options()));
            if (d.features() == null) {
                data.putNull("features");
            } else {
                ArrayNode f = data.putArray("features");
                d.features().forEach(f::add);
            }
            if (d.trainFraction() != null) {
                data.put("train_fraction", d.trainFraction());
            }
            if (d.batchSize() != null) {
                data.put("batch_size", d.batchSize());
            }
            data.put("shuffle", d.shuffle());
            data.put("drop_last", d.dropLast());
        }
        if (e.inputShape() != null) {
            ArrayNode s = root.putArray("input_shape");
            e.inputShape().forEach(s::add);
        }
        if (e.model() != null) {
            ArrayNode m = root.putArray("model");
            for (LayerSpec l : e.model()) {
                ObjectNode o = m.addObject();
                o.put("type", l.type());
                l.args().forEach((k, v) -> o.set(k, MAPPER.valueToTree(v)));
            }
        }
        if (e.loss() != null) {
            root.putObject("loss").put("type", e.loss().type());
        }
        if (e.optimizer() != null) {
            OptimizerSpec o = e.optimizer();
            ObjectNode opt = root.putObject("optimizer");
            opt.put("type", o.type());
            opt.put("lr", o.lr());
            if (OptimizerSpec.ADAM.equals(o.type())) {
                opt.putArray("betas").add(o.beta1()).add(o.beta2());
                opt.put("eps", o.eps());
                opt.put("weight_decay", o.weightDecay());
            } else {
                opt.put("momentum", o.momentum());
                opt.put("weight_decay", o.weightDecay());
                opt.put("nesterov", o.nesterov());
            }
        }
        if (e.data() != null || e.loss() != null || e.optimizer() != null) {
            root.putObject("regularization").put("type", e.regularization().type()).put("rate", e.regularization().rate());
        }
        if (e.epochs() != null) {
            root.put("epochs", e.epochs());
        }
        root.put("backend", e.backend());
        return root;
    }
}
