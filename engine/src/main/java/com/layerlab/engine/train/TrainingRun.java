package com.layerlab.engine.train;

import com.layerlab.datasets.Datasets2D;
import com.layerlab.datasets.Features2D;
import com.layerlab.datasets.Points2D;
import com.layerlab.engine.experiment.DataSpec;
import com.layerlab.engine.experiment.Experiment;
import com.layerlab.engine.experiment.ExperimentFiles;
import com.layerlab.engine.experiment.LossSpec;
import com.layerlab.engine.experiment.Models;
import com.layerlab.engine.experiment.OptimizerSpec;
import com.layerlab.engine.nn.Adam;
import com.layerlab.engine.nn.BCEWithLogitsLoss;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;

/**
 * One training run of an experiment on a 2D data set: data, split, model, optimizer, epoch by epoch.
 * The same experiment gives the same data, starting weights and, on the CPU backend, bit-identical losses.
 *
 * <p>Random streams, all from the experiment: the points from the data seed ({@code data.options.seed},
 * else the experiment's seed), the train/test split from the data seed too (so new starting weights keep
 * the same split), the starting weights from {@code new Random(seed)}, the batch order from the seed.
 *
 * <p>Not thread-safe: call it from one thread at a time.
 */
public final class TrainingRun {

    private enum Head { REGRESSION, BINARY, MULTI }

    private Experiment experiment;
    private final Sequential model;
    private final List<String> features;
    private final Points2D trainPoints;
    private final Points2D testPoints;
    private final Tensor trainX;
    private final Tensor trainY;
    private final Tensor testX;
    private final Tensor testY;
    private final Head head;
    private final int classes;
    private final boolean outputIsProbability;
    private final Loss loss;
    private final Optimizer optimizer;
    private final List<Linear> linears = new ArrayList<>();
    private final List<Tensor> regularized = new ArrayList<>();
    private final Random batchOrder;
    private double[] gradientNorms;
    private int epoch;
    private EpochStats stats;

