package com.layerlab.app.training;

import com.layerlab.engine.experiment.DataSets;
import com.layerlab.engine.experiment.Experiment;
import com.layerlab.engine.train.Checkpoint;
import com.layerlab.engine.train.EpochStats;
import com.layerlab.engine.train.LogSchedule;
import com.layerlab.engine.train.StepResult;
import com.layerlab.engine.train.Trainer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.IntFunction;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One training of the {@link TrainingRuntime}: one experiment, or two or three trained in lock step (a
 * comparison: each step trains one batch of every one), on a background thread of its own that alone
 * touches its {@link Trainer}s. It belongs to its owner, not to a page: pages {@link #subscribe} to its
 * frames and unsubscribe when they go, and the runtime decides what becomes of a run nobody watches.
 *
 * <p>Control, the same for every page, applied between two batches: {@link #play()}, {@link #pause()},
 * {@link #step()} (one batch, then hold), {@link #stop()}, {@link #setLearningRate}. Anything else a page
 * needs of the trainers (weights, probes) goes through {@link #call}, which runs between two batches too.
 *
 * <p>Frames: made by the run's {@link FrameMaker} on the training thread; each subscriber has at most
 * one on its way (while one waits for its page no newer one is made for it, so a slow browser never
 * piles frames up), and gets at most one per frame interval while the run trains, at once when its state
 * changes.
 *
 * <p>Slots: the run loads and trains only holding a slot of the runtime's one scheduler
 * ({@link TrainingSlots}); paused, finished or stopped it holds none. While others wait it gives its slot
 * back when its turn is over and takes one again before its next batch; while it waits before it starts
 * (or, training, longer than a second) it is {@link RunState#QUEUED}, its status giving its place in the
 * queue and why. A run that has trained for the runtime's time limit stops, its message naming the
 * limit. Checkpoints: after every epoch (not more often than the runtime's checkpoint interval, and always
 * before it holds or ends between epochs) each trainer's {@code Trainer.checkpoint()} goes into the run's
 * folder ({@link RunLogs.Folder#checkpointDir}), next to its TensorBoard event files.
 *
 * <p>Devices: a run trains on the device it was given. When that device is not the CPU, whatever the
 * training thread throws while the run builds or trains is taken for the device's failure (a kernel
 * error, its memory exhausted, a native library gone): the run goes on on the CPU from its last
 * checkpoint, which on such a device is kept every epoch, so at most the epoch under way is lost. An
 * error that is the learner's happens again on the CPU, and fails the run there as it would have.
 *
 * @param <F> what a frame carries
 */
public final class Run<F> {

    private static final Logger LOG = LoggerFactory.getLogger(Run.class);
    /** How long a run that trains may wait for its turn before its page says that it waits. */
    private static final long QUIET_WAIT_NANOS = 1_000_000_000L;

    /** How frames reach a page: in the app {@code UI.access}. */
    @FunctionalInterface
    public interface Delivery {
        /** Runs the task where the page may be changed; false when the page is gone. */
        boolean deliver(Runnable task);
    }

    /** A page's subscription to the run's frames; closing it unsubscribes. */
    public final class Subscription implements AutoCloseable {

        private final Consumer<F> onFrame;
        private final Delivery delivery;
        private final AtomicBoolean inFlight = new AtomicBoolean();
        /** The owner's page (false: an onlooker, such as a teacher's board, which neither keeps the run nor holds it from a reload) */
        private final boolean page;
        // training-thread state
        private long sentChange = -1;
        private long seenVersion;
        private long nextAt;

        private Subscription(Consumer<F> onFrame, Delivery delivery, boolean page) {
            this.onFrame = onFrame;
            this.delivery = delivery;
            this.page = page;
        }

        @Override
        public void close() {
            unsubscribe(this);
        }
    }

    private record Call<T>(Function<List<Trainer>, T> work, CompletableFuture<T> answer) {
        void run(List<Trainer> trainers) {
            try {
                answer.complete(work.apply(trainers));
            } catch (RuntimeException e) {
                answer.completeExceptionally(e);
            }
        }
    }

    private final String id;
    /** Where the run's tensors live and its operations run; the CPU once the device it was given failed. */
    private volatile RunDevice device;
    /** Where it goes on when its device fails mid-run. */
    private final RunDevice cpu;
    /**
     * Why its owner's runs are held ({@link TrainingRuntime#hold}: a class's "eyes on me"), or null: asked
     * of the runtime at every look, so that a hold needs no word from the runtime to each run to be kept
     * (a run submitted, resumed or played while the hold begins is held all the same).
     */
    private final Supplier<String> heldBy;
    private final List<Experiment> experiments;
    private final RunOptions options;
    private final FrameMaker<F> maker;
    private final Path dataDir;
    private final TrainingSlots.Claim slot;
    private final RunLogs.Folder folder;
    private final Duration frameInterval;
    private final TrainingRuntime.Pool pool;
    private final Duration checkpointInterval;
    private final RunTally tally;
    /** Where a run that outlives its page (a signed-in owner's) is kept across restarts; others write nothing. */
    private final RunJournal journal;
    /** How long it may train (not counting waits for a slot, pauses, or its rest once ended); zero: no limit. */
    private final Duration maxTime;
    private final Thread thread;
    private final Object signal = new Object();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final List<Subscription> subscribers = new CopyOnWriteArrayList<>();
    private final ConcurrentLinkedQueue<Call<?>> calls = new ConcurrentLinkedQueue<>();
    private final long submittedAt = System.currentTimeMillis();
    /** Completed as the run first ends: {@link #ending()}. */
    private final CompletableFuture<RunState> ending = new CompletableFuture<>();

    // commands, from any thread
    private volatile boolean paused;
    /** Paused by its owner's hold while it trained: the hold's end plays it again (not a run its page had paused). */
    private volatile boolean pausedByHold;
    /** Why the runtime paused the run (its status says it while it holds); null when its learner did. */
    private volatile String pauseReason;
    private volatile boolean stepRequested;
    private volatile boolean stopRequested;
    private volatile Double newLearningRate;
    /** Where it finishes (its options' epochs, capped by its pool); 0: until stopped. */
    private volatile int epochs;
    private volatile RunState closeAs;
    private volatile String closeReason;

    // watchers: since when no page watched the run (System.nanoTime), when none does
    private final Object watch = new Object();
    private Long unwatchedSince = System.nanoTime();

    // published by the training thread
    private volatile RunStatus status;
    private volatile List<Trainer> trainers = List.of();
    private volatile List<List<EpochStats>> history = List.of();

    // training-thread state
    private RunState state = RunState.QUEUED;
    private boolean loading;
    private String message;
    private long change;
    private long urgentChange;
    private double secondsPerStep = Double.NaN;
    private int checkpointedEpoch = -1;
    private long lastCheckpointNanos;
    private boolean endLogged;
    /** While on a device that may fail: every trainer's checkpoint of the latest epoch, to go on from; null before the first. */
    private List<Checkpoint> lastCheckpoints;
    /** Why the run trains on the CPU though it was given another device; what its status says when nothing else is to be said. */
    private volatile String deviceNote;
    /** When the epoch under way may end at the earliest (the pool's epochs a second), System.nanoTime. */
    private long epochDueNanos;
    /** Its place in the scheduler's queue while its status says it waits; 0 otherwise. */
    private int position;
    /** Whether it gave its slot back for others' turn (it trains on, and takes one again quietly). */
    private boolean turnGiven;
    /** The time it has trained so far (batches and the pacing between epochs), against {@link #maxTime}. */
    private long trainingNanos;
    /** Why it was stopped by a limit of the server (its status's message), or null. */
    private String limitStop;
    /** What the journal holds of it: the last entry written; null before the first. */
    private RunJournal.Entry journaled;
    /** While it holds because the journal's database is down (a write then must not start another hold). */
    private boolean awaitingDatabase;
    /** Set once an interrupted run is discarded ({@link TrainingRuntime#discard}): its row and folder are gone. */
    private volatile boolean discarded;

    Run(String id, List<Experiment> experiments, RunOptions options, FrameMaker<F> maker, Path dataDir,
        TrainingSlots.Claim slot, RunLogs.Folder folder, TrainingRuntime.Pool pool, Duration checkpointInterval,
        Duration maxTime, RunDevice device, RunDevice cpu, RunTally tally, RunJournal journal, Supplier<String> heldBy) {
        if (experiments.isEmpty()) {
            throw new IllegalArgumentException("a run needs at least one experiment to train");
        }
        if (!options.startWeights().isEmpty() && options.startWeights().size() != experiments.size()) {
            throw new IllegalArgumentException("a run needs one start weights file per experiment: "
                    + options.startWeights().size() + " for " + experiments.size());
        }
        if (!options.resumeFrom().isEmpty() && options.resumeFrom().size() != experiments.size()) {
            throw new IllegalArgumentException("a resumed run needs one checkpoint per experiment: "
                    + options.resumeFrom().size() + " for " + experiments.size());
        }
        this.id = id;
        this.device = Objects.requireNonNull(device, "a run needs a device");
        this.cpu = Objects.requireNonNull(cpu, "a run needs the CPU to fall back on");
        this.experiments = List.copyOf(experiments);
        this.options = options;
        this.maker = Objects.requireNonNull(maker);
        this.dataDir = dataDir;
        this.slot = slot;
        this.folder = folder;
        this.pool = pool;
        this.frameInterval = pool.frameInterval();
        this.checkpointInterval = checkpointInterval;
        this.tally = Objects.requireNonNull(tally);
        this.maxTime = Objects.requireNonNull(maxTime);
        this.journal = Objects.requireNonNull(journal);
        this.heldBy = Objects.requireNonNull(heldBy);
        this.epochs = capped(options.epochs());
        // a held owner's new run waits for the hold's end, whatever its page asked
        this.paused = options.startPaused() || heldBy.get() != null;
        this.status = statusNow();
        this.thread = new Thread(this::main, "run-" + id.substring(0, Math.min(8, id.length())));
        this.thread.setDaemon(true);
        // a slot that comes free wakes the run waiting for one at once, rather than at its next look
        slot.wakeWith(this::wake);
    }

    void start() {
        thread.start();
    }

    // ---- what it is --------------------------------------------------------------------------------

    /** The run's id: unguessable, so that knowing it is what lets a page find the run again. */
    public String id() {
        return id;
    }

    public String owner() {
        return options.owner();
    }

    public RunOptions options() {
        return options;
    }

    /** The experiments trained, one per trainer, as submitted. */
    public List<Experiment> experiments() {
        return experiments;
    }

    /** The device whose slots it takes ({@link TrainingSlots#queueOf}). */
    String slotQueue() {
        return slot.device();
    }

    /** Where it trains (its backend and device; the CPU once the one it was given failed), or why its backend was refused. */
    public RunDevice device() {
        return device;
    }

    /** Why it trains on the CPU though it was given another device (that device failed); null while it trains where it was given. */
    public String deviceNote() {
        return deviceNote;
    }

    /** Whether the run trains images (else 2D points): which slots it takes. */
    public boolean isImage() {
        return DataSets.isImage(experiments.get(0).data().dataset());
    }

    /** When it was submitted (epoch milliseconds). */
    public long submittedAt() {
        return submittedAt;
    }

    /** What makes its frames (a page that finds the run again draws with it). */
    public FrameMaker<F> frames() {
        return maker;
    }

    /** Where it is, as last published by its thread. */
    public RunStatus status() {
        return status;
    }

    public RunState state() {
        return status.state();
    }

    /** Per trainer, the statistics of every epoch so far (epoch 0 first: the untrained model). */
    public List<List<EpochStats>> history() {
        return history;
    }

    /** The run's folder (TensorBoard event files, checkpoints); null when it could not be made. */
    public Path folder() {
        return folder == null ? null : folder.dir();
    }

    /** Where trainer {@code index}'s latest checkpoint is written; null without a folder. */
    public Path checkpointDir(int index) {
        return folder == null ? null : folder.checkpointDir(index);
    }

    /**
     * Completes with the state the run ends in, as it first ends, on its thread, its last checkpoint written
     * and its history published. A run that finishes, or that its learner or a limit stops, completes it
     * before its status says so: what is done on it is done before anyone sees the run ended (the API
     * keeps a finished run's weights with its experiment). A run that never trains (one a restart found)
     * never completes it.
     */
    public CompletionStage<RunState> ending() {
        return ending;
    }

    /**
     * Whether this interrupted run was discarded by its owner or expired unresumed: it is no one's run any
     * more (whoever still holds it, the API's list of its runs, answers as for an unknown run).
     */
    public boolean isDiscarded() {
        return discarded;
    }

    void discard() {
        discarded = true;
    }

    /** Whether the run's thread still runs: it trains, holds, or rests finished with its trainers for pages to probe. */
    public boolean isAlive() {
        return thread.isAlive();
    }

    /** Waits until the run's thread has ended; true if it has. */
    public boolean awaitTermination(Duration timeout) throws InterruptedException {
        thread.join(Math.max(1, timeout.toMillis()));
        return !thread.isAlive();
    }

    // ---- control, from any thread ------------------------------------------------------------------

    /** Trains on (a paused run, or one waiting to start); nothing while its owner's runs are held ({@link #heldWhy}). */
    public void play() {
        if (heldBy.get() != null) {
            // refused here, not by the pages: a student's own page (or a link of theirs) cannot resume
            return;
        }
        if (state == RunState.FINISHED && !canTrainOn()) {
            // at its stop epoch: nothing to train, and no play left pending for a later setEpochs to start
            return;
        }
        pauseReason = null;
        paused = false;
        wake();
    }

    /** Holds after the batch under way. */
    public void pause() {
        pausedByHold = false; // the owner's own pause outlasts a hold
        hold(null);
    }

    /**
     * Holds after the batch under way, over the runtime's limit {@code key} (of {@code value}): its status
     * says {@code why} while it holds, and the log has the limit hit.
     */
    void pause(String key, long value, String why) {
        LOG.info("Run {} hit a limit: {}={} (paused): owner={} backend={} device={}", id, key, value, options.owner(),
                device.backend(), device.name());
        hold(why);
    }

    /** Holds after the batch under way, its status saying {@code why} while it holds (null: nothing). */
    private void hold(String why) {
        pauseReason = why;
        paused = true;
        wake();
    }

    /**
     * Trains one more batch (one of every trainer), then holds: gradient descent one step at a time;
     * nothing while its owner's runs are held.
     */
    public void step() {
        if (heldBy.get() != null) {
            return;
        }
        pauseReason = null;
        stepRequested = true;
        paused = true;
        wake();
    }

    /**
     * Whether play or step trains this run on: it has not ended, or it finished before a stop epoch that
     * the learner has since moved further. Otherwise a page starts a new run.
     */
    public boolean canTrainOn() {
        RunState s = state;
        if (!isAlive() || stopRequested || s == RunState.STOPPED || s == RunState.FAILED || s == RunState.INTERRUPTED) {
            return false;
        }
        if (s != RunState.FINISHED) {
            return true;
        }
        int last = epochs;
        return last == 0 || status.epoch() < last;
    }

    /** Ends the training after the batch under way; the trainers stay for the pages to look at. */
    public void stop() {
        stopRequested = true;
        wake();
    }

    /** From the next batch on, for every trainer. */
    public void setLearningRate(double lr) {
        if (!(lr > 0) || !Double.isFinite(lr)) {
            throw new IllegalArgumentException("the learning rate must be a positive number, got " + lr);
        }
        newLearningRate = lr;
        wake();
    }

    /**
     * Moves where the run finishes (0: until stopped), capped by its pool; from the next batch on. A run
     * that has finished holds: past its new end it trains on when played ({@link #canTrainOn}).
     */
    public void setEpochs(int epochs) {
        if (epochs < 0) {
            throw new IllegalArgumentException("a run's epochs must be 0 (until stopped) or more, got " + epochs);
        }
        this.epochs = capped(epochs);
        wake();
    }

    private int capped(int asked) {
        int max = pool.maxEpochs();
        return max == 0 ? asked : asked == 0 ? max : Math.min(asked, max);
    }

    /**
     * Whether the run has trained no batch and waits for play: a page opened and left as it was. There
     * is nothing in it to keep or to list (opened again, the page starts the same run anew).
     */
    public boolean untouched() {
        return paused && !stepRequested && status.progress() == 0;
    }

    /**
     * Whether the run counts against the runs one may have at once (TrainingRuntime's limits): it waits,
     * trains or is paused, and nobody has stopped it yet.
     */
    boolean occupies() {
        // a run just submitted, its thread not started yet, counts already
        boolean going = thread.isAlive() || thread.getState() == Thread.State.NEW;
        return going && !closed.get() && !stopRequested && !state().ended();
    }

    /** Whether the run is paused or about to be (what a play/pause button shows). */
    public boolean isPaused() {
        return paused;
    }

    /**
     * Why its owner's runs are held ({@link TrainingRuntime#hold}), or null when they are not: while held
     * the run is paused, and play and step do nothing.
     */
    public String heldWhy() {
        return heldBy.get();
    }

    /** Its owner's runs were held ({@link TrainingRuntime#hold}) or let go: it pauses now, or says so, on its thread. */
    void holdChanged() {
        if (heldBy.get() != null) {
            keepHold();
        } else if (pausedByHold) {
            // the hold's end gives back what it took: a run that trained when held trains on ("resume all")
            pausedByHold = false;
            paused = false;
        }
        wake();
    }

    /**
     * On the training thread, at every look: a held owner's run pauses, whatever raced the hold (a play or
     * a step asked just before it began). True while held.
     */
    private boolean keepHold() {
        if (heldBy.get() == null) {
            return false;
        }
        if (!paused) {
            pausedByHold = true;
        }
        paused = true;
        stepRequested = false;
        return true;
    }

    /** What a paused run's status says: the hold's reason, else the runtime's pause's, else the device note. */
    private String pausedMessage() {
        String held = heldBy.get();
        return held != null ? held : pauseReason != null ? pauseReason : deviceNote;
    }

    /**
     * Runs {@code work} on the training thread between two batches (at once when the run holds) with the
     * trainers (empty before they are built); completes exceptionally when the run's thread ends first.
     */
    public <T> CompletableFuture<T> call(Function<List<Trainer>, T> work) {
        CompletableFuture<T> answer = new CompletableFuture<>();
        if (closed.get() || !thread.isAlive() && thread.getState() != Thread.State.NEW) {
            answer.completeExceptionally(new IllegalStateException("the run has ended"));
            return answer;
        }
        calls.add(new Call<>(work, answer));
        wake();
        // the thread may have failed the waiting calls just before this one came: it sets closed first
        if (closed.get()) {
            failCalls();
        }
        return answer;
    }

    /** Trainer {@code index}'s weights as safetensors bytes, taken between two batches. */
    public CompletableFuture<byte[]> weights(int index) {
        return call(t -> {
            if (index < 0 || index >= t.size()) {
                throw new IllegalArgumentException("this run has no trainer " + index + " (it has " + t.size() + ")");
            }
            return t.get(index).weights();
        });
    }

    /** Writes the trainers' queued TensorBoard events to their files, for a download while training; any thread. */
    public void flushLogs() {
        for (Trainer t : trainers) {
            t.flushLog();
        }
    }

    // ---- pages --------------------------------------------------------------------------------------

    /**
     * Sends the run's frames to {@code onFrame} through {@code delivery}, starting with one that carries
     * everything so far; a delivery that answers false (its page is gone) unsubscribes.
     */
    public Subscription subscribe(Consumer<F> onFrame, Delivery delivery) {
        return subscribe(onFrame, delivery, true);
    }

    /**
     * As {@link #subscribe}, for an onlooker (a teacher's board, a read-only view of a student's run): it
     * gets the frames, but the run stays its owner's as if nobody looked. It does not count as a page
     * watching ({@link #subscriberCount}, {@link #unwatchedFor}), so a run nobody else watches ends as
     * usual and the owner's reload finds their run again.
     */
    public Subscription observe(Consumer<F> onFrame, Delivery delivery) {
        return subscribe(onFrame, delivery, false);
    }

    private Subscription subscribe(Consumer<F> onFrame, Delivery delivery, boolean page) {
        Subscription s = new Subscription(Objects.requireNonNull(onFrame), Objects.requireNonNull(delivery), page);
        synchronized (watch) {
            subscribers.add(s);
            if (page) {
                unwatchedSince = null;
            }
        }
        wake();
        return s;
    }

    private void unsubscribe(Subscription s) {
        synchronized (watch) {
            if (subscribers.remove(s) && s.page && subscriberCount() == 0) {
                unwatchedSince = System.nanoTime();
            }
        }
    }

    /** Pages subscribed now (onlookers not counted: {@link #observe}). */
    public int subscriberCount() {
        return (int) subscribers.stream().filter(x -> x.page).count();
    }

    /** Onlookers subscribed now ({@link #observe}). */
    public int onlookerCount() {
        return subscribers.size() - subscriberCount();
    }

    /** How long no page has watched the run; zero while one does. */
    public Duration unwatchedFor() {
        synchronized (watch) {
            return unwatchedSince == null ? Duration.ZERO : Duration.ofNanos(System.nanoTime() - unwatchedSince);
        }
    }

    // ---- ending -------------------------------------------------------------------------------------

    /**
     * Ends the run's thread without waiting for it: a run still training ends in {@code as} with
     * {@code why} as its message, an ended one keeps its state and lets its trainers go.
     */
    void close(RunState as, String why) {
        if (closed.compareAndSet(false, true)) {
            closeAs = as;
            closeReason = why;
            thread.interrupt();
            wake();
        }
    }

    // ---- the training thread ------------------------------------------------------------------------

    private void main() {
        LOG.info("Run {} started: owner={} signedIn={} page={} trainers={} dataset={} backend={} device={}", id,
                options.owner(), options.signedIn(), options.page(), experiments.size(),
                experiments.get(0).data().dataset(), device.backend(), device.name());
        tally.countStart(device.backend());
        try {
            body();
        } catch (InterruptedException e) {
            // closed: by the runtime (nobody watches, shutdown)
        } catch (RuntimeException | Error e) {
            if (!closed.get()) {
                LOG.warn("Run {} failed", id, e);
                state = RunState.FAILED;
                message = "Training stopped: " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
                loading = false;
                ending.complete(state);
                mark(true);
                flushFinal();
            }
        } finally {
            closed.set(true);
            slot.release();
            if (!state.ended()) {
                state = closeAs == null ? RunState.STOPPED : closeAs;
                message = closeReason;
                loading = false;
                publishStatus();
            }
            // a close interrupts the thread: the flag would fail the database's connection
            Thread.interrupted();
            ending.complete(state);
            journal();
            logEnd();
            failCalls();
            for (Trainer t : trainers) {
                try {
                    t.close(); // writes the end of its log, stops its data loaders' threads
                } catch (RuntimeException e) {
                    LOG.debug("closing a trainer of run {} failed", id, e);
                }
            }
            if (folder != null) {
                if (neverTrained()) {
                    // a page opened and left, or new settings before play: nothing worth keeping, and the
                    // folders of runs that trained are not pushed out by empty ones
                    for (int i = 0; i < trainers.size(); i++) {
                        folder.discard(trainers.get(i).logDir());
                        folder.discard(folder.checkpointDir(i));
                    }
                }
                folder.close();
            }
        }
    }

    /** Whether not one batch was trained (the trainers may not even be built). */
    private boolean neverTrained() {
        List<Trainer> t = trainers;
        return t.isEmpty() || (t.get(0).epoch() == 0 && t.get(0).batchInEpoch() == 0);
    }

    private void body() throws InterruptedException {
        if (device.refused()) {
            // before it takes a slot or allocates anything; its status gives the registry's message, as any
            // failure's, and it rests so that a page subscribing after this still gets it
            end(RunState.FAILED, device.refusal());
            rest();
            return;
        }
        mark(true);
        flush();
        if (!awaitSlot(false)) {
            end(RunState.STOPPED, "Stopped before it started.");
            rest();
            return;
        }
        state = RunState.RUNNING;
        loading = true;
        mark(true);
        flush();
        try {
            build(this::newTrainer);
            maker.started(trainers);
        } catch (RuntimeException | LinkageError e) {
            if (!fallBackToCpu(e)) {
                throw e;
            }
        }
        loading = false;
        mark(true);
        do {
            while (!done()) {
                checkClosed();
                if (stopRequested) {
                    break;
                }
                keepHold();
                if (paused && !stepRequested) {
                    // a run played again after a pause says at once that it waits, if it does
                    turnGiven = false;
                    hold();
                    continue;
                }
                if (!slot.holds() && !awaitSlot(true)) {
                    continue;
                }
                long started = System.nanoTime();
                try {
                    trainStep();
                    serve();
                } catch (RuntimeException | LinkageError e) {
                    if (!fallBackToCpu(e)) {
                        throw e;
                    }
                }
                // a frame computes on the device too (the playground's decision boundary): a failure there
                // falls back as one in the step does, instead of failing the run
                onDevice(this::flush);
                // its turn is over when others wait (TrainingSlots); it takes a slot again at the loop's top
                turnGiven |= slot.turnOver(false);
                pace();
                trainingNanos += System.nanoTime() - started;
                if (overTime()) {
                    break;
                }
            }
            end(stopRequested ? RunState.STOPPED : RunState.FINISHED, limitStop != null ? limitStop
                    : stopRequested ? "Stopped at " + statusNow().epochText() + "." : null);
        } while (!stopRequested && awaitMoreEpochs());
        rest();
    }

    /**
     * Finished: holds with what it learned. A learner who then moves the stop epoch further and plays (or
     * steps) trains the same networks on, as a notebook would, rather than from scratch; true then.
     */
    private boolean awaitMoreEpochs() throws InterruptedException {
        paused = true;
        while (!stopRequested) {
            checkClosed();
            keepHold();
            if (done() && !paused && !stepRequested) {
                // a play that raced the end: consumed, as play() at the stop epoch is
                paused = true;
            }
            if (!done() && (!paused || stepRequested)) {
                endLogged = false;
                LOG.info("Run {} trains on from {} to epoch {}: owner={}", id, status.epochText(), epochs, options.owner());
                tally.countStart(device.backend());
                state = RunState.RUNNING;
                message = deviceNote;
                mark(true);
                return true;
            }
            serve();
            boolean owed = flush();
            await(owed ? 50 : 500, () -> !paused || stepRequested || stopRequested || newLearningRate != null);
        }
        return false;
    }

    /** Trainer {@code i} as the run starts (from its checkpoint when it resumes), on the run's device. */
    private Trainer newTrainer(int i) {
        if (!options.resumeFrom().isEmpty()) {
            return Trainer.resume(options.resumeFrom().get(i), dataDir, device.device());
        }
        Trainer t = new Trainer(experiments.get(i), dataDir, device.device());
        List<byte[]> start = options.startWeights();
        if (!start.isEmpty()) {
            try {
                // a fork: before the first frame, so epoch 0 already shows what the saved run learned
                t.loadWeights(start.get(i));
            } catch (RuntimeException e) {
                t.close();
                throw e;
            }
        }
        return t;
    }

    /** Makes the run's trainers with {@code make} (one per experiment) and starts their logs. */
    private void build(IntFunction<Trainer> make) {
        List<Trainer> built = new ArrayList<>();
        try {
            for (int i = 0; i < experiments.size(); i++) {
                built.add(make.apply(i));
            }
        } finally {
            // what was built is closed with the rest when the thread ends
            trainers = List.copyOf(built);
        }
        int batches = built.get(0).batchesPerEpoch();
        for (Trainer t : built) {
            if (t.batchesPerEpoch() != batches) {
                throw new IllegalArgumentException("experiments trained in lock step need the same batches per epoch: "
                        + batches + " and " + t.batchesPerEpoch());
            }
        }
        // a 2D run may train tens of thousands of epochs: its log thins out as it goes
        LogSchedule schedule = isImage() ? LogSchedule.EVERY_EPOCH : LogSchedule.THINNED;
        for (int i = 0; i < built.size(); i++) {
            Path dir = folder == null ? null : folder.runDir(experiments.get(i).name());
            if (dir != null) {
                built.get(i).logTo(dir, schedule);
            }
        }
        publishHistory();
    }

    /**
     * The run's device failed ({@code e}): when that device is not the CPU, closes the trainers and builds
     * them anew on the CPU from their last checkpoint (from the start when there is none yet), and the
     * run goes on there; false when the run is on the CPU already (the failure is the run's).
     */
    private boolean fallBackToCpu(Throwable e) {
        RunDevice failed = device;
        if (failed.onCpu() || closed.get()) {
            return false;
        }
        String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        List<Checkpoint> from = lastCheckpoints;
        int epoch = from == null ? 0 : from.get(0).epoch();
        LOG.warn("Run {}: backend {} failed on device {} ({}): it goes on on the CPU from {}", id, failed.backend(),
                failed.name(), why, from == null ? "the start (no checkpoint yet)" : "the checkpoint of epoch " + epoch);
        LOG.debug("Run {}: the failure of backend {}", id, failed.backend(), e);
        for (Trainer t : trainers) {
            try {
                t.close();
            } catch (RuntimeException | LinkageError ignored) {
                // the failed device may fail its trainer's close too: what it held is lost either way
            }
        }
        trainers = List.of();
        device = cpu;
        // the device's slot goes back to its queue; rebuilding from the checkpoint is a moment's work, and
        // the run takes a slot of the CPU's before it trains on (at its loop's top)
        slot.moveTo(TrainingSlots.queueOf(cpu.device()));
        lastCheckpoints = null;
        deviceNote = failed.backend() + " failed (" + why + "): training goes on on the CPU from "
                + (from == null ? "the start (no epoch was checkpointed yet)" : "epoch " + epoch);
        build(from == null ? this::newTrainer : i -> Trainer.resume(from.get(i), dataDir, cpu.device()));
        maker.started(trainers);
        message = deviceNote;
        mark(true);
        return true;
    }

    /**
     * Does {@code work} on the run's device between epochs (a pause's or the end's checkpoint copies); when
     * the device fails meanwhile, the run goes on on the CPU from the checkpoint of the epoch it is at
     * (taken as that epoch ended) and does the work there.
     */
    private void onDevice(Runnable work) {
        try {
            work.run();
        } catch (RuntimeException | LinkageError e) {
            if (!fallBackToCpu(e)) {
                throw e;
            }
            work.run();
        }
    }

    private boolean done() {
        Trainer first = trainers.get(0);
        int last = epochs;
        return last > 0 && first.epoch() >= last && first.batchInEpoch() == 0;
    }

    /**
     * After an epoch's last batch: waits out what is left of the epoch's time under the pool's epochs a
     * second (a learner's command cuts the wait short).
     */
    private void pace() throws InterruptedException {
        int perSecond = pool.maxEpochsPerSecond();
        if (perSecond == 0 || trainers.get(0).batchInEpoch() != 0) {
            return;
        }
        // a paced run is watched epoch by epoch, and a 2D epoch is about a millisecond's work: at every epoch's
        // end a training that waits computes (thirty pages then all see progress at every frame, rather than
        // one after the other for turn-ms each), and this one does not sleep holding its slot either
        turnGiven |= slot.turnOver(true);
        long now = System.nanoTime();
        BooleanSupplier learner = () -> stopRequested || paused || newLearningRate != null;
        // to the epoch's due time: a wake for anything but the learner or a page (a frame delivered, a slot
        // freed) sleeps on, or the run would get ahead of its pace and then wait seconds at once, every page
        // of it seeing no frame meanwhile
        for (long left = epochDueNanos - now; left > 1_000_000; left = epochDueNanos - System.nanoTime()) {
            await(left / 1_000_000, learner);
            if (learner.getAsBoolean() || !calls.isEmpty() || newSubscriber()) {
                break;
            }
        }
        epochDueNanos = Math.max(now, epochDueNanos) + 1_000_000_000L / perSecond;
    }

    /** One lock step: one batch of every trainer. */
    private void trainStep() {
        applyLearningRate();
        long start = System.nanoTime();
        List<StepResult> steps = new ArrayList<>(trainers.size());
        for (Trainer t : trainers) {
            steps.add(t.step());
        }
        boolean endedEpoch = steps.get(0).endedEpoch();
        if (!endedEpoch) {
            // the epoch's last step also evaluates: not a step's usual time
            double s = (System.nanoTime() - start) / 1e9;
            secondsPerStep = Double.isNaN(secondsPerStep) ? s : 0.8 * secondsPerStep + 0.2 * s;
        }
        maker.stepped(trainers, steps);
        // an epoch's end waits for the frame interval like any step: a fast 2D run ends a hundred epochs a
        // second, and a frame per epoch to every page costs the server more than the training (the load
        // test's profile); the pages take the epochs between two frames from the history
        boolean urgent = false;
        if (endedEpoch) {
            publishHistory();
            capLogs();
            checkpoint(false);
        }
        if (stepRequested) {
            // this batch was the step asked for: hold here, showing the weights it made
            stepRequested = false;
            paused = true;
            // the frame that brings the step's weights says the run holds (hold() gives the slot back next)
            state = RunState.PAUSED;
            maker.held(trainers);
            urgent = true;
        }
        mark(urgent);
    }

    /** Holds while paused, computing nothing and holding no slot; back when played, stepped or stopped. */
    private void hold() throws InterruptedException {
        // on the device, before the slot goes back: a failure here goes on on the CPU as one mid-epoch does
        onDevice(() -> checkpoint(true));
        slot.release();
        state = RunState.PAUSED;
        message = pausedMessage();
        mark(true);
        while ((keepHold() || paused) && !stepRequested && !stopRequested) {
            // a hold begun or ended while it holds: its status says so at once
            String why = pausedMessage();
            if (!Objects.equals(why, message)) {
                message = why;
                mark(true);
            }
            serve();
            boolean owed = flush();
            await(owed ? 50 : 500, () -> !paused || stepRequested || stopRequested || newLearningRate != null);
        }
        if (!stopRequested) {
            state = RunState.RUNNING;
            message = deviceNote;
            mark(true);
        }
    }

    /**
     * Takes a training slot before computing; while none is free the run is QUEUED and its status says
     * why. False when the learner gives up meanwhile: stops, or (when {@code pauseGivesUp}) pauses again
     * without asking for a step.
     */
    private boolean awaitSlot(boolean pauseGivesUp) throws InterruptedException {
        RunState before = state;
        long since = System.nanoTime();
        boolean quiet = turnGiven;
        turnGiven = false;
        String busy = slot.take();
        while (busy != null) {
            if (stopRequested || (pauseGivesUp && paused && !stepRequested)) {
                slot.release();
                state = before;
                message = deviceNote;
                position = 0;
                mark(true);
                return false;
            }
            // a run that trains and gave its turn to others says it waits only once its wait is long enough
            // to be seen; its page would otherwise flicker between training and waiting every turn
            boolean shown = !quiet || System.nanoTime() - since >= QUIET_WAIT_NANOS;
            int place = shown ? slot.position() : 0;
            if (shown && (state != RunState.QUEUED || !busy.equals(message) || place != position)) {
                state = RunState.QUEUED;
                message = busy;
                position = place;
                mark(true);
            }
            serve();
            // a frame is work (its maps are the network run over a grid): one that only waits its turn sends it
            // at its turn, holding its slot, so that thirty such waits do not all compute beside the slots' runs
            boolean owed = shown && flush();
            // slots free up when other runs pause or end: look again every quarter of a second
            await(owed ? 50 : 250, () -> stopRequested || (pauseGivesUp && paused && !stepRequested)
                    || newLearningRate != null);
            busy = slot.take();
        }
        if (state == RunState.QUEUED || position != 0) {
            if (before != RunState.QUEUED) {
                state = before;
            }
            message = deviceNote;
            position = 0;
            mark(true);
        }
        return true;
    }

    /**
     * Whether the run has trained as long as the server lets one run train: then it stops (at this
     * batch; what it learned stays: its trainers for the pages, its last checkpoint on disk), its
     * message naming the limit.
     */
    private boolean overTime() {
        if (maxTime.isZero() || trainingNanos < maxTime.toNanos()) {
            return false;
        }
        String key = "layerlab.limits.run-minutes";
        limitStop = "Stopped at " + statusNow().epochText() + ": a run may train for at most "
                + TrainingRuntime.text(maxTime) + " on this server (" + key + "). What it learned is kept: its last "
                + "checkpoint, and this page's network.";
        LOG.info("Run {} hit a limit: {}={} ({} trained): owner={} backend={} device={}", id, key, TrainingRuntime.text(maxTime),
                TrainingRuntime.text(Duration.ofNanos(trainingNanos)), options.owner(), device.backend(), device.name());
        stopRequested = true;
        return true;
    }

    /** Training is over: the run computes no more, and says so. */
    private void end(RunState how, String why) {
        if (!trainers.isEmpty()) {
            onDevice(() -> {
                checkpoint(true);
                maker.held(trainers);
            });
        }
        slot.release();
        state = how;
        message = why == null ? deviceNote : why;
        ending.complete(how);
        mark(true);
        logEnd();
        flush();
    }

    /** After the training: the pages may still probe the trainers (images, weights) until the runtime lets the run go. */
    private void rest() throws InterruptedException {
        while (true) {
            serve();
            boolean owed = flush();
            await(owed ? 50 : 500, () -> false);
        }
    }

    /** Between steps and while holding: the learning rate, the pages' calls and the maker's work. */
    private void serve() {
        boolean urgent = applyLearningRate() && state != RunState.RUNNING;
        long version = maker.version();
        Call<?> c;
        while ((c = calls.poll()) != null) {
            c.run(trainers);
        }
        // a call may have changed what the frames show (another image's feature maps)
        urgent |= maker.version() != version;
        if (maker.serve(trainers)) {
            urgent = true;
        }
        if (urgent) {
            mark(true);
        }
    }

    /** Applies a new learning rate, if one was asked for; true when it did. */
    private boolean applyLearningRate() {
        Double lr = newLearningRate;
        if (lr == null || trainers.isEmpty()) {
            return false;
        }
        newLearningRate = null;
        for (Trainer t : trainers) {
            t.setLearningRate(lr);
        }
        return true;
    }

    /**
     * Writes every trainer's checkpoint into the run's folder, between epochs only, once per epoch; at an
     * epoch's end ({@code force} false) not sooner than the checkpoint interval after the last one (a 2D
     * run may end an epoch every few milliseconds). On a device that may fail, every epoch's is kept in
     * memory besides, so that going on on the CPU loses at most one epoch.
     */
    private void checkpoint(boolean force) {
        boolean mayFail = !device.onCpu();
        if ((folder == null && !mayFail) || trainers.isEmpty()) {
            return;
        }
        Trainer first = trainers.get(0);
        if (first.batchInEpoch() != 0 || first.epoch() == checkpointedEpoch) {
            return;
        }
        long now = System.nanoTime();
        boolean due = folder != null
                && (force || checkpointedEpoch < 0 || now - lastCheckpointNanos >= checkpointInterval.toNanos());
        if (!due && !mayFail) {
            return;
        }
        List<Checkpoint> taken = new ArrayList<>();
        for (Trainer t : trainers) {
            taken.add(t.checkpoint());
        }
        if (mayFail) {
            lastCheckpoints = List.copyOf(taken);
        }
        if (!due) {
            return;
        }
        try {
            for (int i = 0; i < taken.size(); i++) {
                RunCheckpoints.write(folder.checkpointDir(i), taken.get(i));
            }
            checkpointedEpoch = first.epoch();
            lastCheckpointNanos = now;
        } catch (RuntimeException e) {
            // a full disk must not end the training: the previous checkpoint stays
            LOG.warn("Run {}: cannot write the checkpoint of epoch {}: {}", id, first.epoch(), e.getMessage());
        }
    }

    /** Stops every trainer's TensorBoard logging once the folder is over its size cap. */
    private void capLogs() {
        if (folder != null && folder.overCap()) {
            for (Trainer t : trainers) {
                t.logTo(null);
            }
        }
    }

    private void publishHistory() {
        List<List<EpochStats>> h = new ArrayList<>();
        for (Trainer t : trainers) {
            h.add(t.history());
        }
        history = List.copyOf(h);
    }

    private void logEnd() {
        if (endLogged) {
            return;
        }
        endLogged = true;
        RunStatus s = status;
        tally.countEnd(device.backend(), s.state());
        LOG.info("Run {} {} at {}{}: owner={} backend={} device={}", id, s.state().name().toLowerCase(Locale.ROOT),
                s.epochText(), s.message() == null ? "" : " (" + s.message() + ")", options.owner(), device.backend(),
                device.name());
    }

    private void checkClosed() throws InterruptedException {
        if (closed.get()) {
            throw new InterruptedException("closed");
        }
    }

    // ---- status and frames --------------------------------------------------------------------------

    private RunStatus statusNow() {
        List<Trainer> t = trainers;
        if (t.isEmpty()) {
            return new RunStatus(state, loading, message, 0, 0, 0, epochs, Double.NaN, Double.NaN, Double.NaN,
                    Double.NaN, position);
        }
        Trainer first = t.get(0);
        int batches = first.batchesPerEpoch();
        int batch = first.batchInEpoch();
        double epochEta = Double.NaN;
        double totalEta = Double.NaN;
        if (state.ended()) {
            epochEta = 0;
            totalEta = 0;
        } else if (Double.isFinite(secondsPerStep)) {
            epochEta = (batches - batch) * secondsPerStep;
            if (epochs > 0) {
                int after = Math.max(0, epochs - first.epoch() - 1);
                totalEta = epochEta + (double) after * batches * secondsPerStep;
            }
        }
        double sps = first.samplesPerSecond();
        return new RunStatus(state, loading, message, first.epoch(), batch, batches, epochs,
                sps > 0 ? sps : Double.NaN, epochEta, totalEta, first.experiment().optimizer().lr(), position);
    }

    private void publishStatus() {
        status = statusNow();
    }

    /** Something changed that frames show: {@code urgent}, at once, else within the frame interval. */
    private void mark(boolean urgent) {
        change++;
        if (urgent) {
            urgentChange = change;
        }
        publishStatus();
        journal();
    }

    // ---- the journal (runs that outlive their page) --------------------------------------------------

    /** What its status says while it holds for the database. */
    static final String DATABASE_DOWN = "The database cannot be reached: this run holds, keeping what it learned, "
            + "and goes on by itself when the database is back.";

    /**
     * Writes the run to the journal when what the journal keeps changed (its state, its last checkpoint's
     * epoch, its epochs), for a signed-in owner's run: the runs that outlive their page. A page opened and
     * left untouched writes nothing. A write the database does not take holds the run (paused, its status
     * saying why, its slot given back) and is tried again every second until it is taken; then the run
     * goes on where it was. A run being closed tries once.
     */
    private void journal() {
        if (!options.signedIn() || awaitingDatabase) {
            return;
        }
        // at every step: the three fields that decide are compared before an entry is built
        RunStatus s = status;
        int checkpoint = journaledCheckpoint();
        int asked = epochs;
        if (journaled == null ? untouched() : journaled.state() == s.state() && journaled.checkpointEpoch() == checkpoint
                && journaled.epochs() == asked) {
            return;
        }
        RunJournal.Entry now = entry(s, checkpoint, asked);
        if (write(now) || closed.get()) {
            return;
        }
        awaitingDatabase = true;
        RunState before = state;
        String beforeMessage = message;
        boolean hadSlot = slot.holds();
        try {
            slot.release();
            state = RunState.PAUSED;
            message = DATABASE_DOWN;
            mark(true);
            LOG.warn("Run {} holds: the database cannot be reached; it goes on when it is back: owner={}", id, options.owner());
            while (!closed.get()) {
                flush();
                synchronized (signal) {
                    signal.wait(1_000);
                }
                if (write(now)) {
                    while (hadSlot && slot.take() != null && !closed.get()) {
                        synchronized (signal) {
                            signal.wait(250);
                        }
                    }
                    state = before;
                    message = beforeMessage;
                    mark(true);
                    LOG.info("Run {} goes on: the database is back: owner={}", id, options.owner());
                    return;
                }
            }
        } catch (InterruptedException e) {
            // closed meanwhile: the thread's end writes the state it ends in
            Thread.currentThread().interrupt();
        } finally {
            awaitingDatabase = false;
        }
    }

    /** Writes {@code e}; false when the database is down (the run then holds and tries again). */
    private boolean write(RunJournal.Entry e) {
        try {
            journal.write(e);
        } catch (RunJournal.Unreachable down) {
            LOG.debug("Run {}: the journal's write failed: {}", id, down.getMessage());
            return false;
        } catch (RuntimeException other) {
            // not the database being down: trying again would fail again, and the training goes on regardless
            LOG.warn("Run {}: cannot write its journal entry: {}", id, other.toString());
        }
        journaled = e;
        return true;
    }

    /** The epoch of its last checkpoint on disk: a resumed run's is the one it resumed from until it writes its own. */
    private int journaledCheckpoint() {
        return Math.max(checkpointedEpoch, options.resumeFrom().isEmpty() ? -1 : options.resumeFrom().get(0).epoch());
    }

    private RunJournal.Entry entry(RunStatus s, int checkpoint, int asked) {
        return new RunJournal.Entry(id, options.owner(), options.page(), options.experimentId(), experiments, s.state(),
                asked, checkpoint, folder(), device.backend(), device.refused() ? "none" : device.name(), s.message(),
                Instant.ofEpochMilli(submittedAt), Instant.now());
    }

    /**
     * Makes this run, never started, what the journal kept of one from before the server restarted: it
     * shows in {@code as} with {@code why}, at {@code epoch} with the history of its checkpoints, and
     * trains no more (resuming it is a new run under its id: {@link TrainingRuntime#resume}).
     */
    void restore(RunState as, String why, int epoch, List<List<EpochStats>> past) {
        closed.set(true);
        endLogged = true;
        state = as;
        message = why;
        history = List.copyOf(past);
        status = new RunStatus(as, false, why, epoch, 0, 0, epochs, Double.NaN, 0, 0, Double.NaN);
    }

    /**
     * Makes and sends a frame to every subscriber that has not seen the latest change, whose previous
     * frame has arrived and whose frame interval has passed (or the change is urgent); true when some
     * subscriber is still owed one.
     */
    private boolean flush() {
        long now = System.nanoTime();
        boolean owed = false;
        for (Subscription s : subscribers) {
            if (s.sentChange >= change) {
                continue;
            }
            if (s.inFlight.get() || (now - s.nextAt < 0 && s.sentChange >= urgentChange)) {
                owed = true;
                continue;
            }
            send(s, now);
        }
        return owed;
    }

    /** The last frame of a failure: sent even to subscribers whose previous frame is still on its way (it follows it). */
    private void flushFinal() {
        for (Subscription s : subscribers) {
            send(s, System.nanoTime());
        }
    }

    private void send(Subscription s, long now) {
        long version = maker.version();
        F frame = maker.frame(status, trainers, s.seenVersion);
        s.inFlight.set(true);
        s.sentChange = change;
        s.seenVersion = version;
        s.nextAt = now + frameInterval.toNanos();
        boolean accepted = s.delivery.deliver(() -> {
            try {
                s.onFrame.accept(frame);
            } finally {
                s.inFlight.set(false);
                wake();
            }
        });
        if (!accepted) {
            s.inFlight.set(false);
            unsubscribe(s);
        }
    }

    private void wake() {
        synchronized (signal) {
            signal.notifyAll();
        }
    }

    /** Sleeps up to {@code millis} or until woken, unless there is work already; throws when closed. */
    private void await(long millis, BooleanSupplier skip) throws InterruptedException {
        synchronized (signal) {
            if (!closed.get() && calls.isEmpty() && !skip.getAsBoolean() && !newSubscriber()) {
                signal.wait(millis);
            }
        }
        checkClosed();
    }

    private boolean newSubscriber() {
        for (Subscription s : subscribers) {
            if (s.sentChange < 0) {
                return true;
            }
        }
        return false;
    }

    private void failCalls() {
        Call<?> c;
        while ((c = calls.poll()) != null) {
            c.answer().completeExceptionally(new IllegalStateException("the run has ended"));
        }
    }
}
