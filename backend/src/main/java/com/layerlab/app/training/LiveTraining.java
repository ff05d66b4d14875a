package com.layerlab.app.training;

import com.layerlab.datasets.ImageSets;
import java.nio.file.Path;
import com.layerlab.engine.experiment.Experiment;
import com.layerlab.engine.train.EpochStats;
import com.layerlab.engine.train.LogSchedule;
import com.layerlab.engine.train.Trainer;
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
 * One or more {@link Trainer}s trained live on a background thread, stepping together: each
 * step trains one epoch of every run, so runs that share a seed (the comparison page) stay in lock
 * step. The page sends commands (play, pause, step, reset, load, learning rate) that the training
 * thread applies between epochs, so a {@link Trainer} is only ever touched by that thread.
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
 * <p>Slots: the thread trains only holding a slot of {@link TrainingSlots}; paused, stopped or between
 * steps it gives the slot back, and while none is free, playing (or a step) waits, its frames saying why
 * ({@link Status#waiting()}). A page that is only open computes nothing and logs no run.
 *
 * <p>{@link #close()} (the app calls it when the page detaches or goes silent) ends the thread; nothing
 * else keeps it.
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

    /**
     * What the page shows next to a frame.
     *
     * @param playing whether it plays (or waits to play: see {@code waiting})
     * @param message what happened (a stop, a pause), null when nothing did
     * @param waiting why training waits for the server and what the learner can do; null when it does not wait
     */
    public record Status(boolean playing, int epoch, String message, String waiting) {
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

    private final Function<List<Trainer>, F> snapshot;
    private final Limits limits;
    private final ConcurrentLinkedQueue<Command> commands = new ConcurrentLinkedQueue<>();

    // training-thread state (runs is read by other threads only to flush their logs)
    private List<Experiment> experiments;
    private final Path dataDir;
    private volatile List<Trainer> runs = List.of();
    /**
     * Weights the runs start from instead of their seed's (a fork of a saved experiment), one safetensors
     * file per run; a reset goes back to them, new settings drop them (they no longer fit). Null: the seed's.
     */
    private List<byte[]> startWeights;
    private boolean playing;
    private int stepsAsked;
    private long playStartedNanos;
    private String message;
    private String waiting;
    private boolean runsStarted;
    private volatile Status lastStatus = new Status(false, 0, null, null);

    /**
     * A training that, once {@link #start() started}, builds the runs and sends the first frame (epoch 0)
     * on its thread.
     *
     * @param logs  where the runs write TensorBoard event files (null: no logging)
     * @param slot  its place among the trainings that may compute
     * @param onEnd called once on the training thread when it ends (the service's bookkeeping)
     */
    public LiveTraining(List<Experiment> experiments, Function<List<Trainer>, F> snapshot,
                        Consumer<Frame<F>> onFrame, Delivery delivery, Limits limits, RunLogs.Folder logs,
                        TrainingSlots.Claim slot, Runnable onEnd) {
        this(experiments, null, snapshot, onFrame, delivery, limits, logs, slot, onEnd, ImageSets.defaultDataDir());
    }

    /**
     * As above, the runs starting from {@code startWeights} (one safetensors file per experiment; null:
     * the seed's starting weights), with the data folder where a learner's point sets ({@code points:<id>})
     * are read from.
     */
    public LiveTraining(List<Experiment> experiments, List<byte[]> startWeights, Function<List<Trainer>, F> snapshot,
                        Consumer<Frame<F>> onFrame, Delivery delivery, Limits limits, RunLogs.Folder logs,
                        TrainingSlots.Claim slot, Runnable onEnd, Path dataDir) {
        super("live-training", onFrame, delivery, logs, slot, onEnd);
        if (startWeights != null && startWeights.size() != experiments.size()) {
            throw new IllegalArgumentException("one weights file per experiment: " + startWeights.size()
                    + " for " + experiments.size());
        }
        this.startWeights = startWeights == null ? null : List.copyOf(startWeights);
        this.experiments = List.copyOf(experiments);
        this.snapshot = Objects.requireNonNull(snapshot);
        this.limits = Objects.requireNonNull(limits);
        this.dataDir = dataDir;
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
    protected List<Trainer> liveRuns() {
        return runs;
    }

    @Override
    protected List<EpochStats> history(int run) {
        List<Trainer> current = runs;
        return run < current.size() ? current.get(run).history() : List.of();
    }

    @Override
    protected void body() throws InterruptedException {
        rebuild(null);
        // a frame is owed after every command; it waits while the previous one is undelivered
        boolean owed = !sendFrame();
        long nextFrame = 0;
        long lastStep = 0;
        while (!isClosed()) {
            if (applyCommands()) {
                owed = true;
            }
            serveWeights(runs);
            boolean trained = false;
            if (playing || stepsAsked > 0) {
                String stop = stopReason();
                if (stop != null) {
                    playing = false;
                    stepsAsked = 0;
                    message = stop;
                    owed = true;
                } else {
                    String busy = takeSlot();
                    if (!Objects.equals(busy, waiting)) {
                        waiting = busy;
                        owed = true;
                    }
                    if (busy == null) {
                        long minGap = TimeUnit.SECONDS.toNanos(1) / Math.max(1, limits.maxEpochsPerSecond());
                        long wait = lastStep + minGap - System.nanoTime();
                        if (wait > 0) {
                            TimeUnit.NANOSECONDS.sleep(wait);
                        }
                        lastStep = System.nanoTime();
                        trainOneEpoch();
                        trained = true;
                        if (stepsAsked > 0) {
                            stepsAsked--;
                            owed = true;
                        }
                    }
                }
            }
            if (!playing && stepsAsked == 0) {
                // between steps, paused or stopped: computing nothing, holding no slot
                releaseSlot();
                if (waiting != null) {
                    waiting = null;
                    owed = true;
                }
            }
            long now = System.nanoTime();
            if ((owed || (playing && now >= nextFrame)) && sendFrame()) {
                owed = false;
                nextFrame = now + limits.frameInterval().toNanos();
            }
            if (!trained) {
                // waiting for a slot: look again soon
                await(owed ? 20 : waiting != null ? 250 : 1000, () -> !commands.isEmpty());
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
        logStop(endReason());
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
                stepsAsked = 0;
                message = null;
            } else if (c instanceof Step) {
                playing = false;
                message = stopReason();
                if (message == null) {
                    stepsAsked++;
                }
            } else if (c instanceof Reset) {
                playing = false;
                stepsAsked = 0;
                message = null;
                rebuild("reset");
            } else if (c instanceof Load load) {
                boolean resume = playing && load.keepPlaying();
                playing = false;
                stepsAsked = 0;
                message = null;
                experiments = load.experiments();
                startWeights = null;
                rebuild("new settings");
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
                for (Trainer r : runs) {
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
        if (!runsStarted) {
            // logged when they first train: a page that is only open runs nothing
            runsStarted = true;
            for (int i = 0; i < runs.size(); i++) {
                Experiment e = experiments.get(i);
                LOG.info("Live run {}.{} started: backend={} device={} dataset={} model={} layers seed={}", id(), i,
                        EngineInfo.backend(), EngineInfo.device(), e.data().dataset(), e.model().size(), e.seed());
            }
        }
        for (Trainer r : runs) {
            r.trainEpoch();
        }
        capLogs(runs);
    }

    private int epoch() {
        return runs.isEmpty() ? 0 : runs.get(0).epoch();
    }

    /** New runs from the experiments, at epoch 0; the old ones, if any, stop ({@code why}, for the log). */
    private void rebuild(String why) {
        logStop(why);
        retire(runs);
        List<Trainer> fresh = new ArrayList<>();
        for (int i = 0; i < experiments.size(); i++) {
            Experiment e = experiments.get(i);
            Trainer r = new Trainer(e, dataDir);
            fresh.add(r);
            if (startWeights != null) {
                r.loadWeights(startWeights.get(i));
            }
            startLog(r, e.name(), LogSchedule.THINNED);
        }
        runs = fresh;
        runsStarted = false;
    }

    /** The stop line of every run that started (one that never trained has no start line, and no stop line). */
    private void logStop(String why) {
        if (!runsStarted) {
            return;
        }
        for (int i = 0; i < runs.size(); i++) {
            LOG.info("Live run {}.{} stopped ({}) after {} epochs: backend={} device={}", id(), i, why,
                    runs.get(i).epoch(), EngineInfo.backend(), EngineInfo.device());
        }
    }

    /** Ends runs that are being replaced: their logs are closed, and deleted if they never trained. */
    private void retire(List<Trainer> old) {
        for (Trainer r : old) {
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
        Status status = new Status(playing, epoch(), message, waiting);
        F data = snapshot.apply(runs);
        lastStatus = status;
        return new Frame<>(data, status);
    }
}