    /**
     * Generates the data and builds the model from the experiment's seed.
     *
     * @throws com.layerlab.engine.experiment.ExperimentException when the experiment cannot be trained
     *     (model-only file, data set not available, loss or output that do not fit the task)
     */
    public TrainingRun(Experiment e) {
        ExperimentFiles.requireTrainable(e);
        this.experiment = e;
        long seed = e.seed();
        DataSpec d = e.data();
        long dataSeed = d.dataSeed(seed);
        Points2D all = Datasets2D.generate(d.dataset(), d.samples(), d.noise(), d.classes(), dataSeed);
        Points2D.Split split = all.split(d.trainFraction(), new Random(stream(dataSeed, 1)));
        this.trainPoints = split.train();
        this.testPoints = split.test();
        this.features = d.featuresOrDefault();
        this.classes = d.classes();
        this.head = classes == 0 ? Head.REGRESSION : classes == 2 && !e.loss().type().equals(LossSpec.CROSS_ENTROPY)
                ? Head.BINARY : Head.MULTI;
        this.model = Models.build(e);
        List<Module> layers = model.layers();
        this.outputIsProbability = layers.get(layers.size() - 1) instanceof Sigmoid;
        for (Module m : layers) {
            if (m instanceof Linear l) {
                linears.add(l);
                regularized.add(l.weight());
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
        this.trainX = inputs(trainPoints);
        this.trainY = targets(trainPoints);
        this.testX = inputs(testPoints);
        this.testY = targets(testPoints);
        this.batchOrder = new Random(stream(seed, 2));
        this.gradientNorms = new double[linears.size()];
        this.stats = evaluate();
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

    public Experiment experiment() {
        return experiment;
    }

    public Sequential model() {
        return model;
    }

    /** Completed epochs. */
    public int epoch() {
        return epoch;
    }

    /** The latest statistics (epoch 0: the untrained model). */
    public EpochStats stats() {
        return stats;
    }

    public Points2D trainPoints() {
        return trainPoints;
    }

    public Points2D testPoints() {
        return testPoints;
    }

    /** Changes the learning rate from the next step on; {@link #experiment()} then carries the new rate. */
    public void setLearningRate(double lr) {
        optimizer.setLr(lr);
        experiment = experiment.withOptimizer(experiment.optimizer().withLr(lr));
    }

    /** One pass over the training points in batches (reshuffled each epoch when data.shuffle), then evaluation. */
    public EpochStats trainEpoch() {
        DataSpec d = experiment.data();
        int n = trainPoints.size();
        int batch = d.batchSize();
        int[] order = d.shuffle() ? Points2D.permutation(n, batchOrder) : identity(n);
        int inW = features.size();
        int[] yShape = trainY.shape();
        int yW = yShape.length == 1 ? 1 : yShape[1];
        float[] x = trainX.data();
        float[] y = trainY.data();
        double[] gradSums = new double[linears.size()];
        int steps = 0;
        String regType = experiment.regularization().type();
        double regRate = experiment.regularization().rate();
        model.train(true);
        for (int start = 0; start < n; start += batch) {
            int b = Math.min(batch, n - start);
            if (b < batch && d.dropLast()) {
                break;
            }
            float[] xb = new float[b * inW];
            float[] yb = new float[b * yW];
            for (int i = 0; i < b; i++) {
                int k = order[start + i];
                System.arraycopy(x, k * inW, xb, i * inW, inW);
                System.arraycopy(y, k * yW, yb, i * yW, yW);
            }
            Tensor target = yShape.length == 1 ? Tensor.of(yb, b) : Tensor.of(yb, b, yW);
            optimizer.zeroGrad();
            Tensor l = loss.apply(model.forward(Tensor.of(xb, b, inW)), target);
            if (!regType.equals("none") && regRate > 0) {
                l = l.add(Regularization.penalty(regType, regRate, regularized));
            }
            l.backward();
            for (int j = 0; j < linears.size(); j++) {
                gradSums[j] += meanAbs(linears.get(j).weight().grad());
            }
            optimizer.step();
            steps++;
        }
        for (int j = 0; j < gradSums.length; j++) {
            gradSums[j] = steps == 0 ? 0 : gradSums[j] / steps;
        }
        gradientNorms = gradSums;
        epoch++;
        stats = evaluate();
        return stats;
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
            return new EpochStats(epoch, trainLoss, testLoss, trainAcc, testAcc);
        }
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

    /** The grid's input features, [n*n, features]: row r has x2 = extent - r*2*extent/(n-1), column c x1 = -extent + c*2*extent/(n-1). */
    private Tensor gridInputs(int n, float extent) {
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

    /** The model's prediction on an n x n grid over [-extent, extent]^2 (see {@link GridPrediction}). */
    public GridPrediction predictGrid(int n, float extent) {
        model.train(false);
        try (Tensor.NoGrad g = Tensor.noGradScope()) {
            Tensor p = probabilities(model.forward(gridInputs(n, extent)));
            return new GridPrediction(n, p.numel() / (n * n), p.data().clone());
        }
    }

    /**
     * Per-neuron heat maps on an n x n grid, {@code [layer][neuron][cell]}: layer 0 holds the input features;
     * then, for every Linear layer but the last, the output of that layer's block (the Linear and the
     * activations after it, up to the next Linear); the last entry is the network's output as
     * {@link #predictGrid} gives it (K maps for K classes).
     */
    public float[][][] neuronGrids(int n, float extent) {
        model.train(false);
        try (Tensor.NoGrad g = Tensor.noGradScope()) {
            Tensor in = gridInputs(n, extent);
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

    /** Per Linear layer: the mean |dL/dW| over the last epoch's steps (zeros before the first epoch). */
    public double[] gradientNorms() {
        return gradientNorms.clone();
    }
}
