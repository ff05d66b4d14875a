package com.layerlab.engine.train;

import com.layerlab.datasets.ImageSets;
import com.layerlab.engine.data.Batch;
import com.layerlab.engine.data.DataLoader;
import com.layerlab.engine.experiment.DataSets;
import com.layerlab.engine.experiment.DataSpec;
import com.layerlab.engine.experiment.Experiment;
import com.layerlab.engine.experiment.ExperimentFiles;
import com.layerlab.engine.experiment.LossSpec;
import com.layerlab.engine.experiment.ModelSummary;
import com.layerlab.engine.experiment.Models;
import com.layerlab.engine.experiment.OptimizerSpec;
import com.layerlab.engine.experiment.Safetensors;
import com.layerlab.engine.optim.Adam;
import com.layerlab.engine.nn.BCEWithLogitsLoss;
import com.layerlab.engine.nn.Convolution;
import com.layerlab.engine.nn.CrossEntropyLoss;
import com.layerlab.engine.nn.Linear;
import com.layerlab.engine.nn.Loss;
import com.layerlab.engine.nn.MSELoss;
import com.layerlab.engine.nn.Module;
import com.layerlab.engine.optim.Optimizer;
import com.layerlab.engine.nn.Regularization;
import com.layerlab.engine.optim.SGD;
import com.layerlab.engine.nn.Sequential;
import com.layerlab.engine.tensor.Device;
import com.layerlab.engine.tensor.StepMemory;
import com.layerlab.engine.tensor.Tensor;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Trains an experiment batch by batch, PyTorch's training loop taken apart so that a caller can stop
 * anywhere: {@link #step()} trains one batch ({@code zero_grad, forward, loss, backward, step}); the
 * batch that ends an epoch also evaluates the model. The same loop serves 2D point sets and image sets:
 * both come as {@link DataLoader}s ({@link TrainData}).
 *
 * <p>Reproducible: the same experiment gives the same data, starting weights and, on the CPU backend,
 * bit-identical losses. Random streams, all from the experiment: the data from the data seed
 * ({@code data.options.seed} of a 2D set, else the experiment's seed; it also generates {@code shapes}),
 * the train/test split from the data seed too (so new starting weights keep the same split), the
 * starting weights from {@code new Random(seed)}, the batch order from the seed. Training
 * {@link #batchesPerEpoch()} steps is exactly {@link #trainEpoch()}.
 *
 * <p>Modes: the model trains in training mode (Dropout drops, BatchNorm uses and updates batch
 * statistics) and is evaluated in evaluation mode without recording gradients. Test figures are over
 * the whole test split; train figures as {@link TrainData#trainStatsFromBatches()} says.
 *
 * <p>Weights go in and out as safetensors bytes ({@link #weights()}, {@link #loadWeights(byte[])}); a
 * {@link Checkpoint} between epochs holds what {@link #resume} needs to train on. The probes the pages
 * draw take a trainer: {@link PointProbes}, {@link ImageProbes} and the {@link StepProbe}. With
 * {@link #logTo(Path)} the run writes TensorBoard event files ({@link RunLog}).
 *
 * <p>Not thread-safe: call it from one thread at a time (only {@link #flushLog()} may be called from
 * another thread).
 */
public final class Trainer implements AutoCloseable {

    private Experiment experiment;
    private final Path dataDir;
    private final ModelSummary summary;
    private final TrainData data;
    private final Sequential model;
    private final Head head;
    private final Loss loss;
    private final Optimizer optimizer;
    /** The run's scope of the device it was given; the CPU once the run is closed (its weights moved there). */
    private volatile Device device;
    /** The weights regularisation penalises: Linear and convolution weights, not biases or norms. */
    private final List<Tensor> regularized = new ArrayList<>();
    private final StepProbe stepProbe;
    /** The temporaries of the steps and evaluation batches, kept from one to the next. */
    private final StepMemory stepMemory;

    private int epoch;
    private int batchInEpoch;
    /** The open epoch's batches; null between epochs. */
    private DataLoader.Epoch batches;
    // the open epoch's training figures: means over its batches, and throughput
    private double epochLossSum;
    private long epochRight;
    private int epochSeen;
    private long epochNanos;

    private EpochStats stats;
    private final List<EpochStats> history = new ArrayList<>();
    private boolean lastEpochStopped;
    /** The latest evaluation's class probabilities of the test split, [test size][classes]; empty for regression. */
    private float[][] testProbabilities = new float[0][];
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
    public Trainer(Experiment e) {
        this(e, ImageSets.defaultDataDir());
    }

    /**
     * As {@link #Trainer(Experiment)}, with {@code dataDir} as the data folder ({@code cifar10/},
     * {@code fashion-mnist/}, {@code folders/} inside; may be null for the built-in sets).
     */
    public Trainer(Experiment e, Path dataDir) {
        this(e, dataDir, Device.cpu());
    }

    /**
     * As {@link #Trainer(Experiment, Path)}, on {@code device}: the model's weights, the optimizer's state
     * and every batch live there, and every operation of the run runs there. The run allocates on a
     * {@link Device#scope() scope} of it, which {@link #close()} releases.
     */
    public Trainer(Experiment e, Path dataDir, Device device) {
        this(e, dataDir, device, true);
    }

    private Trainer(Experiment e, Path dataDir, Device device, boolean evaluate) {
        if (device == null) {
            throw new IllegalArgumentException("Trainer: device is null");
        }
        this.summary = ExperimentFiles.requireTrainable(e, dataDir);
        this.device = device.scope();
        this.stepMemory = new StepMemory(this.device);
        this.experiment = e;
        this.dataDir = dataDir;
        long seed = e.seed();
        DataSpec d = e.data();
        long dataSeed = d.dataSeed(seed);
        this.data = DataSets.isImage(d.dataset())
                ? ImageData.load(e, dataDir, dataSeed, stream(dataSeed, 1), stream(seed, 2), this.device)
                : PointData.load(d, dataDir, dataSeed, stream(dataSeed, 1), stream(seed, 2), this.device);
        this.model = Models.build(e);
        model.to(this.device);
        this.head = new Head(e, data.classes(), model);
        for (Module m : model.layers()) {
            if (m instanceof Linear l) {
                regularized.add(l.weight());
            } else if (m instanceof Convolution c) {
                regularized.add(c.weight());
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
        this.stepProbe = new StepProbe(model, summary);
        if (evaluate) {
            stats = evaluate(measure(data.trainSample(), null));
            history.add(stats);
        }
    }

    /**
     * A trainer that goes on from {@code checkpoint}: its experiment, weights, optimizer state, epoch and
     * statistics; the next batch is the first of epoch {@code checkpoint.epoch() + 1}, in the order a
     * straight run gives it.
     *
     * @throws com.layerlab.engine.experiment.ExperimentException when the weights do not fit the model
     */
    public static Trainer resume(Checkpoint checkpoint, Path dataDir) {
        return resume(checkpoint, dataDir, Device.cpu());
    }

    /** As {@link #resume(Checkpoint, Path)}, on {@code device}. */
    public static Trainer resume(Checkpoint checkpoint, Path dataDir, Device device) {
        Trainer t = new Trainer(checkpoint.experiment(), dataDir, device, false);
        try {
            Safetensors.load(t.model, Safetensors.fromBytes(checkpoint.weights()));
            t.optimizer.loadStateDict(Safetensors.fromBytes(checkpoint.optimizerState()));
            t.epoch = checkpoint.epoch();
            t.history.addAll(checkpoint.history());
            t.stats = checkpoint.history().get(checkpoint.epoch());
            // the probes read the test split's predictions of these weights
            t.model.train(false);
            t.measureTest();
            return t;
        } catch (RuntimeException ex) {
            t.close();
            throw ex;
        }
    }

    /** A seed for an independent stream derived from {@code seed}. */
    private static long stream(long seed, int which) {
        return new SplittableRandom(seed + which * 0x9E3779B97F4A7C15L).nextLong();
    }

    /**
     * The device this run's tensors live and its operations run on (a scope of the one it was given, equal
     * to it); after {@link #close()} the CPU, where the model's weights then are.
     */
    public Device device() {
        return device;
    }

    /** The experiment trained, with the learning rate now in force. */
    public Experiment experiment() {
        return experiment;
    }

    public Sequential model() {
        return model;
    }

    public ModelSummary summary() {
        return summary;
    }

    /** The data, loaded and split: {@link PointData} or {@link ImageData}. */
    public TrainData data() {
        return data;
    }

    /** The data folder image sets are looked for in (may be null). */
    public Path dataDir() {
        return dataDir;
    }

    /** The data and its split in words. */
    public String dataDescription() {
        return data.description();
    }

    /** The shape of one input sample: {@code [channels, height, width]} for images, {@code [features]} for 2D sets. */
    public int[] inputShape() {
        return Models.inputShape(experiment);
    }

    /** Completed epochs (an epoch stopped early by a {@link BatchListener} counts: its steps are in the weights). */
    public int epoch() {
        return epoch;
    }

    /** Batches trained in the epoch under way (0 between epochs). */
    public int batchInEpoch() {
        return batchInEpoch;
    }

    /** Batches per training epoch ({@code len(train_loader)}). */
    public int batchesPerEpoch() {
        return data.trainLoader().batches();
    }

    /** Training progress in epochs, the epoch under way as a fraction: 3.25 is a quarter into epoch 4. */
    public double progress() {
        return epoch + (double) batchInEpoch / batchesPerEpoch();
    }

    /** The latest statistics (epoch 0: the untrained model). */
    public EpochStats stats() {
        return stats;
    }

    /** The statistics of every epoch so far, from epoch 0. */
    public List<EpochStats> history() {
        return List.copyOf(history);
    }

    /** Whether the latest epoch was stopped early by its {@link BatchListener}. */
    public boolean lastEpochStopped() {
        return lastEpochStopped;
    }

    /** The step table: what the latest step did per layer, and the last epoch's gradient sizes. */
    public StepProbe stepProbe() {
        return stepProbe;
    }

    /**
     * Turns the per-step reports ({@link StepProbe#lastStep()}) on or off, from the next step on; they are on
     * in a new trainer. The gradient sizes per epoch ({@link StepProbe#gradientNorms()}, which the run log
     * writes) are measured either way. A run that nobody watches step by step turns them off: each report
     * copies every weight.
     *
     * @return this trainer
     */
    public Trainer reportSteps(boolean on) {
        stepProbe.reporting(on);
        return this;
    }

    /**
     * Training samples (images, or points) per second in the epoch under way, or in the one just ended:
     * loading and training time, not evaluation or the time between steps.
     */
    public double samplesPerSecond() {
        return epochNanos <= 0 ? 0 : epochSeen / (epochNanos / 1e9);
    }

    /** Changes the learning rate from the next step on; {@link #experiment()} then carries the new rate. */
    public void setLearningRate(double lr) {
        optimizer.setLr(lr);
        experiment = experiment.withOptimizer(experiment.optimizer().withLr(lr));
    }

    // ---- training

    /**
     * Trains one batch, the next of the epoch under way (the first batch starts an epoch: reshuffled when
     * data.shuffle). The batch that ends the epoch also evaluates the model and logs the epoch.
     *
     * @throws LossDivergedException when the loss is no longer finite (the weights stay as they were
     *     before this batch, or, at an epoch's end, when the test loss is not)
     */
    public StepResult step() {
        requireOpen();
        long start = System.nanoTime();
        if (batches == null) {
            batches = data.trainLoader().epoch(epoch);
            epochLossSum = 0;
            epochRight = 0;
            epochSeen = 0;
            epochNanos = 0;
        }
        // the loader made the batch on the run's device: the batch is all a step copies in
        Batch b = batches.next();
        double lossValue;
        try (StepMemory.Step ignored = stepMemory.open()) {
            lossValue = trainOn(b);
        }
        epochSeen += b.size();
        epochNanos += System.nanoTime() - start;
        StepResult done = new StepResult(epoch + 1, batchInEpoch, batchesPerEpoch(), lossValue, null);
        if (batches.hasNext()) {
            return done;
        }
        EpochStats ended = endEpoch(false);
        return new StepResult(done.epoch(), done.batch(), done.batches(), lossValue, ended);
    }

    /** Forward, loss, backward and update on one batch; returns the batch's loss. */
    private double trainOn(Batch b) {
        model.train(true);
        optimizer.zeroGrad();
        Tensor out = model.forward(b.x());
        Tensor dataLoss = loss.apply(out, head.target(b));
        double lossValue = dataLoss.item();
        if (!Double.isFinite(lossValue)) {
            throw new LossDivergedException(epoch + 1, batchInEpoch + 1, batchesPerEpoch(), lossValue,
                    experiment.optimizer().lr());
        }
        Tensor total = dataLoss;
        String regType = experiment.regularization().type();
        double regRate = experiment.regularization().rate();
        if (!regType.equals("none") && regRate > 0) {
            total = total.add(Regularization.penalty(regType, regRate, regularized));
        }
        total.backward();
        stepProbe.beforeUpdate();
        optimizer.step();
        batchInEpoch++;
        stepProbe.afterUpdate(epoch + 1, batchInEpoch, lossValue);
        if (data.trainStatsFromBatches()) {
            epochLossSum += lossValue * b.size();
            if (!head.isRegression()) {
                epochRight += head.correct(out.detach(), b.y());
            }
        }
        return lossValue;
    }

    /** Trains to the end of the epoch under way (a whole epoch between epochs), then evaluates. */
    public EpochStats trainEpoch() {
        return trainEpoch(BatchListener.NONE);
    }

    /**
     * As {@link #trainEpoch()}, telling {@code listener} after every step; it may block (pause) and
     * returns false to end the epoch early, as a {@code break} in a PyTorch loop: the epoch still counts
     * and is evaluated, so that the statistics describe the weights as they are
     * ({@link #lastEpochStopped()} tells), and the next step starts the next epoch.
     */
    public EpochStats trainEpoch(BatchListener listener) {
        BatchListener l = listener == null ? BatchListener.NONE : listener;
        while (true) {
            StepResult s = step();
            boolean go = l.onBatch(s.batch(), s.batches(), samplesPerSecond());
            if (s.endedEpoch()) {
                return s.epochStats();
            }
            if (!go) {
                return endEpoch(true);
            }
        }
    }

    private EpochStats endEpoch(boolean stopped) {
        batches.close();
        batches = null;
        stepProbe.endEpoch();
        lastEpochStopped = stopped;
        epoch++;
        batchInEpoch = 0;
        model.train(false);
        Measure train = data.trainStatsFromBatches()
                ? new Measure(epochLossSum / epochSeen, (double) epochRight / epochSeen)
                : measure(data.trainSample(), null);
        stats = evaluate(train);
        history.add(stats);
        if (!Double.isFinite(stats.testLoss())) {
            // the epoch's last step can take finite weights to NaN: its loss was computed before it
            throw new LossDivergedException(epoch, 0, batchesPerEpoch(), stats.testLoss(), experiment.optimizer().lr());
        }
        RunLog current = log;
        if (current != null) {
            current.epoch(this, false);
        }
        return stats;
    }

    // ---- evaluation

    /** Mean data loss and accuracy over some samples. */
    record Measure(double loss, double accuracy) {
    }

    /** The statistics of the weights as they are: {@code train} as measured, the test split now. */
    private EpochStats evaluate(Measure train) {
        Measure test = measureTest();
        boolean r = head.isRegression();
        return new EpochStats(epoch, train.loss(), test.loss(), r ? null : train.accuracy(), r ? null : test.accuracy());
    }

    private Measure measureTest() {
        float[][] probs = head.isRegression() ? new float[0][] : new float[data.testSize()][];
        Measure test = measure(data.testLoader(), probs);
        testProbabilities = probs;
        return test;
    }

    /** Over a loader's samples, in evaluation mode; fills {@code probs} (by position) when given and classifying. */
    Measure measure(DataLoader loader, float[][] probs) {
        model.train(false);
        double lossSum = 0;
        long right = 0;
        int seen = 0;
        try (Tensor.NoGrad g = Tensor.noGradScope(); DataLoader.Epoch all = loader.epoch(0)) {
            while (all.hasNext()) {
                Batch b = all.next();
                try (StepMemory.Step ignored = stepMemory.open()) {
                    Tensor out = model.forward(b.x());
                    // in double: item() is a float, and a float product would round the batch's share of the sum
                    lossSum += (double) loss.apply(out, head.target(b)).item() * b.size();
                    if (!head.isRegression()) {
                        float[][] p = head.classProbabilities(out);
                        float[] labels = b.y().toHost();
                        for (int i = 0; i < p.length; i++) {
                            right += Head.argmax(p[i]) == (int) labels[i] ? 1 : 0;
                            if (probs != null) {
                                probs[seen + i] = p[i];
                            }
                        }
                    }
                }
                seen += b.size();
            }
        }
        return new Measure(seen == 0 ? Double.NaN : lossSum / seen, seen == 0 ? Double.NaN : (double) right / seen);
    }

    /** The output head, for the probes. */
    Head head() {
        return head;
    }

    /** The latest evaluation's class probabilities of the test split (not copied; the probes only read). */
    float[][] testProbabilities() {
        return testProbabilities;
    }

    // ---- weights and checkpoints

    /** The model's weights (state dict) as safetensors bytes, keyed as PyTorch's (FORMAT.md "Weights"). */
    public byte[] weights() {
        return Safetensors.toBytes(model.stateDict(), Map.of("format", "pt", "epoch", String.valueOf(epoch)));
    }

    /**
     * Replaces the model's weights with {@code safetensors} (as {@link #weights()} writes them) and
     * re-evaluates, so that {@link #stats()} and the probes describe the new weights; between epochs only.
     *
     * @throws com.layerlab.engine.experiment.ExperimentException naming the tensor that is missing,
     *     unexpected or of another shape than the model's (the weights are then left as they were)
     */
    public void loadWeights(byte[] safetensors) {
        requireBetweenEpochs("loadWeights");
        Safetensors.load(model, Safetensors.fromBytes(safetensors));
        // an image run's batch means described the old weights: the new ones are measured on the start sample
        stats = evaluate(measure(data.trainSample(), null));
        history.set(history.size() - 1, stats);
    }

    /** This run between two epochs, to {@link #resume} from. */
    public Checkpoint checkpoint() {
        requireBetweenEpochs("checkpoint");
        return new Checkpoint(experiment, epoch, weights(), Safetensors.toBytes(optimizer.stateDict(), Map.of()), history);
    }

    private void requireBetweenEpochs(String what) {
        if (batchInEpoch > 0) {
            throw new IllegalStateException(what + ": only between epochs; this run is at batch " + batchInEpoch + " of "
                    + batchesPerEpoch() + " of epoch " + (epoch + 1));
        }
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("this trainer is closed");
        }
    }

    // ---- logging

    /**
     * Writes this run's TensorBoard event files into {@code dir} from now on ({@link RunLog} says what):
     * the current statistics at once (epoch 0 for a new run), then every epoch's. {@code null} stops
     * logging (writing the hyper-parameters, as {@link #close()} does).
     *
     * @return this trainer
     * @throws IllegalStateException when the run already logs (stop it first with {@code logTo(null)})
     */
    public Trainer logTo(Path dir) {
        return logTo(dir, LogSchedule.EVERY_EPOCH);
    }

    /**
     * As {@link #logTo(Path)}, recording the epochs {@code schedule} picks (a live run that may train
     * for thousands of epochs thins its log out); the epoch the run ends at is always recorded.
     */
    public Trainer logTo(Path dir, LogSchedule schedule) {
        if (dir == null) {
            endLog();
            return this;
        }
        if (log != null) {
            throw new IllegalStateException("this run already logs to " + log.dir() + "; call logTo(null) first");
        }
        requireOpen();
        log = RunLog.open(dir, schedule == null ? LogSchedule.EVERY_EPOCH : schedule, this);
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

    private void endLog() {
        RunLog l = log;
        if (l != null) {
            log = null;
            l.end(this);
        }
    }

    /**
     * Ends the run: writes the hyper-parameters with the final metrics into the log (if logging), closes
     * the event files, stops the data loaders' threads and releases the run's device memory, its weights
     * first copied to the CPU. The results stay readable (the model, then on the CPU); training does not.
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
            try {
                if (batches != null) {
                    batches.close();
                }
                data.close();
            } finally {
                releaseDevice();
            }
        }
    }

    /** Moves the model to the CPU (unless it is there) and frees everything the run allocated on its device. */
    private void releaseDevice() {
        Device scope = device;
        try {
            if (!scope.isCpu()) {
                model.to(Device.cpu());
                device = Device.cpu();
            }
        } catch (RuntimeException e) {
            // a device that failed cannot give the weights back: they are lost with it, and the memory still goes
            System.getLogger(Trainer.class.getName()).log(System.Logger.Level.WARNING, "the weights of a run on "
                    + scope + " could not come back to the CPU when it closed: " + e.getMessage());
        } finally {
            stepMemory.release();
            scope.release();
        }
    }
}
