package com.layerlab.engine.train;

import com.layerlab.datasets.Features2D;
import com.layerlab.datasets.ImageSets;
import com.layerlab.datasets.Points2D;
import com.layerlab.engine.data.Batch;
import com.layerlab.engine.data.DataLoader;
import com.layerlab.engine.experiment.DataSets;
import com.layerlab.engine.experiment.DataSpec;
import com.layerlab.engine.experiment.Experiment;
import com.layerlab.engine.experiment.ExperimentFiles;
import com.layerlab.engine.experiment.LayerSpec;
import com.layerlab.engine.experiment.LossSpec;
import com.layerlab.engine.experiment.ModelSummary;
import com.layerlab.engine.experiment.Models;
import com.layerlab.engine.experiment.OptimizerSpec;
import com.layerlab.engine.nn.Adam;
import com.layerlab.engine.nn.BCEWithLogitsLoss;
import com.layerlab.engine.nn.Conv2d;
import com.layerlab.engine.nn.Convolution;
import com.layerlab.engine.nn.CrossEntropyLoss;
import com.layerlab.engine.nn.Linear;
import com.layerlab.engine.nn.Loss;
import com.layerlab.engine.nn.MSELoss;
import com.layerlab.engine.nn.Module;
import com.layerlab.engine.nn.Optimizer;
import com.layerlab.engine.nn.Regularization;
import com.layerlab.engine.nn.SGD;
import com.layerlab.engine.nn.Sequential;
import com.layerlab.engine.nn.Sigmoid;
import com.layerlab.engine.tensor.Tensor;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.stream.Collectors;

/**
 * One training run of an experiment: data, split, model, optimizer, epoch by epoch, on a 2D data set
 * or an image set. The same experiment gives the same data, starting weights and, on the CPU backend,
 * bit-identical losses.
 *
 * <p>Random streams, all from the experiment: the data from the data seed ({@code data.options.seed} of
 * a 2D set, else the experiment's seed; it also generates {@code shapes}), the train/test split from the
 * data seed too (so new starting weights keep the same split), the starting weights from
 * {@code new Random(seed)}, the batch order from the seed.
 *
 * <p>Image sets: loaded and split as {@link ImageData} says (the official split where a set has one,
 * else {@code train_fraction}); batches come from a {@link DataLoader} (the experiment's batch size,
 * shuffle and drop_last; epoch {@code e}'s order depends only on the seed and {@code e}) that makes
 * them on a background thread. The model trains in training mode (Dropout drops, BatchNorm uses and
 * updates batch statistics) and is evaluated in evaluation mode without recording gradients, in
 * batches of {@value ImageData#EVAL_BATCH}. The statistics of an image run differ from a 2D run's in
 * one point, to spare a second pass over large training splits: its train loss and accuracy are the
 * means over the epoch's training batches, as PyTorch training loops report them (data loss, in
 * training mode, while the weights change); before the first epoch they are measured in evaluation
 * mode on the first {@value ImageData#START_SAMPLE} images of the train split. Test figures are always
 * over the whole test split.
 *
 * <p>Logging: {@link #logTo(Path)} makes the run write TensorBoard event files, steps being epochs:
 * scalars {@code loss/train}, {@code loss/test}, {@code accuracy/train}, {@code accuracy/test},
 * {@code learning_rate} and {@code gradient/<index>.<type>} (the {@link #gradientNorms()}); a histogram
 * of every state dict entry ({@code 0.weight}, ...); for image sets a grid of 16 training inputs
 * ({@code inputs/train}, once) and the first Conv2d's filters ({@code filters/first_layer}); at the end,
 * the hyper-parameters with the final metrics; for 2D sets the decision boundary with the training
 * points ({@code boundary}). Runs do not log unless asked; a live run that may train for thousands of
 * epochs logs on a {@link LogSchedule#THINNED} schedule. {@link #close()} writes the hyper-parameters
 * (and the last epoch, if the schedule skipped it) and closes the files.
 *
 * <p>Not thread-safe: call it from one thread at a time (only {@link #flushLog()} may be called from
 * another thread).
 */
public final class TrainingRun implements AutoCloseable {

    private enum Head { REGRESSION, BINARY, MULTI }

    /** The most probable classes {@link #predictions} lists per image. */
    private static final int TOP = 3;

    private Experiment experiment;
    private final Path dataDir;
    private final Sequential model;
    private final ModelSummary summary;
    private final Head head;
    private final int classes;
    private final boolean outputIsProbability;
    private final Loss loss;
    private final Optimizer optimizer;
    private final List<Linear> linears = new ArrayList<>();
    private final List<Tensor> regularized = new ArrayList<>();
    /** Layers with parameters, whose gradient sizes {@link #gradientNorms()} reports. */
    private final List<Integer> gradientLayerIndices = new ArrayList<>();
    private final List<String> gradientLayerNames = new ArrayList<>();

    // 2D sets
    private final List<String> features;
    private final Points2D trainPoints;
    private final Points2D testPoints;
    private final Tensor trainX;
    private final Tensor trainY;
    private final Tensor testX;
    private final Tensor testY;
    private final Random batchOrder;

