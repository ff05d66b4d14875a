package com.layerlab.app;

import com.layerlab.engine.experiment.Experiment;
import com.layerlab.engine.train.EpochStats;
import com.layerlab.engine.train.TrainingRun;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One CNN lab training on its own background thread: one run, or two or three that differ only in
 * their activation (a comparison), trained epoch by epoch in turn. The page pauses, resumes, stops,
 * changes the learning rate and picks the image whose feature maps it shows; the thread applies all of
 * it between batches, so a {@link TrainingRun} is only ever touched by that thread.
 *
 * <p>Frames: progress at most once per frame interval (10 a second), and after every epoch the
 * details (confusion matrix, predictions, feature maps, filters, gradient sizes). While one frame waits
 * for the page no newer one is made, so a slow browser never piles frames up; details that could not
 * go out yet go with the next frame.
 */
public final class CnnTraining implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(CnnTraining.class);
    private static final AtomicLong IDS = new AtomicLong();

    /** How many test images the page shows with their predictions. */
    public static final int PREDICTIONS = 16;

    public enum Phase { LOADING, TRAINING, PAUSED, STOPPED, DONE, FAILED }

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

    /** One run's curve points (epoch 0 first: the untrained model) and its latest gradient sizes. */
    public record RunHistory(String name, List<EpochStats> stats, List<String> gradientLayers, double[] gradientNorms) {
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

    /** What the page shows after an epoch, of the first run. */
    public record Details(int epoch, List<String> classNames, int[][] confusion, List<Guess> guesses, List<Planes> images,
                          int chosen, Planes chosenImage, List<LayerOutput> featureMaps, Planes filters) {
    }

    /** A frame: progress always, the runs' histories, and new details when there are any (else null). */
    public record Frame(Progress progress, List<RunHistory> runs, Details details) {
    }

    /** How frames reach the page: in the app {@code UI.access}; false when the page is gone. */
    @FunctionalInterface
    public interface Delivery {
        boolean deliver(Runnable task);
    }

    private final long id = IDS.incrementAndGet();
    private final List<Experiment> experiments;
    private final Path dataDir;
    private final Path logRoot;
    private final Consumer<Frame> onFrame;
    private final Delivery delivery;
    private final Duration frameInterval;
    private final Runnable onEnd;
    private final Thread thread;
    private final Object signal = new Object();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicBoolean frameInFlight = new AtomicBoolean();

    private volatile boolean paused;
    private volatile boolean stopRequested;
    private volatile Double newLearningRate;
    private volatile Integer newChoice;
    private volatile Progress lastProgress;

    // training-thread state (runs is read by other threads only to flush their logs)
    private volatile List<TrainingRun> runs = List.of();
    private final List<List<EpochStats>> history = new ArrayList<>();
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
    private Details pendingDetails;
    private int chosen;
    private List<Guess> lastGuesses = List.of();
    private List<Planes> testImages;
    private Details lastDetails;

    /**
     * Starts the thread: it loads the data, builds the runs and trains them for the experiments' epochs.
     *
     * @param logRoot where the runs write TensorBoard event files, one folder per run (null: no logging);
     *                it is deleted when the training ends
     * @param onEnd   called once on the training thread when it ends (the service's bookkeeping)
     */
    public CnnTraining(List<Experiment> experiments, Path dataDir, Path logRoot, Consumer<Frame> onFrame,
                       Delivery delivery, Duration frameInterval, Runnable onEnd) {
        if (experiments.isEmpty()) {
            throw new IllegalArgumentException("nothing to train");
        }
        this.experiments = List.copyOf(experiments);
        this.dataDir = dataDir;
        this.logRoot = logRoot;
        this.onFrame = Objects.requireNonNull(onFrame);
        this.delivery = Objects.requireNonNull(delivery);
        this.frameInterval = Objects.requireNonNull(frameInterval);
        this.onEnd = onEnd == null ? () -> { } : onEnd;
        this.thread = new Thread(this::loop, "cnn-training-" + id);
        this.thread.setDaemon(true);
        this.thread.start();
    }

    public long id() {
        return id;
    }

    public void pause() {
        paused = true;
        wake();
    }

    public void resume() {
        paused = false;
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

    /** The folder of the runs' TensorBoard event files, null when not logging. */
    public Path logDir() {
        return logRoot;
    }

    /** Writes the runs' queued events to their files (for a download while training); any thread. */
    public void flushLogs() {
        for (TrainingRun r : runs) {
            r.flushLog();
        }
    }

    public boolean isPaused() {
        return paused;
    }

    /** The latest progress sent (null before the first). */
    public Progress progress() {
        return lastProgress;
    }

    public boolean isAlive() {
        return thread.isAlive();
    }

    /** Ends the thread without waiting (safe while holding the page's lock). */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            thread.interrupt();
        }
    }

    public boolean awaitTermination(Duration timeout) throws InterruptedException {
        thread.join(Math.max(1, timeout.toMillis()));
        return !thread.isAlive();
    }

    private void wake() {
        synchronized (signal) {
            signal.notifyAll();
        }
    }

    private void waitForSignal(long millis) throws InterruptedException {
        synchronized (signal) {
            if (!closed.get()) {
                signal.wait(millis);
            }
        }
        if (closed.get()) {
            throw new InterruptedException("closed");
        }
    }

    // ---- the training thread ----------------------------------------------------------------------

    private void loop() {
        try {
            send(true);
            List<TrainingRun> built = new ArrayList<>();
            try {
                for (Experiment e : experiments) {
                    built.add(new TrainingRun(e, dataDir));
                    history.add(new ArrayList<>());
                }
            } finally {
                // what was built is closed with the rest when the thread ends
                runs = built;
            }
            for (int i = 0; i < runs.size(); i++) {
                if (logRoot != null) {
                    runs.get(i).logTo(logRoot.resolve(runFolder(i)));
                }
                history.get(i).add(runs.get(i).stats());
                LOG.info("CNN run {}.{} started: backend={} device={} dataset={} layers={} seed={}", id, i,
                        EngineInfo.backend(), EngineInfo.device(), experiments.get(i).data().dataset(),
                        experiments.get(i).model().size(), experiments.get(i).seed());
            }
            int epochs = experiments.get(0).epochs() == null ? 1 : experiments.get(0).epochs();
            phase = Phase.TRAINING;
            details();
            send(true);
            outer:
            for (int ep = 1; ep <= epochs; ep++) {
                epoch = ep;
                for (int i = 0; i < runs.size(); i++) {
                    runIndex = i;
                    TrainingRun run = runs.get(i);
                    batch = 0;
                    batches = 0;
                    epochStartNanos = System.nanoTime();
                    applyLearningRate();
                    EpochStats s = run.trainEpoch((b, n, ips) -> onBatch(b, n, ips));
                    if (closed.get()) {
                        throw new InterruptedException("closed");
                    }
                    if (run.epoch() >= ep && s != null) {
                        history.get(i).add(s);
                    }
                    if (stopRequested) {
                        break outer;
                    }
                }
                details();
                send(true);
                // a pause asked for at the very end of an epoch holds here
                holdWhilePaused();
                if (stopRequested) {
                    break;
                }
            }
            phase = stopRequested ? Phase.STOPPED : Phase.DONE;
            message = stopRequested ? "Stopped after epoch " + runs.get(0).epoch() + "." : null;
            if (stopRequested) {
                details();
            }
            send(true);
            for (int i = 0; i < runs.size(); i++) {
                LOG.info("CNN run {}.{} {} after {} epochs", id, i, phase == Phase.DONE ? "finished" : "stopped",
                        runs.get(i).epoch());
            }
            // finished: the page may still pick images to look at
            while (!closed.get()) {
                serveChoice();
                if (owed) {
                    send(true);
                }
                waitForSignal(owed ? 50 : 500);
            }
        } catch (InterruptedException e) {
            // closed: the page went away
        } catch (RuntimeException | Error e) {
            if (!closed.get()) {
                LOG.warn("CNN training {} failed", id, e);
                phase = Phase.FAILED;
                message = "Training stopped: " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
                owed = false;
                frameInFlight.set(false);
                send(true);
            }
        } finally {
            closed.set(true);
            for (TrainingRun r : runs) {
                try {
                    r.close(); // stops its data loaders' threads
                } catch (RuntimeException e) {
                    LOG.debug("closing CNN run {} failed", id, e);
                }
            }
            runs = List.of();
            deleteLogs();
            onEnd.run();
        }
    }

    /** A run's log folder: its number and name, as TensorBoard lists runs by folder. */
    private String runFolder(int i) {
        String name = experiments.get(i).name() == null ? "run" : experiments.get(i).name();
        String safe = name.replaceAll("[^A-Za-z0-9._-]+", "-").replaceAll("^-+|-+$", "");
        return i + "-" + (safe.length() > 40 ? safe.substring(0, 40) : safe);
    }

    private void deleteLogs() {
        if (logRoot == null || !Files.isDirectory(logRoot)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(logRoot)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException | UncheckedIOException e) {
            LOG.debug("could not delete the logs of CNN training {} in {}", id, logRoot, e);
        }
    }

    /** After each batch, on the training thread: progress, commands, pausing; false stops the epoch. */
    private boolean onBatch(int b, int n, double ips) {
        if (closed.get()) {
            return false;
        }
        batch = Math.min(n, b);
        batches = n;
        imagesPerSecond = ips;
        if (batch > 0) {
            secondsPerBatch = (System.nanoTime() - epochStartNanos) / 1e9 / batch;
        }
        applyLearningRate();
        try {
            holdWhilePaused();
        } catch (InterruptedException e) {
            close();
            return false;
        }
        send(owed);
        return !stopRequested && !closed.get();
    }

    private void holdWhilePaused() throws InterruptedException {
        if (!paused || stopRequested) {
            return;
        }
        long pausedAt = System.nanoTime();
        phase = Phase.PAUSED;
        send(true);
        while (paused && !stopRequested) {
            if (applyLearningRate()) {
                owed = true; // the page shows the rate in force
            }
            serveChoice();
            if (owed) {
                send(true);
            }
            waitForSignal(owed ? 50 : 500);
        }
        // the time paused is not training time
        epochStartNanos += System.nanoTime() - pausedAt;
        phase = Phase.TRAINING;
        send(true);
    }

    /** Applies a new learning rate, if one was asked for; true when it did. */
    private boolean applyLearningRate() {
        Double lr = newLearningRate;
        if (lr == null) {
            return false;
        }
        newLearningRate = null;
        for (TrainingRun r : runs) {
            r.setLearningRate(lr);
        }
        return true;
    }

    /** Shows a newly chosen image's feature maps now (paused or finished: the model is not changing). */
    private void serveChoice() {
        Integer c = newChoice;
        if (c == null || runs.isEmpty() || lastDetails == null) {
            return;
        }
        newChoice = null;
        chosen = c;
        TrainingRun run = runs.get(0);
        boolean training = run.model().isTraining();
        try {
            pendingDetails = new Details(lastDetails.epoch(), lastDetails.classNames(), lastDetails.confusion(),
                    lastDetails.guesses(), lastDetails.images(), chosen, image(run, chosen), featureMaps(run, chosen),
                    lastDetails.filters());
            lastDetails = pendingDetails;
        } catch (IndexOutOfBoundsException | IllegalArgumentException e) {
            message = "There is no test image " + c + ".";
        } finally {
            run.model().train(training);
        }
        owed = true;
    }

    /** Everything the page shows of the first run after an epoch. */
    private void details() {
        Integer c = newChoice;
        if (c != null) {
            newChoice = null;
            chosen = c;
        }
        TrainingRun run = runs.get(0);
        boolean training = run.model().isTraining();
        try {
            List<Guess> guesses = new ArrayList<>();
            for (var p : run.predictions(PREDICTIONS)) {
                guesses.add(new Guess(p.index(), p.label(), p.top().clone(), p.topProb().clone()));
            }
            lastGuesses = guesses;
            if (testImages == null) {
                List<Planes> images = new ArrayList<>();
                for (Guess g : guesses) {
                    images.add(image(run, g.index()));
                }
                testImages = images;
            }
            if (chosen < 0 || chosen >= Math.max(1, testCount(run))) {
                chosen = 0;
            }
            pendingDetails = new Details(run.epoch(), List.copyOf(run.classNames()), run.confusionMatrix(), lastGuesses,
                    testImages, chosen, image(run, chosen), featureMaps(run, chosen), filters(run));
            lastDetails = pendingDetails;
        } finally {
            run.model().train(training);
        }
        owed = true;
    }

    private static int testCount(TrainingRun run) {
        return run.testSize();
    }

    private static Planes image(TrainingRun run, int index) {
        return new Planes(run.inputShape().clone(), run.testImage(index));
    }

    private static List<LayerOutput> featureMaps(TrainingRun run, int index) {
        List<LayerOutput> maps = new ArrayList<>();
        for (var f : run.featureMaps(index)) {
            maps.add(new LayerOutput(f.layer(), f.type(), new Planes(f.shape().clone(), f.values())));
        }
        return maps;
    }

    private static Planes filters(TrainingRun run) {
        float[] w = run.firstLayerFilters();
        int[] shape = run.firstLayerFilterShape();
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
        List<TrainingRun> r = runs;
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
        if (!frameInFlight.compareAndSet(false, true)) {
            owed = true;
            return;
        }
        owed = false;
        nextFrameNanos = now + TimeUnit.MILLISECONDS.toNanos(frameInterval.toMillis());
        Progress p = progressNow();
        lastProgress = p;
        List<RunHistory> h = new ArrayList<>();
        for (int i = 0; i < experiments.size(); i++) {
            TrainingRun r = i < runs.size() ? runs.get(i) : null;
            List<EpochStats> stats = i < history.size() ? List.copyOf(history.get(i)) : List.of();
            List<String> layers = r == null ? List.of() : List.copyOf(r.gradientLayers());
            double[] norms = r == null ? new double[0] : r.gradientNorms().clone();
            h.add(new RunHistory(experiments.get(i).name(), stats, layers, norms));
        }
        Frame frame = new Frame(p, h, pendingDetails);
        pendingDetails = null;
        boolean accepted = delivery.deliver(() -> {
            try {
                onFrame.accept(frame);
            } finally {
                frameInFlight.set(false);
                wake();
            }
        });
        if (!accepted) {
            frameInFlight.set(false);
            close();
        }
    }
}
