package com.layerlab.app;

import com.layerlab.engine.experiment.Experiment;
import com.layerlab.engine.train.LogSchedule;
import com.layerlab.engine.train.TrainingRun;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One or more {@link TrainingRun}s trained live on a background thread, stepping together: each
 * step trains one epoch of every run, so runs that share a seed (the comparison page) stay in lock
 * step. The page sends commands (play, pause, step, reset, load, learning rate) that the training
 * thread applies between epochs, so a {@link TrainingRun} is only ever touched by that thread.
 *
 * <p>Frames: the {@code snapshot} function turns the runs into what the page draws, on the
 * training thread; the result goes to {@code onFrame} through the {@link Delivery} (in the app
 * {@code UI.access}), at most once per {@link Limits#frameInterval()} while playing, and at once
 * after any command. While one frame waits for delivery no newer one is made, so a slow browser
 * never piles frames up on the server.
 *
 * <p>Logs: each run writes TensorBoard event files into a sub-folder of the training's folder, on a
 * thinned schedule (a run may play for thousands of epochs); a run replaced before it trained an epoch
 * leaves nothing behind, and logging stops when the folder reaches its size cap.
 *
 * <p>{@link #close()} (the app calls it when the page detaches) ends the thread; nothing else keeps it.
 *
 * @param <F> what a frame carries
 */
public final class LiveTraining<F> extends TrainingThread<LiveTraining.Frame<F>> {

    private static final Logger LOG = LoggerFactory.getLogger(LiveTraining.class);

    /**
     * Limits that protect the server.
     *
     * @param maxEpochs         a run stops at this epoch (also at the experiment's own {@code epochs})
     * @param maxPlayTime       playing pauses after this much continuous training
     * @param maxEpochsPerSecond at most this many steps a second, so a tiny network does not take a core
     * @param frameInterval     at most one frame per this interval while playing (100 ms: 10 frames/s)
     */
    public record Limits(int maxEpochs, Duration maxPlayTime, int maxEpochsPerSecond, Duration frameInterval) {
        public static final Limits DEFAULT = new Limits(10_000, Duration.ofMinutes(10), 120, Duration.ofMillis(100));
    }

    /** What the page shows next to a frame. */
    public record Status(boolean playing, int epoch, String message) {
    }

    /** A frame and the state it was made in. */
    public record Frame<F>(F data, Status status) {
    }

    private sealed interface Command {
    }

    private record Play() implements Command {
    }

    private record Pause() implements Command {
    }

    private record Step() implements Command {
    }

    private record Reset() implements Command {
    }

    private record Load(List<Experiment> experiments, boolean keepPlaying) implements Command {
    }

    private record SetEpochLimit(int epochs) implements Command {
    }

    private record SetLearningRate(double lr) implements Command {
    }

    private final Function<List<TrainingRun>, F> snapshot;
    private final Limits limits;
    private final ConcurrentLinkedQueue<Command> commands = new ConcurrentLinkedQueue<>();

    // training-thread state (runs is read by other threads only to flush their logs)
    private List<Experiment> experiments;
    private volatile List<TrainingRun> runs = List.of();
    private boolean playing;
    private long playStartedNanos;
    private String message;
    private volatile Status lastStatus = new Status(false, 0, null);

    /**
     * Builds the runs and sends the first frame (epoch 0) on a new thread.
     *
     * @param onEnd called once on the training thread when it ends (the service's bookkeeping)
     */
    public LiveTraining(List<Experiment> experiments, Function<List<TrainingRun>, F> snapshot,
                        Consumer<Frame<F>> onFrame, Delivery delivery, Limits limits, Runnable onEnd) {
        this(experiments, snapshot, onFrame, delivery, limits, null, onEnd);
    }

    /** As above, the runs logging into {@code logs} (null: no logging). */
    public LiveTraining(List<Experiment> experiments, Function<List<TrainingRun>, F> snapshot,
                        Consumer<Frame<F>> onFrame, Delivery delivery, Limits limits, RunLogs.Folder logs, Runnable onEnd) {
        super("live-training", onFrame, delivery, logs, onEnd);
        this.experiments = List.copyOf(experiments);
        this.snapshot = Objects.requireNonNull(snapshot);
        this.limits = Objects.requireNonNull(limits);
        start();
    }

    public void play() {
        send(new Play());
    }

    public void pause() {
        send(new Pause());
    }

    /** One epoch of every run (pauses first when playing). */
    public void step() {
        send(new Step());
    }

    /** New runs from the same experiments: same data, same starting weights, epoch 0; paused. */
    public void reset() {
        send(new Reset());
    }

    /** Replaces the experiments (new settings or a new seed) and starts over from epoch 0, paused. */
    public void load(List<Experiment> newExperiments) {
        load(newExperiments, false);
    }

    /**
     * Replaces the experiments and starts over from epoch 0; playing on
     * if it was playing and {@code keepPlaying}, as TensorFlow Playground does when a setting changes.
     */
    public void load(List<Experiment> newExperiments, boolean keepPlaying) {
        send(new Load(List.copyOf(newExperiments), keepPlaying));
    }

    /** Changes where the runs stop (the experiments' {@code epochs}) without restarting them. */
    public void setEpochLimit(int epochs) {
        send(new SetEpochLimit(epochs));
    }

    /** Changes the learning rate of every run from the next step on, and for later resets. */
    public void setLearningRate(double lr) {
        send(new SetLearningRate(lr));
    }

    /** The state of the latest frame. */
    public Status status() {
        return lastStatus;
    }

    private void send(Command c) {
        if (isClosed()) {
            return;
        }
        commands.add(c);
        wake();
    }

    @Override
    protected List<TrainingRun> liveRuns() {
        return runs;
    }

    @Override
    protected void body() throws InterruptedException {
        rebuild("started");
        // a frame is owed after every command; it waits while the previous one is undelivered
        boolean owed = !sendFrame();
        long nextFrame = 0;
        long lastStep = 0;
        while (!isClosed()) {
            if (applyCommands()) {
                owed = true;
            }
            serveWeights(runs);
            if (playing) {
                String stop = stopReason();
                if (stop != null) {
                    playing = false;
                    message = stop;
                    owed = true;
                } else {
                    long minGap = TimeUnit.SECONDS.toNanos(1) / Math.max(1, limits.maxEpochsPerSecond());
                    long wait = lastStep + minGap - System.nanoTime();
                    if (wait > 0) {
                        TimeUnit.NANOSECONDS.sleep(wait);
                    }
                    lastStep = System.nanoTime();
                    trainOneEpoch();
                }
            }
            long now = System.nanoTime();
            if ((owed || (playing && now >= nextFrame)) && sendFrame()) {
                owed = false;
                nextFrame = now + limits.frameInterval().toNanos();
            }
            if (!playing) {
                await(owed ? 20 : 1000, () -> !commands.isEmpty());
            }
        }
    }

    @Override
    protected void failed(String why) {
        message = why;
        playing = false;
        deliverFinal(this::makeFrame);
    }

    @Override
    protected void ended() {
        logStop("page closed");
        retire(runs);
    }

    private boolean applyCommands() {
        boolean changed = false;
        Command c;
        while ((c = commands.poll()) != null) {
            changed = true;
            if (c instanceof Play) {
                if (!playing) {
                    message = stopReason();
                    if (message == null) {
                        playing = true;
                        playStartedNanos = System.nanoTime();
                    }
                }
            } else if (c instanceof Pause) {
                playing = false;
                message = null;
            } else if (c instanceof Step) {
                playing = false;
                message = stopReason();
                if (message == null) {
                    trainOneEpoch();
                }
            } else if (c instanceof Reset) {
                playing = false;
                message = null;
                logStop("reset");
                rebuild("reset");
            } else if (c instanceof Load load) {
                boolean resume = playing && load.keepPlaying();
                playing = false;
                message = null;
                logStop("new settings");
                experiments = load.experiments();
                rebuild("started");
                if (resume) {
                    playing = true;
                    playStartedNanos = System.nanoTime();
                }
            } else if (c instanceof SetEpochLimit limit) {
                List<Experiment> updated = new ArrayList<>();
                for (Experiment e : experiments) {
                    updated.add(e.withEpochs(limit.epochs()));
                }
                experiments = updated;
            } else if (c instanceof SetLearningRate s) {
                List<Experiment> updated = new ArrayList<>();
                for (Experiment e : experiments) {
                    updated.add(e.withOptimizer(e.optimizer().withLr(s.lr())));
                }
                experiments = updated;
                for (TrainingRun r : runs) {
                    r.setLearningRate(s.lr());
                }
            }
        }
        return changed;
    }

    private String stopReason() {
        int epoch = epoch();
        int limit = limits.maxEpochs();
        for (Experiment e : experiments) {
            if (e.epochs() != null) {
                limit = Math.min(limit, e.epochs());
            }
        }
        if (epoch >= limit) {
            return "Stopped at epoch " + limit + ", the end of this run. Reset or change a setting to train again.";
        }
        if (playing && System.nanoTime() - playStartedNanos > limits.maxPlayTime().toNanos()) {
            return "Paused after " + limits.maxPlayTime().toMinutes() + " minutes of training. Press play to go on.";
        }
        return null;
    }

    private void trainOneEpoch() {
        for (TrainingRun r : runs) {
            r.trainEpoch();
        }
        capLogs(runs);
    }

    private int epoch() {
        return runs.isEmpty() ? 0 : runs.get(0).epoch();
    }

    private void rebuild(String why) {
        retire(runs);
        List<TrainingRun> fresh = new ArrayList<>();
        for (Experiment e : experiments) {
            TrainingRun r = new TrainingRun(e);
            fresh.add(r);
            startLog(r, e.name(), LogSchedule.THINNED);
        }
        runs = fresh;
        for (int i = 0; i < runs.size(); i++) {
            Experiment e = experiments.get(i);
            LOG.info("Live run {}.{} {}: backend={} device={} dataset={} model={} layers seed={}", id(), i, why,
                    EngineInfo.backend(), EngineInfo.device(), e.data().dataset(), e.model().size(), e.seed());
        }
    }

    private void logStop(String why) {
        for (int i = 0; i < runs.size(); i++) {
            LOG.info("Live run {}.{} stopped ({}) after {} epochs: backend={} device={}", id(), i, why,
                    runs.get(i).epoch(), EngineInfo.backend(), EngineInfo.device());
        }
    }

    /** Ends runs that are being replaced: their logs are closed, and deleted if they never trained. */
    private void retire(List<TrainingRun> old) {
        for (TrainingRun r : old) {
            r.close();
            if (r.epoch() == 0 && logs() != null) {
                logs().discard(r.logDir());
            }
        }
    }

    /** Makes a frame and hands it over; false when the previous one is still waiting (then none is made). */
    private boolean sendFrame() {
        return deliver(this::makeFrame);
    }

    private Frame<F> makeFrame() {
        Status status = new Status(playing, epoch(), message);
        F data = snapshot.apply(runs);
        lastStatus = status;
        return new Frame<>(data, status);
    }
}