    // image sets
    private final ImageData images;

    private double[] gradientNorms;
    /** Each gradient layer's weight before the current step, to measure what the step changed. */
    private final List<float[]> weightsBefore = new ArrayList<>();
    private volatile StepReport lastStep;
    private int batchInEpoch;
    private int epoch;
    private EpochStats stats;
    private boolean lastEpochStopped;
    /** The latest evaluation's class probabilities of the test split, [test size][classes] (binary: 2). */
    private float[][] testProbabilities;
    private int[] testLabels;
    private volatile RunLog log;
    private volatile Path logDir;
    private boolean closed;

    /**
     * Generates or loads the data and builds the model from the experiment's seed; image sets that live
     * in files ({@code cifar10}, {@code folder:<name>}) are looked for in {@link ImageSets#defaultDataDir()}.
     *
     * @throws com.layerlab.engine.experiment.ExperimentException when the experiment cannot be trained
     *     (model-only file, data set not available, loss or output that do not fit the task)
     */
    public TrainingRun(Experiment e) {
        this(e, ImageSets.defaultDataDir());
    }

    /**
     * As {@link #TrainingRun(Experiment)}, with {@code dataDir} as the data folder ({@code cifar10/},
     * {@code fashion-mnist/}, {@code folders/} inside; may be null for the built-in sets).
     */
    public TrainingRun(Experiment e, Path dataDir) {
        this.summary = ExperimentFiles.requireTrainable(e, dataDir);
        this.experiment = e;
        this.dataDir = dataDir;
        long seed = e.seed();
        DataSpec d = e.data();
        long dataSeed = d.dataSeed(seed);
        boolean image = DataSets.isImage(d.dataset());
        if (image) {
            this.images = ImageData.load(e, dataDir, dataSeed, stream(dataSeed, 1), stream(seed, 2));
            this.classes = images.set.classes();
            this.features = null;
            this.trainPoints = null;
            this.testPoints = null;
        } else {
            this.images = null;
            Points2D all = DataSets.load2D(d, dataSeed, dataDir);
            Points2D.Split split = all.split(d.trainFraction(), new Random(stream(dataSeed, 1)));
            this.trainPoints = split.train();
            this.testPoints = split.test();
            this.features = d.featuresOrDefault();
            this.classes = all.classes();
        }
        this.head = classes == 0 ? Head.REGRESSION : classes == 2 && !e.loss().type().equals(LossSpec.CROSS_ENTROPY)
                ? Head.BINARY : Head.MULTI;
        this.model = Models.build(e);
        List<Module> layers = model.layers();
        this.outputIsProbability = layers.get(layers.size() - 1) instanceof Sigmoid;
        for (int i = 0; i < layers.size(); i++) {
            Module m = layers.get(i);
            if (m instanceof Linear l) {
                linears.add(l);
                regularized.add(l.weight());
            } else if (m instanceof Convolution c) {
                regularized.add(c.weight());
            }
            if (!m.parameters().isEmpty()) {
                gradientLayerIndices.add(i);
                gradientLayerNames.add(i + " " + summary.layers().get(i).type());
            }
        }
        this.loss = switch (e.loss().type()) {
            case LossSpec.CROSS_ENTROPY -> new CrossEntropyLoss();
            case LossSpec.BCE_WITH_LOGITS -> new BCEWithLogitsLoss();
            default -> new MSELoss();
        };
        OptimizerSpec o = e.optimizer();
        this.optimizer = o.type().equals(OptimizerSpec.ADAM)
                ? new Adam(model.parameters(), o.lr(), o.beta1(), o.beta2(), o.eps(), o.weightDecay())
                : new SGD(model.parameters(), o.lr(), o.momentum(), o.weightDecay(), o.nesterov());
        if (image) {
            this.trainX = null;
            this.trainY = null;
            this.testX = null;
            this.testY = null;
            this.batchOrder = null;
            this.testLabels = images.testLabels();
        } else {
            this.trainX = inputs(trainPoints);
            this.trainY = targets(trainPoints);
            this.testX = inputs(testPoints);
            this.testY = targets(testPoints);
            this.batchOrder = new Random(stream(seed, 2));
            this.testLabels = new int[testPoints.size()];
            for (int i = 0; i < testLabels.length; i++) {
                testLabels[i] = (int) testPoints.label()[i];
            }
        }
        this.gradientNorms = new double[gradientLayerIndices.size()];
        this.stats = image ? evaluateImages(null, null) : evaluate();
    }

    /** A seed for an independent stream derived from {@code seed}. */
    private static long stream(long seed, int which) {
        return new SplittableRandom(seed + which * 0x9E3779B97F4A7C15L).nextLong();
    }

    private Tensor inputs(Points2D p) {
        return Tensor.of(Features2D.compute(features, p), p.size(), features.size());
    }

