package com.layerlab.app.lab;

import com.layerlab.datasets.Datasets2D;
import com.layerlab.datasets.Features2D;
import com.layerlab.engine.experiment.DataSets;
import com.layerlab.engine.experiment.DataSpec;
import com.layerlab.engine.experiment.Experiment;
import com.layerlab.engine.experiment.LayerSpec;
import com.layerlab.engine.experiment.LossSpec;
import com.layerlab.engine.experiment.OptimizerSpec;
import com.layerlab.engine.experiment.RegularizationSpec;
import com.layerlab.engine.tensor.Backends;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Everything the playground page lets a learner set, as TensorFlow Playground offers it, plus the
 * view options that are not part of an experiment. The canonical constructor clamps every value to
 * what the page offers (so a hand-edited link can never ask the server for a huge network), and
 * {@link #toExperiment()} / {@link #fromExperiment} convert to and from the experiment file.
 *
 * @param problem        {@code classification} or {@code regression}
 * @param dataset        a generated set of the problem's, or a learner's point set {@code points:<id>}
 *                       (whose problem and classes are its file's: the page sets them when it picks
 *                       the set, see {@link Builder#pointSet})
 * @param classes        2 for binary sets, 2..5 for gauss and spiral and point sets, 0 for regression
 * @param noise          percent, 0..50 in steps of 5
 * @param trainPercent   10..90 in steps of 10
 * @param hiddenLayers   neurons per hidden layer (0..6 layers of 1..8)
 * @param activations    one activation per hidden layer (PyTorch layer names)
 * @param sigmoidOutput  binary classification only: the model ends in {@code Sigmoid} and is trained
 *                       with {@code MSELoss} (the course's perceptron); otherwise the output is a logit
 *                       trained with {@code BCEWithLogitsLoss}
 * @param epochs         where a run stops (the experiment's {@code epochs})
 * @param backend        where it trains (the experiment's {@code backend}: auto, cpu, opencl, cuda); which of
 *                       these this server offers is {@code training.BackendChoices}'
 */
public record PlaygroundSettings(String problem, String dataset, int classes, int noise, int trainPercent,
                                 int batchSize, int samples, List<String> features, List<Integer> hiddenLayers,
                                 List<String> activations, boolean sigmoidOutput, double learningRate,
                                 String regularization, double regularizationRate, long seed, long dataSeed,
                                 int epochs, boolean showTestData, boolean discretize, String backend) {

    public static final String CLASSIFICATION = Experiment.CLASSIFICATION;
    public static final String REGRESSION = Experiment.REGRESSION;
    public static final List<String> ACTIVATIONS = List.of("ReLU", "Tanh", "Sigmoid", "LeakyReLU", "Identity");
    /** TensorFlow Playground's learning rates. */
    public static final List<Double> LEARNING_RATES =
            List.of(0.00001, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0);
    /** TensorFlow Playground's regularization rates. */
    public static final List<Double> REGULARIZATION_RATES =
            List.of(0.0, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0);
    public static final List<String> REGULARIZATIONS = RegularizationSpec.TYPES;
    public static final List<Integer> EPOCH_LIMITS = List.of(100, 300, 1000, 3000, 10_000);
    public static final List<String> CLASSIFICATION_SETS = List.of("circle", "xor", "gauss", "spiral");
    public static final List<String> REGRESSION_SETS = List.of("plane", "multi-gauss");

    public static final int MAX_LAYERS = 6;
    public static final int MAX_NEURONS = 8;
    public static final int MIN_SAMPLES = 50;
    public static final int MAX_SAMPLES = 2000;
    public static final int MAX_BATCH = 30;
    public static final int MAX_EPOCHS = 10_000;

    /** TensorFlow Playground's opening state: circle, x1 and x2, 4-2 Tanh, rate 0.03, batch 10. */
    public static final PlaygroundSettings DEFAULTS = new PlaygroundSettings(CLASSIFICATION, "circle", 2, 0, 50, 10,
            500, List.of("x1", "x2"), List.of(4, 2), List.of("Tanh", "Tanh"), false, 0.03, "none", 0.0, 1, 1,
            1000, false, false, Backends.AUTO);

    public PlaygroundSettings {
        problem = REGRESSION.equals(problem) ? REGRESSION : CLASSIFICATION;
        List<String> sets = problem.equals(REGRESSION) ? REGRESSION_SETS : CLASSIFICATION_SETS;
        if (dataset == null || !(sets.contains(dataset) || DataSets.isPoints(dataset))) {
            dataset = sets.get(0);
        }
        if (problem.equals(REGRESSION)) {
            classes = 0;
        } else if (DataSets.isPoints(dataset) || Datasets2D.supportsMultiClass(dataset)) {
            classes = clamp(classes, 2, Datasets2D.MAX_CLASSES);
        } else {
            classes = 2;
        }
        noise = clamp(Math.round(noise / 5f) * 5, 0, 50);
        trainPercent = clamp(Math.round(trainPercent / 10f) * 10, 10, 90);
        batchSize = clamp(batchSize, 1, MAX_BATCH);
        samples = clamp(samples, MIN_SAMPLES, MAX_SAMPLES);

        List<String> fs = new ArrayList<>();
        for (String f : Features2D.NAMES) {
            if (features != null && features.contains(f)) {
                fs.add(f); // canonical order, no duplicates, no unknown names
            }
        }
        if (fs.isEmpty()) {
            fs.add("x1");
        }
        features = List.copyOf(fs);

        List<Integer> layers = new ArrayList<>();
        List<String> acts = new ArrayList<>();
        int count = hiddenLayers == null ? 0 : Math.min(hiddenLayers.size(), MAX_LAYERS);
        for (int i = 0; i < count; i++) {
            Integer n = hiddenLayers.get(i);
            layers.add(clamp(n == null ? 1 : n, 1, MAX_NEURONS));
            String a = activations != null && i < activations.size() ? activations.get(i) : null;
            acts.add(a != null && ACTIVATIONS.contains(a) ? a : "Tanh");
        }
        hiddenLayers = List.copyOf(layers);
        activations = List.copyOf(acts);
        sigmoidOutput = sigmoidOutput && problem.equals(CLASSIFICATION) && classes == 2;

        learningRate = nearest(LEARNING_RATES, learningRate);
        regularization = regularization != null && REGULARIZATIONS.contains(regularization) ? regularization : "none";
        regularizationRate = regularization.equals("none") ? 0.0 : nearest(REGULARIZATION_RATES, regularizationRate);
        epochs = clamp(epochs, 1, MAX_EPOCHS);
        backend = backend != null && Experiment.BACKENDS.contains(backend) ? backend : Backends.AUTO;
    }

    public boolean isRegression() {
        return problem.equals(REGRESSION);
    }

    public boolean isMultiClass() {
        return classes > 2;
    }

    /** Whether the data are a learner's point set rather than a generated one. */
    public boolean isPointSet() {
        return DataSets.isPoints(dataset);
    }

    /** The network's outputs: K for multi-class, else 1. */
    public int outputs() {
        return isMultiClass() ? classes : 1;
    }

    /** The experiment this state trains; the same settings always give the same experiment. */
    public Experiment toExperiment() {
        Map<String, Object> options = new LinkedHashMap<>();
        if (!isPointSet()) { // a point set's points are its file's: only the split's seed applies
            options.put("samples", samples);
            options.put("noise", noise);
            if (!isRegression()) {
                options.put("classes", classes);
            }
        }
        options.put("seed", dataSeed);
        DataSpec data = new DataSpec(dataset, options, features, trainPercent / 100.0, batchSize, true, false);

        List<LayerSpec> model = new ArrayList<>();
        for (int i = 0; i < hiddenLayers.size(); i++) {
            model.add(LayerSpec.linear(hiddenLayers.get(i)));
            model.add(LayerSpec.of(activations.get(i)));
        }
        model.add(LayerSpec.linear(outputs()));
        LossSpec loss;
        if (isRegression()) {
            loss = LossSpec.of(LossSpec.MSE);
        } else if (isMultiClass()) {
            loss = LossSpec.of(LossSpec.CROSS_ENTROPY);
        } else if (sigmoidOutput) {
            model.add(LayerSpec.of("Sigmoid"));
            loss = LossSpec.of(LossSpec.MSE);
        } else {
            loss = LossSpec.of(LossSpec.BCE_WITH_LOGITS);
        }
        return Experiment.of("Playground: " + dataset, seed, problem, data, model, loss,
                        OptimizerSpec.sgd(learningRate), RegularizationSpec.of(regularization, regularizationRate), epochs)
                .withInputShape(List.of(features.size())).withBackend(backend);
    }

    /**
     * The playground state of an experiment, or an {@link IllegalArgumentException} whose message says
     * what the playground cannot show (a layer type, an optimizer, a data set). View options are the
     * defaults; values outside the page's ranges are clamped.
     */
    public static PlaygroundSettings fromExperiment(Experiment e) {
        Objects.requireNonNull(e, "experiment");
        if (e.data() == null || e.model() == null || e.loss() == null || e.optimizer() == null) {
            throw new IllegalArgumentException("the experiment has no " + String.join(", ", e.missingForTraining())
                    + (e.model() == null ? " model" : ""));
        }
        String task = e.task();
        if (!CLASSIFICATION.equals(task) && !REGRESSION.equals(task)) {
            throw new IllegalArgumentException("task must be classification or regression, got " + task);
        }
        DataSpec data = e.data();
        List<String> sets = task.equals(REGRESSION) ? REGRESSION_SETS : CLASSIFICATION_SETS;
        boolean pointSet = DataSets.isPoints(data.dataset());
        if (data.dataset() == null || !(sets.contains(data.dataset()) || pointSet)) {
            throw new IllegalArgumentException("data.dataset: the playground shows the 2D " + task + " sets "
                    + sets + " and point sets (points:<id>), not \"" + data.dataset() + "\"");
        }

        List<LayerSpec> model = e.model();
        List<Integer> hidden = new ArrayList<>();
        List<String> acts = new ArrayList<>();
        int i = 0;
        while (i < model.size() && isLinear(model.get(i)) && i + 1 < model.size()
                && model.get(i + 1).type() != null && ACTIVATIONS.contains(model.get(i + 1).type())
                && !isLastHead(model, i)) {
            hidden.add(outFeatures(model.get(i), i));
            acts.add(model.get(i + 1).type());
            i += 2;
        }
        if (i >= model.size() || !isLinear(model.get(i))) {
            throw new IllegalArgumentException("model[" + i + "]: the playground shows Linear layers each followed by"
                    + " one of " + ACTIVATIONS + ", ending in a Linear output layer");
        }
        int out = outFeatures(model.get(i), i);
        // a point set's classes are in its file, which training checks against the output layer
        int classes = !pointSet ? data.classes() : task.equals(REGRESSION) ? 0 : Math.max(2, out);
        boolean sigmoid = i + 1 < model.size() && "Sigmoid".equals(model.get(i + 1).type());
        int end = i + 1 + (sigmoid ? 1 : 0);
        if (end != model.size()) {
            throw new IllegalArgumentException(afterOutput(end, model.get(end).type()));
        }
        String loss = e.loss().type();
        String expectedLoss;
        int expectedOut;
        if (task.equals(REGRESSION)) {
            expectedLoss = LossSpec.MSE;
            expectedOut = 1;
        } else if (classes > 2) {
            expectedLoss = LossSpec.CROSS_ENTROPY;
            expectedOut = classes;
        } else {
            expectedLoss = sigmoid ? LossSpec.MSE : LossSpec.BCE_WITH_LOGITS;
            expectedOut = 1;
        }
        if (sigmoid && (task.equals(REGRESSION) || classes > 2)) {
            throw new IllegalArgumentException("model[" + (i + 1) + "] (Sigmoid): only a binary classifier may end in Sigmoid");
        }
        if (out != expectedOut) {
            throw new IllegalArgumentException("model[" + i + "] (Linear): out_features must be " + expectedOut
                    + " for this data set, got " + out);
        }
        if (!loss.equals(expectedLoss)) {
            throw new IllegalArgumentException("loss.type: the playground trains this model with " + expectedLoss
                    + ", got " + loss);
        }
        OptimizerSpec opt = e.optimizer();
        if (!OptimizerSpec.SGD.equals(opt.type()) || opt.momentum() != 0 || opt.weightDecay() != 0 || opt.nesterov()) {
            throw new IllegalArgumentException("optimizer: the playground trains with plain SGD (no momentum, no weight decay)");
        }
        RegularizationSpec reg = e.regularization();
        requireInRange(e, hidden);
        return new PlaygroundSettings(task, data.dataset(), classes, (int) Math.round(data.noise()),
                (int) Math.round(data.trainFraction() * 100), data.batchSize(),
                pointSet ? DEFAULTS.samples() : data.samples(), data.featuresOrDefault(),
                hidden, acts, sigmoid, opt.lr(), reg.type(), reg.rate(), e.seedOrZero(), data.dataSeed(e.seedOrZero()),
                e.epochs() == null ? DEFAULTS.epochs() : e.epochs(), false, false, e.backend());
    }

    /**
     * Refuses values beyond what the page offers (the constructor would clamp them, silently changing
     * the experiment the link describes), naming the field, the value and the page's range.
     */
    private static void requireInRange(Experiment e, List<Integer> hidden) {
        DataSpec d = e.data();
        if (hidden.size() > MAX_LAYERS) {
            throw new IllegalArgumentException("model: the link has " + hidden.size() + " hidden layers; the playground "
                    + "shows at most " + MAX_LAYERS);
        }
        for (int i = 0; i < hidden.size(); i++) {
            if (hidden.get(i) > MAX_NEURONS) {
                throw new IllegalArgumentException(String.format(Locale.ROOT, "model[%d] (Linear): out_features is %,d; "
                        + "the playground's hidden layers have 1 to %d neurons", 2 * i, hidden.get(i), MAX_NEURONS));
            }
        }
        requireOffered("optimizer.lr", e.optimizer().lr(), LEARNING_RATES, "learning rates");
        if (!"none".equals(e.regularization().type())) {
            requireOffered("regularization.rate", e.regularization().rate(), REGULARIZATION_RATES, "regularization rates");
        }
        if (e.epochs() != null) {
            requireBetween("epochs", e.epochs(), 1, MAX_EPOCHS, "runs, in epochs,");
        }
        if (!DataSets.isPoints(d.dataset())) {
            requireBetween("data.samples", d.samples(), MIN_SAMPLES, MAX_SAMPLES, "data sets, in points,");
        }
        requireBetween("data.batch_size", d.batchSize(), 1, MAX_BATCH, "batch sizes");
        requireBetween("data.noise", d.noise(), 0, 50, "noise levels, in percent,");
        requireBetween("data.train_fraction", d.trainFraction(), 0.1, 0.9, "training shares");
        if (!DataSets.isPoints(d.dataset()) && Datasets2D.supportsMultiClass(d.dataset())) {
            requireBetween("data.classes", d.classes(), 2, Datasets2D.MAX_CLASSES, "classes");
        }
    }

    /** The page offers a menu of rates (TensorFlow Playground's): a rate between two of them is refused, not moved. */
    private static void requireOffered(String field, double v, List<Double> offered, String what) {
        for (double o : offered) {
            if (Math.abs(v - o) <= 1e-9 * Math.max(1, Math.abs(o))) {
                return;
            }
        }
        StringBuilder menu = new StringBuilder();
        for (double o : offered) {
            menu.append(menu.isEmpty() ? "" : ", ").append(number(o));
        }
        throw new IllegalArgumentException(field + " is " + number(v) + "; the playground's " + what + " are " + menu);
    }

    private static void requireBetween(String field, double v, double lo, double hi, String what) {
        if (!(v >= lo && v <= hi)) {
            throw new IllegalArgumentException(field + " is " + number(v) + "; the playground's " + what + " go from "
                    + number(lo) + " to " + number(hi));
        }
    }

    /** 10000 as "10,000", 1e30 as "1.0E30", 0.00001 as "0.00001": as short as the value allows. */
    private static String number(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return String.format(Locale.ROOT, "%,d", (long) v);
        }
        return Math.abs(v) >= 1e-6 && Math.abs(v) < 1e15
                ? java.math.BigDecimal.valueOf(v).stripTrailingZeros().toPlainString() : String.valueOf(v);
    }

    /** Why a layer after the output layer cannot be shown, and for a softmax why it is not needed. */
    private static String afterOutput(int index, String type) {
        String where = "model[" + index + "] (" + type + "): ";
        if ("Softmax".equals(type) || "LogSoftmax".equals(type)) {
            return where + "the playground's network ends in its Linear output layer, whose outputs are scores "
                    + "(logits); the loss turns them into probabilities itself (CrossEntropyLoss applies the softmax, "
                    + "as in PyTorch), so a " + type + " layer after it would do it twice: remove the " + type + " layer";
        }
        return where + "the playground's network ends in its Linear output layer (followed by Sigmoid only in a "
                + "binary classifier trained with MSELoss), so it cannot show a " + type + " layer after it";
    }

    private static boolean isLinear(LayerSpec l) {
        return "Linear".equals(l.type()) && !Boolean.FALSE.equals(l.args().get("bias"));
    }

    // The final Linear may be followed by Sigmoid, which is also a hidden activation: [Linear, Sigmoid]
    // at the very end is the output head, not a hidden layer.
    private static boolean isLastHead(List<LayerSpec> model, int i) {
        return i + 2 == model.size() && "Sigmoid".equals(model.get(i + 1).type());
    }

    private static int outFeatures(LayerSpec l, int index) {
        Object v = l.args().get("out_features");
        if (!(v instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue()) || n.intValue() < 1) {
            throw new IllegalArgumentException("model[" + index + "] (Linear): out_features must be a positive integer, got " + v);
        }
        return n.intValue();
    }

    private static int clamp(int v, int lo, int hi) {
        return Math.max(lo, Math.min(hi, v));
    }

    /** The offered value closest to {@code v} on a log scale (0 is offered as itself). */
    static double nearest(List<Double> offered, double v) {
        if (!Double.isFinite(v)) {
            return offered.get(offered.size() / 2);
        }
        double best = offered.get(0);
        double bestD = Double.MAX_VALUE;
        for (double o : offered) {
            double d = (o == 0 || v <= 0) ? (o == 0 && v <= 0 ? 0 : Double.MAX_VALUE / 2) : Math.abs(Math.log(o / v));
            if (d < bestD) {
                bestD = d;
                best = o;
            }
        }
        return best;
    }

    public Builder toBuilder() {
        return new Builder(this);
    }

    /** A seed for new starting weights or new points, as the playground's buttons draw them: 1 to 999,999. */
    public static long newSeed() {
        return java.util.concurrent.ThreadLocalRandom.current().nextLong(1, 1_000_000);
    }

    /** A short human label for a value from {@link #LEARNING_RATES} or {@link #REGULARIZATION_RATES}. */
    public static String formatRate(double v) {
        if (v == 0) {
            return "0";
        }
        String s = String.format(Locale.ROOT, "%.5f", v).replaceAll("0+$", "").replaceAll("\\.$", "");
        return s;
    }

    /** Mutable copy for changing a few fields; {@link #build()} clamps as the constructor does. */
    public static final class Builder {
        private String problem;
        private String dataset;
        private int classes;
        private int noise;
        private int trainPercent;
        private int batchSize;
        private int samples;
        private List<String> features;
        private List<Integer> hiddenLayers;
        private List<String> activations;
        private boolean sigmoidOutput;
        private double learningRate;
        private String regularization;
        private double regularizationRate;
        private long seed;
        private long dataSeed;
        private int epochs;
        private boolean showTestData;
        private boolean discretize;
        private String backend;

        private Builder(PlaygroundSettings s) {
            problem = s.problem;
            dataset = s.dataset;
            classes = s.classes;
            noise = s.noise;
            trainPercent = s.trainPercent;
            batchSize = s.batchSize;
            samples = s.samples;
            features = new ArrayList<>(s.features);
            hiddenLayers = new ArrayList<>(s.hiddenLayers);
            activations = new ArrayList<>(s.activations);
            sigmoidOutput = s.sigmoidOutput;
            learningRate = s.learningRate;
            regularization = s.regularization;
            regularizationRate = s.regularizationRate;
            seed = s.seed;
            dataSeed = s.dataSeed;
            epochs = s.epochs;
            showTestData = s.showTestData;
            discretize = s.discretize;
            backend = s.backend;
        }

        /** Switching the problem type picks that type's first data set and its sample count. */
        public Builder problem(String v) {
            if (!v.equals(problem)) {
                problem = v;
                dataset(REGRESSION.equals(v) ? REGRESSION_SETS.get(0) : CLASSIFICATION_SETS.get(0));
            }
            return this;
        }

        /**
         * A learner's point set: its problem and classes are its file's ({@code classes} 0 for a
         * regression set).
         */
        public Builder pointSet(String id, int classes) {
            problem = classes == 0 ? REGRESSION : CLASSIFICATION;
            dataset = id;
            this.classes = classes;
            return this;
        }

        /** A new generated data set also gets its default size (500 points, regression 1,200) and class count. */
        public Builder dataset(String v) {
            if (!v.equals(dataset)) {
                dataset = v;
                samples = Datasets2D.defaultSamples(v);
                if (!Datasets2D.supportsMultiClass(v)) {
                    classes = Datasets2D.defaultClasses(v);
                } else if (classes < 2) {
                    classes = 2;
                }
            }
            return this;
        }

        public Builder classes(int v) { classes = v; return this; }
        public Builder noise(int v) { noise = v; return this; }
        public Builder trainPercent(int v) { trainPercent = v; return this; }
        public Builder batchSize(int v) { batchSize = v; return this; }
        public Builder samples(int v) { samples = v; return this; }
        public Builder features(List<String> v) { features = new ArrayList<>(v); return this; }
        public Builder sigmoidOutput(boolean v) { sigmoidOutput = v; return this; }
        public Builder learningRate(double v) { learningRate = v; return this; }
        public Builder regularization(String v) { regularization = v; return this; }
        public Builder regularizationRate(double v) { regularizationRate = v; return this; }
        public Builder seed(long v) { seed = v; return this; }
        public Builder dataSeed(long v) { dataSeed = v; return this; }
        public Builder epochs(int v) { epochs = v; return this; }
        public Builder showTestData(boolean v) { showTestData = v; return this; }
        public Builder discretize(boolean v) { discretize = v; return this; }
        public Builder backend(String v) { backend = v; return this; }

        public Builder toggleFeature(String name) {
            if (!features.remove(name)) {
                features.add(name);
            }
            return this;
        }

        /** Sets the hidden layers; activations of new layers copy the last one (Tanh if none). */
        public Builder hiddenLayers(List<Integer> v) {
            hiddenLayers = new ArrayList<>(v);
            String fill = activations.isEmpty() ? "Tanh" : activations.get(activations.size() - 1);
            while (activations.size() < hiddenLayers.size()) {
                activations.add(fill);
            }
            while (activations.size() > hiddenLayers.size()) {
                activations.remove(activations.size() - 1);
            }
            return this;
        }

        public Builder addLayer() {
            if (hiddenLayers.size() < MAX_LAYERS) {
                List<Integer> v = new ArrayList<>(hiddenLayers);
                v.add(hiddenLayers.isEmpty() ? 4 : hiddenLayers.get(hiddenLayers.size() - 1));
                hiddenLayers(v);
            }
            return this;
        }

        public Builder removeLayer() {
            if (!hiddenLayers.isEmpty()) {
                List<Integer> v = new ArrayList<>(hiddenLayers);
                v.remove(v.size() - 1);
                hiddenLayers(v);
            }
            return this;
        }

        public Builder neurons(int layer, int delta) {
            if (layer >= 0 && layer < hiddenLayers.size()) {
                hiddenLayers.set(layer, clamp(hiddenLayers.get(layer) + delta, 1, MAX_NEURONS));
            }
            return this;
        }

        public Builder activation(int layer, String v) {
            if (layer >= 0 && layer < activations.size()) {
                activations.set(layer, v);
            }
            return this;
        }

        /** The page's "set all" activation. */
        public Builder allActivations(String v) {
            activations.replaceAll(a -> v);
            return this;
        }

        public PlaygroundSettings build() {
            return new PlaygroundSettings(problem, dataset, classes, noise, trainPercent, batchSize, samples, features,
                    hiddenLayers, activations, sigmoidOutput, learningRate, regularization, regularizationRate, seed,
                    dataSeed, epochs, showTestData, discretize, backend);
        }
    }
}
