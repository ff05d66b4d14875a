package com.layerlab.app.training;

import com.layerlab.engine.experiment.Experiment;
import com.layerlab.engine.train.EpochStats;
import com.layerlab.engine.train.LogSchedule;
import com.layerlab.engine.train.StepReport;
import com.layerlab.engine.train.ImageProbes;
import com.layerlab.engine.train.Trainer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One CNN lab training on its own background thread: one run, or two or three that differ only in
 * their activation (a comparison), trained epoch by epoch in turn. The page pauses, resumes, stops,
 * changes the learning rate and picks the image whose feature maps it shows; the thread applies all of
 * it between batches, so a {@link Trainer} is only ever touched by that thread.
 *
 * <p>Frames: progress and the training loss of the latest batches at most once per frame interval (10 a
 * second), and after every epoch the details of every run (confusion matrix, predictions, feature maps,
 * filters). While one frame waits for the page no newer one is made, so a slow browser never piles
 * frames up; details that could not go out yet go with the next frame.
 *
 * <p>Logs: each run writes TensorBoard event files, every epoch, into a sub-folder of the training's
 * folder, until the folder reaches its size cap; the folder stays when the training ends (RunLogs
 * deletes old folders). The app's log gets one line when a run starts and one when it stops, however
 * it stops.
 *
 * <p>Slots: the thread loads and trains only holding a slot of {@link TrainingSlots}; paused or
 * finished it gives it back, and while none is free it waits ({@link Phase#WAITING}), its frames
 * saying why.
 */
public final class CnnTraining extends TrainingThread<CnnTraining.Frame> {

    private static final Logger LOG = LoggerFactory.getLogger(CnnTraining.class);

    /** How many test images the page shows with their predictions (enough that the wrong ones alone are several). */
    public static final int PREDICTIONS = 48;
    /** About how many training-loss points an epoch adds to the curve (the mean loss of the batches between two). */
    public static final int BATCH_POINTS_PER_EPOCH = 25;

    /** Where the training is; WAITING: for a training slot, the progress's message saying why. */
    public enum Phase { WAITING, LOADING, TRAINING, PAUSED, STOPPED, DONE, FAILED }

    /**
     * Where the training is.
     *
     * @param run            the run training now (0-based; a comparison has several)
     * @param epoch          the epoch training now (1-based), or the last one done
     * @param batch          batches done in this epoch
     * @param epochEta       seconds left in this epoch, NaN when unknown
     * @param totalEta       seconds left in the whole training, NaN when unknown
     * @param learningRate   the rate the runs train with now (NaN before they are built)
     */
    public record Progress(Phase phase, int run, int runs, int epoch, int epochs, int batch, int batches,
                           double imagesPerSecond, double epochEta, double totalEta, double learningRate, String message) {
    }

    /**
     * One run's curve points (epoch 0 first: the untrained model), its training loss batch by batch
     * and its latest gradient sizes.
     */
    public record RunHistory(String name, List<EpochStats> stats, List<LossPoint> batchLosses, List<String> gradientLayers,
                             double[] gradientNorms, StepReport lastStep) {
    }

    /**
     * The mean training loss of the batches since the previous point.
     *
     * @param x where in the training: epochs done, fractions included (1.5: half way through epoch 2)
     */
    public record LossPoint(double x, double loss) {
    }

    /** A test image's class and the three classes the model rates highest, with their probabilities. */
    public record Guess(int index, int label, int[] top, float[] probabilities) {
    }

    /** An image or a stack of maps, CHW. */
    public record Planes(int[] shape, float[] values) {
    }

    /** One layer's output for the chosen image. */
    public record LayerOutput(int layer, String type, Planes output) {
    }

    /** What the page shows of one run after an epoch. */
    public record Details(int run, int epoch, List<String> classNames, int[][] confusion, List<Guess> guesses,
                          List<Planes> images, int chosen, Planes chosenImage, List<LayerOutput> featureMaps, Planes filters) {
    }

    /** A frame: progress always, the runs' histories, and new details of every run when there are any (else null). */
    public record Frame(Progress progress, List<RunHistory> runs, List<Details> details) {
    }

    private final List<Experiment> experiments;
    private final Path dataDir;
    private final Duration frameInterval;

    private volatile boolean paused;
    private volatile boolean stopRequested;
    private volatile boolean stepRequested;
    private volatile Double newLearningRate;
    private volatile Integer newChoice;
    private volatile Progress lastProgress;

    // training-thread state (runs is read by other threads only to flush their logs)
    private volatile List<Trainer> runs = List.of();
    private final List<List<EpochStats>> history = new ArrayList<>();
    /** Weights the runs start from instead of their seed's (a fork); null: the seed's. */
    private final List<byte[]> startWeights;
    private final List<List<LossPoint>> batchLosses = new ArrayList<>();
    private double batchLossSum;
    private int batchLossCount;
    private Phase phase = Phase.LOADING;
    private String message;
    private int runIndex;
    private int epoch;
    private int batch;
    private int batches;
    private double imagesPerSecond = Double.NaN;
    private long epochStartNanos;
    private double secondsPerBatch = Double.NaN;
    private long nextFrameNanos;
    private boolean owed;
    private List<Details> pendingDetails;
    private int chosen;
    private List<Planes> testImages;
    private List<Details> lastDetails;
    private boolean runsStarted;
    private boolean stopLogged;

    /**
     * A training that, once {@link #start() started}, loads the data, builds the runs and trains them for
     * the experiments' epochs on its thread.
     *
     * @param logs  where the runs write TensorBoard event files, one sub-folder per run (null: no logging)
     * @param slot  its place among the trainings that may compute
     * @param onEnd called once on the training thread when it ends (the service's bookkeeping)
     */
    public CnnTraining(List<Experiment> experiments, Path dataDir, RunLogs.Folder logs, Consumer<Frame> onFrame,
                       Delivery delivery, Duration frameInterval, TrainingSlots.Claim slot, Runnable onEnd) {
        this(experiments, null, dataDir, logs, onFrame, delivery, frameInterval, slot, onEnd);
    }

    /**
     * As above, the runs starting from {@code startWeights} (a fork of a saved experiment: one safetensors
     * file per experiment; null: the seed's starting weights).
     */
    public CnnTraining(List<Experiment> experiments, List<byte[]> startWeights, Path dataDir, RunLogs.Folder logs,
                       Consumer<Frame> onFrame, Delivery delivery, Duration frameInterval, TrainingSlots.Claim slot,
                       Runnable onEnd) {
        super("cnn-training", onFrame, delivery, logs, slot, onEnd);
        if (experiments.isEmpty()) {
            throw new IllegalArgumentException("nothing to train");
        }
        if (startWeights != null && startWeights.size() != experiments.size()) {
            throw new IllegalArgumentException("one weights file per experiment: " + startWeights.size()
                    + " for " + experiments.size());
        }
        this.startWeights = startWeights == null ? null : List.copyOf(startWeights);
        this.experiments = List.copyOf(experiments);
        this.dataDir = dataDir;
        this.frameInterval = Objects.requireNonNull(frameInterval);
    }

    /** The experiments trained, one per run. */
    public List<Experiment> experiments() {
        return experiments;
    }

    public void pause() {
        paused = true;
        wake();
    }

    public void resume() {
        paused = false;
        wake();
    }

    /**
     * Trains one more batch, then holds: gradient descent one step at a time. Called right after the
     * training starts, it holds after the first batch.
     */
    public void step() {
        stepRequested = true;
        paused = true;
        wake();
    }

    /** Ends the training after the current batch; the trained runs stay for looking at. */
    public void stop() {
        stopRequested = true;
        paused = false;
        wake();
    }

    /** From the next batch on, for every run. */
    public void setLearningRate(double lr) {
        newLearningRate = lr;
        wake();
    }

    /** Shows the feature maps of test image {@code index} (at once when paused or finished, else after the epoch). */
    public void choose(int index) {
        newChoice = index;
        wake();
    }

    public boolean isPaused() {
        return paused;
    }

    /** The latest progress sent (null before the first). */
    public Progress progress() {
        return lastProgress;
    }

    // ---- the training thread ----------------------------------------------------------------------

    @Override
    protected List<Trainer> liveRuns() {
        return runs;
    }

    @Override
    protected List<EpochStats> history(int run) {
        return run < history.size() ? history.get(run) : List.of();
    }

    @Override
    protected void failed(String why) {
        phase = Phase.FAILED;
        message = why;
        owed = false;
        deliverFinal(this::makeFrame);
    }

    @Override
    protected void ended() {
        if (runsStarted && !stopLogged) {
            logEnd("stopped (" + endReason() + ")");
        }
    }

    private void logEnd(String how) {
        stopLogged = true;
        for (int i = 0; i < runs.size(); i++) {
            LOG.info("CNN run {}.{} {} after {} epochs: backend={} device={}", id(), i, how, runs.get(i).epoch(),
                    EngineInfo.backend(), EngineInfo.device());
        }
    }

    @Override
    protected void body() throws InterruptedException {
        send(true);
        if (!awaitSlot(false)) {
            phase = Phase.STOPPED;
            message = "Stopped before it started.";
            send(true);
            rest();
            return;
        }
        List<Trainer> built = new ArrayList<>();
        try {
            for (int i = 0; i < experiments.size(); i++) {
                Trainer run = new Trainer(experiments.get(i), dataDir);
                built.add(run);
                if (startWeights != null) {
                    run.loadWeights(startWeights.get(i));
                }
                history.add(new ArrayList<>());
                batchLosses.add(new ArrayList<>());
            }
        } finally {
            // what was built is closed with the rest when the thread ends
            runs = built;
        }
        for (int i = 0; i < runs.size(); i++) {
            startLog(runs.get(i), experiments.get(i).name(), LogSchedule.EVERY_EPOCH);
            history.get(i).add(runs.get(i).stats());
            LOG.info("CNN run {}.{} started: backend={} device={} dataset={} layers={} seed={}", id(), i,
                    EngineInfo.backend(), EngineInfo.device(), experiments.get(i).data().dataset(),
                    experiments.get(i).model().size(), experiments.get(i).seed());
        }
        runsStarted = true;
        int epochs = experiments.get(0).epochs() == null ? 1 : experiments.get(0).epochs();
        phase = Phase.TRAINING;
        details();
        send(true);
        outer:
        for (int ep = 1; ep <= epochs; ep++) {
            epoch = ep;
            for (int i = 0; i < runs.size(); i++) {
                runIndex = i;
                Trainer run = runs.get(i);
                batch = 0;
                batches = 0;
                batchLossSum = 0;
                batchLossCount = 0;
                epochStartNanos = System.nanoTime();
                applyLearningRate();
                EpochStats s = run.trainEpoch((b, n, ips) -> onBatch(run, b, n, ips));
                if (isClosed()) {
                    throw new InterruptedException("closed");
                }
                if (run.epoch() >= ep && s != null) {
                    history.get(i).add(s);
                }
                capLogs(runs);
                if (stopRequested) {
                    break outer;
                }
            }
            details();
            send(true);
            // a pause asked for at the very end of an epoch holds here
            holdWhilePaused(false);
            if (stopRequested) {
                break;
            }
        }
        phase = stopRequested ? Phase.STOPPED : Phase.DONE;
        message = stopRequested ? "Stopped after epoch " + runs.get(0).epoch() + "." : null;
        if (stopRequested) {
            details();
        }
        // finished: computing nothing more
        releaseSlot();
        send(true);
        logEnd(phase == Phase.DONE ? "finished" : "stopped");
        rest();
    }

    /** After the training: the page may still pick images to look at, or take the weights, until it goes. */
    private void rest() throws InterruptedException {
        while (!isClosed()) {
            serveChoice();
            serveWeights(runs);
            if (owed) {
                send(true);
            }
            await(owed ? 50 : 500, () -> newChoice != null);
        }
    }

    /** After each batch, on the training thread: loss points, progress, commands, pausing; false stops the epoch. */
    private boolean onBatch(Trainer run, int b, int n, double ips) {
        if (isClosed()) {
            return false;
        }
        batch = Math.min(n, b);
        batches = n;
        imagesPerSecond = ips;
        if (batch > 0) {
            secondsPerBatch = (System.nanoTime() - epochStartNanos) / 1e9 / batch;
        }
        double loss = run.stepProbe().lastStep().loss();
        if (Double.isFinite(loss)) {
            batchLossSum += loss;
            batchLossCount++;
        }
        int every = Math.max(1, Math.round((float) n / BATCH_POINTS_PER_EPOCH));
        if ((batch % every == 0 || batch == n) && batchLossCount > 0) {
            batchLosses.get(runIndex).add(new LossPoint(epoch - 1 + (double) batch / n, batchLossSum / batchLossCount));
            batchLossSum = 0;
            batchLossCount = 0;
        }
        applyLearningRate();
        serveWeights(runs);
        try {
            holdWhilePaused(true);
        } catch (InterruptedException e) {
            close();
            return false;
        }
        send(owed);
        return !stopRequested && !isClosed();
    }

    /**
     * Holds while paused. {@code afterBatch}: called right after a training batch (else at the end of an
     * epoch, after its evaluation), which is the batch a {@link #step()} asked for.
     */
    private void holdWhilePaused(boolean afterBatch) throws InterruptedException {
        if (!paused || stopRequested || (stepRequested && !afterBatch)) {
            return;
        }
        long pausedAt = System.nanoTime();
        phase = Phase.PAUSED;
        if (stepRequested) {
            // this batch was the step: hold here, with the feature maps of the weights it made
            stepRequested = false;
            details();
        }
        // paused: computing nothing, holding no slot
        releaseSlot();
        send(true);
        do {
            while (paused && !stopRequested && !stepRequested) {
                if (applyLearningRate()) {
                    owed = true; // the page shows the rate in force
                }
                serveChoice();
                serveWeights(runs);
                if (owed) {
                    send(true);
                }
                await(owed ? 50 : 500, () -> newChoice != null || newLearningRate != null || !paused || stopRequested
                        || stepRequested);
            }
            // resumed or stepping: on with a slot, or paused again while waiting for one
        } while (!stopRequested && !awaitSlot(true));
        // the time paused is not training time
        epochStartNanos += System.nanoTime() - pausedAt;
        phase = Phase.TRAINING;
        send(true);
    }

    /**
     * Takes a training slot before computing; while none is free the page sees {@link Phase#WAITING} and
     * why. False when the learner gives up meanwhile: stops, or (when {@code pauseGivesUp}) pauses again
     * without asking for a step; the training then holds no slot and is back in its phase.
     */
    private boolean awaitSlot(boolean pauseGivesUp) throws InterruptedException {
        Phase before = phase;
        String busy = takeSlot();
        while (busy != null) {
            if (stopRequested || (pauseGivesUp && paused && !stepRequested)) {
                releaseSlot();
                phase = before;
                message = null;
                owed = true;
                return false;
            }
            if (phase != Phase.WAITING || !busy.equals(message)) {
                phase = Phase.WAITING;
                message = busy;
                owed = true;
            }
            if (applyLearningRate()) {
                owed = true;
            }
            serveChoice();
            serveWeights(runs);
            if (owed) {
                send(true);
            }
            // slots free up when other trainings pause or end: look again every quarter of a second
            await(owed ? 50 : 250, () -> stopRequested || (pauseGivesUp && paused && !stepRequested)
                    || newChoice != null || newLearningRate != null);
            busy = takeSlot();
        }
        if (phase == Phase.WAITING) {
            phase = before;
            message = null;
            send(true);
        }
        return true;
    }

    /** Applies a new learning rate, if one was asked for; true when it did. */
    private boolean applyLearningRate() {
        Double lr = newLearningRate;
        if (lr == null) {
            return false;
        }
        newLearningRate = null;
        for (Trainer r : runs) {
            r.setLearningRate(lr);
        }
        return true;
    }

    /** Shows a newly chosen image's feature maps now (paused or finished: the models are not changing). */
    private void serveChoice() {
        Integer c = newChoice;
        if (c == null || runs.isEmpty() || lastDetails == null) {
            return;
        }
        newChoice = null;
        int before = chosen;
        chosen = c;
        try {
            List<Details> updated = new ArrayList<>();
            for (Details d : lastDetails) {
                Trainer run = runs.get(d.run());
                boolean training = run.model().isTraining();
                try {
                    updated.add(new Details(d.run(), d.epoch(), d.classNames(), d.confusion(), d.guesses(), d.images(), chosen,
                            image(run, chosen), featureMaps(run, chosen), d.filters()));
                } finally {
                    run.model().train(training);
                }
            }
            pendingDetails = updated;
            lastDetails = updated;
        } catch (IndexOutOfBoundsException | IllegalArgumentException e) {
            chosen = before;
            message = "There is no test image " + c + ".";
        }
        owed = true;
    }

    /** Everything the page shows of every run after an epoch. */
    private void details() {
        Integer c = newChoice;
        if (c != null) {
            newChoice = null;
            chosen = c;
        }
        if (chosen < 0 || chosen >= Math.max(1, testCount(runs.get(0)))) {
            chosen = 0;
        }
        List<Details> all = new ArrayList<>();
        for (int i = 0; i < runs.size(); i++) {
            Trainer run = runs.get(i);
            ImageProbes probes = new ImageProbes(run);
            boolean training = run.model().isTraining();
            try {
                List<Guess> guesses = new ArrayList<>();
                for (var p : probes.predictions(PREDICTIONS)) {
                    guesses.add(new Guess(p.index(), p.label(), p.top().clone(), p.topProb().clone()));
                }
                if (testImages == null) {
                    // the same test images for every run: same data, same split
                    List<Planes> images = new ArrayList<>();
                    for (Guess g : guesses) {
                        images.add(image(run, g.index()));
                    }
                    testImages = images;
                }
                all.add(new Details(i, run.epoch(), List.copyOf(probes.classNames()), probes.confusionMatrix(), guesses, testImages,
                        chosen, image(run, chosen), featureMaps(run, chosen), filters(run)));
            } finally {
                run.model().train(training);
            }
        }
        pendingDetails = all;
        lastDetails = all;
        owed = true;
    }

    private static int testCount(Trainer run) {
        return run.data().testSize();
    }

    private static Planes image(Trainer run, int index) {
        return new Planes(run.inputShape().clone(), new ImageProbes(run).testImage(index));
    }

    private static List<LayerOutput> featureMaps(Trainer run, int index) {
        List<LayerOutput> maps = new ArrayList<>();
        for (var f : new ImageProbes(run).featureMaps(index)) {
            maps.add(new LayerOutput(f.layer(), f.type(), new Planes(f.shape().clone(), f.values())));
        }
        return maps;
    }

    private static Planes filters(Trainer run) {
        ImageProbes probes = new ImageProbes(run);
        float[] w = probes.firstLayerFilters();
        int[] shape = probes.firstLayerFilterShape();
        return w == null || shape == null ? null : new Planes(shape.clone(), w);
    }

    private Progress progressNow() {
        int runsCount = experiments.size();
        int epochs = experiments.get(0).epochs() == null ? 1 : experiments.get(0).epochs();
        double epochEta = Double.NaN;
        double totalEta = Double.NaN;
        if (phase == Phase.TRAINING || phase == Phase.PAUSED) {
            if (batches > 0 && Double.isFinite(secondsPerBatch)) {
                epochEta = (batches - batch) * secondsPerBatch;
                int left = (epochs - epoch) * runsCount + (runsCount - 1 - runIndex);
                totalEta = epochEta + left * batches * secondsPerBatch;
            }
        } else if (phase == Phase.DONE || phase == Phase.STOPPED) {
            epochEta = 0;
            totalEta = 0;
        }
        List<Trainer> r = runs;
        double lr = r.isEmpty() ? Double.NaN : r.get(0).experiment().optimizer().lr();
        return new Progress(phase, runIndex, runsCount, epoch, epochs, batch, batches, imagesPerSecond, epochEta, totalEta,
                lr, message);
    }

    /**
     * Sends a frame if one is due ({@code force}, or the frame interval has passed) and the previous
     * one has been delivered; otherwise remembers that one is owed.
     */
    private void send(boolean force) {
        long now = System.nanoTime();
        if (!force && now < nextFrameNanos) {
            return;
        }
        if (deliver(this::makeFrame)) {
            owed = false;
            nextFrameNanos = now + TimeUnit.MILLISECONDS.toNanos(frameInterval.toMillis());
        } else {
            owed = true;
        }
    }

    private Frame makeFrame() {
        Progress p = progressNow();
        lastProgress = p;
        List<RunHistory> h = new ArrayList<>();
        for (int i = 0; i < experiments.size(); i++) {
            Trainer r = i < runs.size() ? runs.get(i) : null;
            List<EpochStats> stats = i < history.size() ? List.copyOf(history.get(i)) : List.of();
            List<LossPoint> losses = i < batchLosses.size() ? List.copyOf(batchLosses.get(i)) : List.of();
            List<String> layers = r == null ? List.of() : List.copyOf(r.stepProbe().layers());
            double[] norms = r == null ? new double[0] : r.stepProbe().gradientNorms().clone();
            h.add(new RunHistory(experiments.get(i).name(), stats, losses, layers, norms, r == null ? null : r.stepProbe().lastStep()));
        }
        Frame frame = new Frame(p, h, pendingDetails);
        pendingDetails = null;
        return frame;
    }
}