    /** Class indices for CrossEntropyLoss, a 0/1 or real column for one output, one-hot for MSE on K classes. */
    private Tensor targets(Points2D p) {
        int n = p.size();
        if (experiment.loss().type().equals(LossSpec.CROSS_ENTROPY)) {
            return Tensor.of(p.label().clone(), n);
        }
        if (head == Head.MULTI) {
            float[] oneHot = new float[n * classes];
            for (int i = 0; i < n; i++) {
                oneHot[i * classes + (int) p.label()[i]] = 1f;
            }
            return Tensor.of(oneHot, n, classes);
        }
        return Tensor.of(p.label().clone(), n, 1);
    }

    /** The loss's target for a batch of images, as {@link #targets} makes it for points. */
    private Tensor targets(Batch b) {
        if (experiment.loss().type().equals(LossSpec.CROSS_ENTROPY)) {
            return b.y();
        }
        return head == Head.MULTI ? b.yOneHot(classes) : b.yColumn();
    }

    public Experiment experiment() {
        return experiment;
    }

    /** The data's classes (0: regression): a point set's come from its file, not from the experiment. */
    public int classes() {
        return classes;
    }

    public Sequential model() {
        return model;
    }

    /** Completed epochs (an epoch stopped early counts: its steps are in the weights). */
    public int epoch() {
        return epoch;
    }

    /** The latest statistics (epoch 0: the untrained model). */
    public EpochStats stats() {
        return stats;
    }

    /** Whether the latest epoch was stopped early by its {@link BatchListener}. */
    public boolean lastEpochStopped() {
        return lastEpochStopped;
    }

    /**
     * The data loss (without regularisation) of the latest training batch, before its optimizer step;
     * NaN before the first. A {@link BatchListener} reads it to draw the loss batch by batch.
     */
    public double lastBatchLoss() {
        StepReport s = lastStep;
        return s == null ? Double.NaN : s.loss();
    }

    /** Whether the data set is an image set (else a 2D set). */
    public boolean isImageTask() {
        return images != null;
    }

    /** The data folder image sets are looked for in (may be null). */
    public Path dataDir() {
        return dataDir;
    }

    /** The training points of a 2D set (null for an image set). */
    public Points2D trainPoints() {
        return trainPoints;
    }

    /** The test points of a 2D set (null for an image set). */
    public Points2D testPoints() {
        return testPoints;
    }

    /** Samples in the train split. */
    public int trainSize() {
        return images != null ? images.trainSize() : trainPoints.size();
    }

    /** Samples in the test split. */
    public int testSize() {
        return images != null ? images.testSize() : testPoints.size();
    }

    /** The data and its split in words, e.g. "mnist: 8,000 training and 2,000 test images [1, 28, 28], ...". */
    public String dataDescription() {
        DataSpec d = experiment.data();
        if (images != null) {
            return images.description(d.trainFraction());
        }
        return String.format(Locale.ROOT, "%s: %,d training and %,d test points, features %s", d.dataset(),
                trainPoints.size(), testPoints.size(), features);
    }

    /** Batches per training epoch. */
    public int batchesPerEpoch() {
        if (images != null) {
            return images.trainLoader.batches();
        }
        int n = trainPoints.size();
        int b = experiment.data().batchSize();
        return experiment.data().dropLast() ? n / b : (n + b - 1) / b;
    }

    /** Changes the learning rate from the next step on; {@link #experiment()} then carries the new rate. */
    public void setLearningRate(double lr) {
        optimizer.setLr(lr);
        experiment = experiment.withOptimizer(experiment.optimizer().withLr(lr));
    }

    /** One pass over the training data in batches (reshuffled each epoch when data.shuffle), then evaluation. */
    public EpochStats trainEpoch() {
        return trainEpoch(BatchListener.NONE);
    }

    /**
     * As {@link #trainEpoch()}, telling {@code listener} after every step; it may block (pause) and
     * returns false to stop the epoch early. A stopped epoch still counts and is evaluated, so that the
     * statistics describe the weights as they are ({@link #lastEpochStopped()} tells).
     */
    public EpochStats trainEpoch(BatchListener listener) {
        if (closed) {
            throw new IllegalStateException("this training run is closed");
        }
        BatchListener l = listener == null ? BatchListener.NONE : listener;
        batchInEpoch = 0;
        stats = images != null ? trainImageEpoch(l) : train2DEpoch(l);
        if (!Double.isFinite(stats.testLoss())) {
            // the epoch's last step can take finite weights to NaN: its loss was computed before it
            throw new LossDivergedException(epoch, 0, batchesPerEpoch(), stats.testLoss(), experiment.optimizer().lr());
        }
        RunLog current = log;
        if (current != null) {
            logEpoch(current, false);
        }
        return stats;
    }

    private EpochStats train2DEpoch(BatchListener listener) {
        DataSpec d = experiment.data();
        int n = trainPoints.size();
        int batch = d.batchSize();
        int[] order = d.shuffle() ? Points2D.permutation(n, batchOrder) : identity(n);
        int inW = features.size();
        int[] yShape = trainY.shape();
        int yW = yShape.length == 1 ? 1 : yShape[1];
        float[] x = trainX.data();
        float[] y = trainY.data();
        double[] gradSums = new double[gradientLayerIndices.size()];
        int steps = 0;
        int batches = batchesPerEpoch();
        long start = System.nanoTime();
        long listening = 0;
        int seen = 0;
        boolean stopped = false;
        model.train(true);
        for (int from = 0; from < n; from += batch) {
            int b = Math.min(batch, n - from);
            if (b < batch && d.dropLast()) {
                break;
            }
            float[] xb = new float[b * inW];
            float[] yb = new float[b * yW];
            for (int i = 0; i < b; i++) {
                int k = order[from + i];
                System.arraycopy(x, k * inW, xb, i * inW, inW);
                System.arraycopy(y, k * yW, yb, i * yW, yW);
            }
            Tensor target = yShape.length == 1 ? Tensor.of(yb, b) : Tensor.of(yb, b, yW);
            step(Tensor.of(xb, b, inW), target, gradSums);
            steps++;
            seen += b;
            long before = System.nanoTime();
            boolean go = listener.onBatch(steps, batches, rate(seen, before - start - listening));
            listening += System.nanoTime() - before;
            if (!go) {
                stopped = true;
                break;
            }
        }
        finishEpoch(gradSums, steps, stopped);
        return evaluate();
    }

    /** The model's output on a training batch and the data loss (without regularisation). */
    private record Step(Tensor output, double dataLoss) {
    }

    /** One optimizer step on a batch; adds each gradient layer's mean |dL/dW| to {@code gradSums}. */
    private Step step(Tensor x, Tensor target, double[] gradSums) {
        String regType = experiment.regularization().type();
        double regRate = experiment.regularization().rate();
        optimizer.zeroGrad();
        Tensor out = model.forward(x);
        Tensor dataLoss = loss.apply(out, target);
        double lossValue = dataLoss.item();
        if (!Double.isFinite(lossValue)) {
            // before the step: the weights stay those the last finite loss was computed with
            throw new LossDivergedException(epoch + 1, batchInEpoch + 1, batchesPerEpoch(), lossValue,
                    experiment.optimizer().lr());
        }
        Tensor l = dataLoss;
        if (!regType.equals("none") && regRate > 0) {
            l = l.add(Regularization.penalty(regType, regRate, regularized));
        }
        l.backward();
        List<Module> layers = model.layers();
        int k = gradientLayerIndices.size();
        double[] gradient = new double[k];
        for (int j = 0; j < k; j++) {
            Tensor w = layers.get(gradientLayerIndices.get(j)).parameters().get(0);
            gradient[j] = meanAbs(w.grad());
            gradSums[j] += gradient[j];
            if (weightsBefore.size() <= j) {
                weightsBefore.add(new float[w.numel()]);
            }
            System.arraycopy(w.data(), 0, weightsBefore.get(j), 0, w.numel());
        }
        optimizer.step();
        double[] update = new double[k];
        double[] weight = new double[k];
        for (int j = 0; j < k; j++) {
            float[] after = layers.get(gradientLayerIndices.get(j)).parameters().get(0).data();
            float[] before = weightsBefore.get(j);
            double du = 0;
            double sw = 0;
            for (int i = 0; i < after.length; i++) {
                du += Math.abs(after[i] - before[i]);
                sw += Math.abs(after[i]);
            }
            update[j] = du / after.length;
            weight[j] = sw / after.length;
        }
        lastStep = new StepReport(epoch + 1, ++batchInEpoch, lossValue, gradientLayerNames, gradient, update, weight);
        return new Step(out.detach(), lossValue);
    }

    private void finishEpoch(double[] gradSums, int steps, boolean stopped) {
        for (int j = 0; j < gradSums.length; j++) {
            gradSums[j] = steps == 0 ? 0 : gradSums[j] / steps;
        }
        gradientNorms = gradSums;
        lastEpochStopped = stopped;
        epoch++;
    }

    private static double rate(int samples, long nanos) {
        return nanos <= 0 ? 0 : samples / (nanos / 1e9);
    }

    private EpochStats trainImageEpoch(BatchListener listener) {
        double[] gradSums = new double[gradientLayerIndices.size()];
        int steps = 0;
        double lossSum = 0;
        long right = 0;
        int seen = 0;
        boolean stopped = false;
        long listening = 0;
        model.train(true);
        long start = System.nanoTime();
        try (DataLoader.Epoch batches = images.trainLoader.epoch(epoch)) {
            int total = batches.batches();
            while (batches.hasNext()) {
                Batch b = batches.next();
                Step st = step(b.x(), targets(b), gradSums);
                lossSum += st.dataLoss() * b.size();
                if (head != Head.REGRESSION) {
                    right += correct(st.output(), b.y().data());
                }
                seen += b.size();
                steps++;
                long before = System.nanoTime();
                boolean go = listener.onBatch(steps, total, rate(seen, before - start - listening));
                listening += System.nanoTime() - before;
                if (!go) {
                    stopped = true;
                    break;
                }
            }
        }
        finishEpoch(gradSums, steps, stopped);
        double trainLoss = seen == 0 ? Double.NaN : lossSum / seen;
        Double trainAcc = head == Head.REGRESSION ? null : seen == 0 ? Double.NaN : (double) right / seen;
        return evaluateImages(trainLoss, trainAcc);
    }

    /** How many rows of {@code output} predict their label. */
    private int correct(Tensor output, float[] labels) {
        float[][] p = classProbabilities(output);
        int right = 0;
        for (int i = 0; i < p.length; i++) {
            right += argmax(p[i]) == (int) labels[i] ? 1 : 0;
        }
        return right;
    }

    private static int argmax(float[] p) {
        int best = 0;
        for (int k = 1; k < p.length; k++) {
            if (p[k] > p[best]) {
                best = k;
            }
        }
        return best;
    }

    private static double meanAbs(Tensor g) {
        if (g == null) {
            return 0;
        }
        double s = 0;
        for (float v : g.data()) {
            s += Math.abs(v);
        }
        return s / g.numel();
    }

    private static int[] identity(int n) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        return p;
    }

    private EpochStats evaluate() {
        model.train(false);
        try (Tensor.NoGrad g = Tensor.noGradScope()) {
            Tensor trainOut = model.forward(trainX);
            Tensor testOut = model.forward(testX);
            double trainLoss = loss.apply(trainOut, trainY).item();
            double testLoss = loss.apply(testOut, testY).item();
            Double trainAcc = head == Head.REGRESSION ? null : accuracy(trainOut, trainPoints);
            Double testAcc = head == Head.REGRESSION ? null : accuracy(testOut, testPoints);
            testProbabilities = head == Head.REGRESSION ? null : classProbabilities(testOut);
            return new EpochStats(epoch, trainLoss, testLoss, trainAcc, testAcc);
        }
    }

    /**
     * Evaluates the test split (and, before training, the start sample of the train split) in batches, in
     * evaluation mode; {@code trainLoss}/{@code trainAcc} null means "measure them on the start sample".
     */
    private EpochStats evaluateImages(Double trainLoss, Double trainAcc) {
        model.train(false);
        if (trainLoss == null) {
            double[] r = evaluateLoader(images.startSampleLoader, null);
            trainLoss = r[0];
            trainAcc = head == Head.REGRESSION ? null : r[1];
        }
        float[][] probs = head == Head.REGRESSION ? null : new float[images.testSize()][];
        double[] t = evaluateLoader(images.testLoader, probs);
        testProbabilities = probs;
        return new EpochStats(epoch, trainLoss, t[0], trainAcc, head == Head.REGRESSION ? null : t[1]);
    }

    /** Mean data loss and accuracy over a loader's samples; fills {@code probs} (by position) when given. */
    private double[] evaluateLoader(DataLoader loader, float[][] probs) {
        double lossSum = 0;
        long right = 0;
        int seen = 0;
        try (Tensor.NoGrad g = Tensor.noGradScope(); DataLoader.Epoch batches = loader.epoch(0)) {
            while (batches.hasNext()) {
                Batch b = batches.next();
                Tensor out = model.forward(b.x());
                lossSum += loss.apply(out, targets(b)).item() * b.size();
                if (head != Head.REGRESSION) {
                    float[][] p = classProbabilities(out);
                    float[] labels = b.y().data();
                    for (int i = 0; i < p.length; i++) {
                        right += argmax(p[i]) == (int) labels[i] ? 1 : 0;
                        if (probs != null) {
                            probs[seen + i] = p[i];
                        }
                    }
                }
                seen += b.size();
            }
        }
        return new double[] {seen == 0 ? Double.NaN : lossSum / seen, seen == 0 ? Double.NaN : (double) right / seen};
    }

    private double accuracy(Tensor output, Points2D p) {
        float[] prob = probabilities(output).data();
        int n = p.size();
        int right = 0;
        for (int i = 0; i < n; i++) {
            int predicted;
            if (head == Head.BINARY) {
                predicted = prob[i] > 0.5f ? 1 : 0;
            } else {
                predicted = 0;
                for (int k = 1; k < classes; k++) {
                    if (prob[i * classes + k] > prob[i * classes + predicted]) {
                        predicted = k;
                    }
                }
            }
            right += predicted == (int) p.label()[i] ? 1 : 0;
        }
        return n == 0 ? 0 : (double) right / n;
    }

    /**
     * What the output means for display: regression values as they are; classification as probabilities
     * (sigmoid of a logit, softmax of logits; an output already squashed by a final Sigmoid, or trained by
     * MSELoss against 0/1 targets, is clamped into [0, 1]).
     */
    private Tensor probabilities(Tensor out) {
        if (head == Head.REGRESSION) {
            return out;
        }
        String lossType = experiment.loss().type();
        if (lossType.equals(LossSpec.MSE) || outputIsProbability) {
            float[] v = out.data().clone();
            for (int i = 0; i < v.length; i++) {
                v[i] = Math.max(0f, Math.min(1f, v[i]));
            }
            return Tensor.of(v, out.shape());
        }
        return head == Head.BINARY ? out.sigmoid() : out.softmax(1);
    }

    /**
     * Per row of a classification output, one probability per class: {@link #probabilities}, with a
     * binary model's single P(class 1) as the pair {@code [1 - p, p]} (so that the arg max agrees with
     * the {@code p > 0.5} rule).
     */
    private float[][] classProbabilities(Tensor out) {
        float[] p = probabilities(out).data();
        int n = out.size(0);
        float[][] rows = new float[n][];
        for (int i = 0; i < n; i++) {
            if (head == Head.BINARY) {
                rows[i] = new float[] {1 - p[i], p[i]};
            } else {
                rows[i] = Arrays.copyOfRange(p, i * classes, (i + 1) * classes);
            }
        }
        return rows;
    }

    /** The grid's input features, [n*n, features]: row r has x2 = extent - r*2*extent/(n-1), column c x1 = -extent + c*2*extent/(n-1). */
    private Tensor gridInputs(int n, float extent) {
        require2D("predictGrid / neuronGrids");
        if (n < 2) {
            throw new IllegalArgumentException("grid size must be at least 2, got " + n);
        }
        int f = features.size();
        float[] x = new float[n * n * f];
        float step = 2 * extent / (n - 1);
        for (int r = 0; r < n; r++) {
            float x2 = extent - r * step;
            for (int c = 0; c < n; c++) {
                Features2D.compute(features, -extent + c * step, x2, x, (r * n + c) * f);
            }
        }
        return Tensor.of(x, n * n, f);
    }

    private void require2D(String what) {
        if (images != null) {
            throw new IllegalStateException(what + ": only for 2D data sets; this run trains on images");
        }
    }

    private void requireImages(String what) {
        if (images == null) {
            throw new IllegalStateException(what + ": only for image data sets; this run trains on a 2D set");
        }
    }

    /** The model's prediction on an n x n grid over [-extent, extent]^2 (see {@link GridPrediction}); 2D sets only. */
    public GridPrediction predictGrid(int n, float extent) {
        Tensor in = gridInputs(n, extent);
        model.train(false);
        try (Tensor.NoGrad g = Tensor.noGradScope()) {
            Tensor p = probabilities(model.forward(in));
            return new GridPrediction(n, p.numel() / (n * n), p.data().clone());
        }
    }

    /**
     * Per-neuron heat maps on an n x n grid, {@code [layer][neuron][cell]}: layer 0 holds the input features;
     * then, for every Linear layer but the last, the output of that layer's block (the Linear and the
     * activations after it, up to the next Linear); the last entry is the network's output as
     * {@link #predictGrid} gives it (K maps for K classes). 2D sets only.
     */
    public float[][][] neuronGrids(int n, float extent) {
        Tensor in = gridInputs(n, extent);
        model.train(false);
        try (Tensor.NoGrad g = Tensor.noGradScope()) {
            List<Tensor> outs = model.forwardAll(in);
            List<Module> layers = model.layers();
            List<float[][]> maps = new ArrayList<>();
            maps.add(columns(in, n * n));
            int linearsSeen = 0;
            for (int i = 0; i < layers.size(); i++) {
                if (layers.get(i) instanceof Linear) {
                    linearsSeen++;
                }
                boolean blockEnds = i + 1 < layers.size() && layers.get(i + 1) instanceof Linear;
                if (blockEnds && linearsSeen > 0) {
                    maps.add(columns(outs.get(i), n * n));
                }
            }
            maps.add(columns(probabilities(outs.get(outs.size() - 1)), n * n));
            return maps.toArray(new float[0][][]);
        }
    }

    /** A [cells, k] tensor as k maps of {@code cells} values. */
    private static float[][] columns(Tensor t, int cells) {
        int k = t.numel() / cells;
        float[] d = t.data();
        float[][] out = new float[k][cells];
        for (int i = 0; i < cells; i++) {
            for (int j = 0; j < k; j++) {
                out[j][i] = d[i * k + j];
            }
        }
        return out;
    }

    /** Each Linear layer's weights as [out][in] (copies). */
    public List<float[][]> linearWeights() {
        List<float[][]> out = new ArrayList<>();
        for (Linear l : linears) {
            float[] w = l.weight().data();
            float[][] m = new float[l.outFeatures()][l.inFeatures()];
            for (int o = 0; o < m.length; o++) {
                System.arraycopy(w, o * l.inFeatures(), m[o], 0, l.inFeatures());
            }
            out.add(m);
        }
        return out;
    }

    /**
     * Per layer with parameters ({@link #gradientLayers()}; for the playground's networks, per Linear
     * layer): the mean |dL/dW| of its weight over the last epoch's steps (zeros before the first epoch).
     */
    public double[] gradientNorms() {
        return gradientNorms.clone();
    }

    /** What the latest training step did to each layer's weights; null before the first step. */
    public StepReport lastStep() {
        return lastStep;
    }

    /** The names of the layers {@link #gradientNorms()} reports on, as "index type": "0 Conv2d", "3 Linear". */
    public List<String> gradientLayers() {
        return List.copyOf(gradientLayerNames);
    }

    // ---- classification results and image views

    /** The class names: an image set's; "0", "1", ... for a 2D classification set; empty for regression. */
    public List<String> classNames() {
        if (head == Head.REGRESSION) {
            return List.of();
        }
        if (images != null) {
            return images.set.classNames();
        }
        List<String> names = new ArrayList<>();
        for (int k = 0; k < classes; k++) {
            names.add(Integer.toString(k));
        }
        return names;
    }

    /**
     * The latest evaluation's confusion matrix over the test split, {@code [true class][predicted class]}
     * (its entries sum to the test split's size); an empty array for regression.
     */
    public int[][] confusionMatrix() {
        if (testProbabilities == null) {
            return new int[0][0];
        }
        int k = testProbabilities.length == 0 ? classNames().size() : testProbabilities[0].length;
        int[][] m = new int[k][k];
        for (int i = 0; i < testProbabilities.length; i++) {
            m[testLabels[i]][argmax(testProbabilities[i])]++;
        }
        return m;
    }

    /**
     * The first {@code count} test samples (fewer if the split is smaller) with their most probable
     * classes (top 3, or all classes when there are fewer) from the latest evaluation; empty for regression.
     */
    public List<Prediction> predictions(int count) {
        if (count < 0) {
            throw new IllegalArgumentException("count must not be negative, got " + count);
        }
        if (testProbabilities == null) {
            return List.of();
        }
        int n = Math.min(count, testProbabilities.length);
        List<Prediction> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            float[] p = testProbabilities[i];
            int k = Math.min(TOP, p.length);
            int[] top = new int[k];
            float[] topProb = new float[k];
            boolean[] taken = new boolean[p.length];
            for (int j = 0; j < k; j++) {
                int best = -1;
                for (int c = 0; c < p.length; c++) {
                    if (!taken[c] && (best < 0 || p[c] > p[best])) {
                        best = c;
                    }
                }
                taken[best] = true;
                top[j] = best;
                topProb[j] = p[best];
            }
            out.add(new Prediction(i, testLabels[i], top, topProb));
        }
        return out;
    }

    /** The shape of one input sample: {@code [channels, height, width]} for images, {@code [features]} for 2D sets. */
    public int[] inputShape() {
        return Models.inputShape(experiment);
    }

    /** Test image {@code index} as floats in [0, 1], CHW ({@link #inputShape()}); image sets only. */
    public float[] testImage(int index) {
        requireImages("testImage");
        return images.testImage(index);
    }

    /** The input of test sample {@code index}: its image, or a 2D point's feature vector. */
    private float[] testInput(int index) {
        if (images != null) {
            return images.testImage(index);
        }
        if (index < 0 || index >= testPoints.size()) {
            throw new IndexOutOfBoundsException("test point " + index + " outside 0.." + (testPoints.size() - 1));
        }
        int f = features.size();
        return Arrays.copyOfRange(testX.data(), index * f, (index + 1) * f);
    }

    /**
     * Every layer's output for test sample {@code testIndex}, in evaluation mode, without the batch axis;
     * the shapes are those {@code Models.inspect} gives.
     */
    public List<FeatureMap> featureMaps(int testIndex) {
        float[] x = testInput(testIndex);
        int[] shape = inputShape();
        int[] batched = new int[shape.length + 1];
        batched[0] = 1;
        System.arraycopy(shape, 0, batched, 1, shape.length);
        model.train(false);
        List<Tensor> outs;
        try (Tensor.NoGrad g = Tensor.noGradScope()) {
            outs = model.forwardAll(Tensor.of(x, batched));
        }
        List<FeatureMap> maps = new ArrayList<>(outs.size());
        for (int i = 0; i < outs.size(); i++) {
            Tensor t = outs.get(i);
            int[] s = t.shape();
            maps.add(new FeatureMap(i, summary.layers().get(i).type(), Arrays.copyOfRange(s, 1, s.length), t.data().clone()));
        }
        return maps;
    }

    private Conv2d firstConv2d() {
        for (Module m : model.layers()) {
            if (m instanceof Conv2d c) {
                return c;
            }
        }
        return null;
    }

    /** The first Conv2d layer's weight, {@code [out, in/groups, kh, kw]} row-major (a copy), or null when there is none. */
    public float[] firstLayerFilters() {
        Conv2d c = firstConv2d();
        return c == null ? null : c.weight().data().clone();
    }

    /** The shape of {@link #firstLayerFilters()}, or null when there is no Conv2d layer. */
    public int[] firstLayerFilterShape() {
        Conv2d c = firstConv2d();
        return c == null ? null : c.weight().shape();
    }

    // ---- logging

    /**
     * Writes this run's TensorBoard event files into {@code dir} from now on: the current statistics at
     * once (epoch 0 for a new run) and, for image sets, a grid of 16 training inputs; then every epoch's.
     * {@code null} stops logging (writing the hyper-parameters, as {@link #close()} does).
     *
     * @return this run
     * @throws IllegalStateException when the run already logs (stop it first with {@code logTo(null)})
     */
    public TrainingRun logTo(Path dir) {
        return logTo(dir, LogSchedule.EVERY_EPOCH);
    }

    /**
     * As {@link #logTo(Path)}, recording the epochs {@code schedule} picks (a live run that may train
     * for thousands of epochs thins its log out); the epoch the run ends at is always recorded.
     */
    public TrainingRun logTo(Path dir, LogSchedule schedule) {
        if (dir == null) {
            endLog();
            return this;
        }
        if (log != null) {
            throw new IllegalStateException("this run already logs to " + log.dir() + "; call logTo(null) first");
        }
        if (closed) {
            throw new IllegalStateException("this training run is closed");
        }
        RunLog l = new RunLog(dir, schedule == null ? LogSchedule.EVERY_EPOCH : schedule);
        if (images != null) {
            int[] s = images.set.shape();
            float[] first = images.firstTrainImages(16);
            l.inputs(first, first.length / images.set.imageSize(), s[0], s[1], s[2]);
        }
        logEpoch(l, true);
        log = l;
        logDir = dir;
        return this;
    }

    /**
     * The folder of this run's event files: where it logs, or logged before {@code logTo(null)} or
     * {@link #close()} (so they can still be downloaded); null when it never logged.
     */
    public Path logDir() {
        return logDir;
    }

    /** Whether the run is writing event files now. */
    public boolean isLogging() {
        return log != null;
    }

    /** Writes queued events to the files (for a download while training); safe from any thread. */
    public void flushLog() {
        RunLog l = log;
        if (l != null) {
            l.flush();
        }
    }

    /** Records the current epoch where the log's schedule (or {@code always}: a start or an end) asks for it. */
    private void logEpoch(RunLog l, boolean always) {
        long step = stats.epoch();
        boolean scalars = step != l.lastStep() && (always || l.schedule().scalarsAt(step));
        boolean details = step != l.lastDetailStep() && (always || l.schedule().detailsAt(step));
        if (!scalars && !details) {
            return;
        }
        if (scalars) {
            l.scalars(stats, optimizer.lr(), gradientLayerNames, gradientNorms);
        }
        if (details) {
            float[] boundary = images == null ? boundaryImage() : null;
            l.details(step, model.stateDict(), firstLayerFilters(), firstLayerFilterShape(), boundary, BoundaryImage.SIZE);
        }
        l.epochDone();
    }

    /** The decision boundary with the training points, as TensorBoard shows images (2D sets). */
    private float[] boundaryImage() {
        boolean regression = head == Head.REGRESSION;
        double scale = regression ? Points2D.labelScale(trainPoints, testPoints) : 1;
        boolean mode = model.isTraining();
        try {
            return BoundaryImage.render(predictGrid(BoundaryImage.SIZE, BoundaryImage.EXTENT), regression, scale, trainPoints);
        } finally {
            model.train(mode);
        }
    }

    private void endLog() {
        RunLog l = log;
        if (l == null) {
            return;
        }
        log = null;
        try {
            // the epoch the run ends at, if the schedule passed it over
            logEpoch(l, true);
            l.finish(hparams(), metrics());
        } finally {
            l.close();
        }
    }

    /** The run's settings for TensorBoard's HPARAMS tab. */
    private Map<String, Object> hparams() {
        Experiment e = experiment;
        DataSpec d = e.data();
        OptimizerSpec o = e.optimizer();
        Map<String, Object> h = new LinkedHashMap<>();
        if (e.name() != null) {
            h.put("name", e.name());
        }
        h.put("dataset", d.dataset());
        h.put("seed", e.seed());
        h.put("model", e.model().stream().map(LayerSpec::type).collect(Collectors.joining(" ")));
        h.put("params", summary.totalParams());
        h.put("loss", e.loss().type());
        h.put("optimizer", o.type());
        h.put("lr", o.lr());
        if (o.type().equals(OptimizerSpec.SGD)) {
            h.put("momentum", o.momentum());
            h.put("nesterov", o.nesterov());
        } else {
            h.put("beta1", o.beta1());
            h.put("beta2", o.beta2());
        }
        h.put("weight_decay", o.weightDecay());
        h.put("regularization", e.regularization().type());
        h.put("regularization_rate", e.regularization().rate());
        h.put("batch_size", d.batchSize());
        h.put("shuffle", d.shuffle());
        h.put("drop_last", d.dropLast());
        h.put("train_fraction", d.trainFraction());
        h.put("epochs", epoch);
        return h;
    }

    private Map<String, Double> metrics() {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("hparam/loss_train", stats.trainLoss());
        m.put("hparam/loss_test", stats.testLoss());
        if (stats.testAccuracy() != null) {
            m.put("hparam/accuracy_train", stats.trainAccuracy());
            m.put("hparam/accuracy_test", stats.testAccuracy());
        }
        return m;
    }

    /**
     * Ends the run: writes the hyper-parameters with the final metrics into the log (if logging), closes
     * the event files and stops the data loaders' threads. The results stay readable; training does not.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            endLog();
        } finally {
            if (images != null) {
                images.close();
            }
        }
    }
}
