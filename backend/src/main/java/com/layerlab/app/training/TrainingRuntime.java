package com.layerlab.app.training;

import com.layerlab.engine.experiment.DataSets;
import com.layerlab.engine.experiment.Experiment;
import com.layerlab.engine.experiment.ExperimentException;
import com.layerlab.engine.experiment.Models;
import com.layerlab.engine.tensor.Backends;
import com.layerlab.engine.summary.EventArchive;
import com.layerlab.engine.train.Checkpoint;
import com.layerlab.engine.train.EpochStats;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The app's one training runtime: every page (the playground, the comparison, the CNN lab) submits its
 * trainings here and gets a {@link Run}, which belongs to its owner, not to the page. Pages subscribe
 * to a run's frames and unsubscribe when they go; a page that comes back (a reload) finds its run again
 * by id ({@link #find}).
 *
 * <p>Who may compute: every run, whatever submitted it (a page, the REST API), takes its slots from one
 * fair scheduler ({@link TrainingSlots}): {@link Limits#computing} at once on the CPU and
 * {@link Limits#perDevice} on each accelerator, within which 2D runs ({@code points}) and image runs
 * ({@code images}) keep their own caps (so many at once, so many per owner) and frame rates. Limits ({@link Limits}): a run that asks for more than the server allows (runs
 * at once, per user and in all; parameters; epochs) is refused by {@link #submit} with an
 * {@link OverLimit} before anything is allocated; one that trains longer than its time stops, keeping
 * what it learned. Runs nobody watches (for
 * at least {@code unwatched}: a reload within that time re-attaches to its run), all in {@link #sweep}:
 * an anonymous owner's run stops, and lets its trainers go once it has ended; a signed-in owner's run
 * trains on, within {@link SignedInRuns}: so many of one user's unwatched runs train, a further one is
 * paused, and a paused one is closed once no page watched it for the idle time. An ended run, anyone's,
 * is closed once unwatched. A closed run has let its trainers go; its checkpoints stay on disk.
 *
 * <p>Devices: a run trains on the device its experiments' {@code backend} field resolves to in the
 * runtime's {@link Backends} ({@link RunDevice#resolve}); where that backend is not available here the run
 * is refused: it ends FAILED at once, its status giving the registry's message. Where that device fails
 * mid-run the run goes on on the CPU ({@link Run}).
 */
public class TrainingRuntime implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TrainingRuntime.class);
    private static final SecureRandom IDS = new SecureRandom();
    /** Ended runs remembered (for their state and history), the newest. */
    static final int ENDED_KEPT = 200;

    /**
     * The slots and frame rate of one kind of run.
     *
     * @param maxSessions   runs of this kind computing at once on the server
     * @param maxPerVisitor runs of this kind one owner may have computing at once
     * @param frameInterval at most one frame per this interval while a run trains
     * @param what          what the runs train, for the learner ("networks", "image networks")
     * @param maxEpochs     a run of this kind finishes at this epoch at the latest, whatever it asks; 0: no cap
     * @param maxEpochsPerSecond a run of this kind trains at most this many epochs a second (a tiny 2D network
     *                      would otherwise take a core and train faster than anyone can watch); 0: no cap
     */
    public record Pool(int maxSessions, int maxPerVisitor, Duration frameInterval, String what, int maxEpochs,
                       int maxEpochsPerSecond) {

        public Pool {
            if (maxEpochs < 0 || maxEpochsPerSecond < 0) {
                throw new IllegalArgumentException("a pool's epoch caps must be 0 (none) or more, got " + maxEpochs
                        + " epochs and " + maxEpochsPerSecond + " epochs a second");
            }
        }

        /** A pool whose runs train as many epochs as they ask, as fast as they can. */
        public Pool(int maxSessions, int maxPerVisitor, Duration frameInterval, String what) {
            this(maxSessions, maxPerVisitor, frameInterval, what, 0, 0);
        }
    }

    /**
     * The server's limits on runs (the {@code layerlab.limits.*} keys; TrainingConfig reads them).
     *
     * @param computing   runs computing at once on the CPU, every kind together (by default as many
     *                    as the machine has cores)
     * @param perDevice   runs computing at once on each accelerator (an opencl or cuda device that is not
     *                    the CPU), which has slots of its own ({@link TrainingSlots})
     * @param turn        how long a run keeps its slot while others wait, at least ({@link TrainingSlots})
     * @param runsPerUser runs of one owner at once (waiting, training or paused; not ended); 0: no limit
     * @param runsTotal   runs at once on the server, everyone's; 0: no limit
     * @param maxParams   parameters of one model of a run; 0: no limit
     * @param runTime     how long one run may train (waits for a slot and pauses not counted); zero: no limit
     */
    public record Limits(int computing, int perDevice, Duration turn, int runsPerUser, int runsTotal, long maxParams, Duration runTime) {

        /**
         * No limit but the pools' own caps: as many runs compute at once as the pools allow, and a run
         * keeps its slot until it pauses or ends (no turns): the runtime as it was before it had limits.
         */
        public static Limits none(Pool points, Pool images) {
            int all = points.maxSessions() + images.maxSessions();
            return new Limits(all, all, Duration.ofDays(365), 0, 0, 0, Duration.ZERO);
        }

        public Limits {
            if (computing < 1) {
                throw new IllegalArgumentException("layerlab.limits.computing must be at least 1, got " + computing);
            }
            if (perDevice < 1) {
                throw new IllegalArgumentException("layerlab.limits.slots-per-device must be at least 1, got " + perDevice);
            }
            if (turn.isNegative()) {
                throw new IllegalArgumentException("layerlab.limits.turn-ms must be 0 or more, got " + turn.toMillis());
            }
            if (runsPerUser < 0 || runsTotal < 0 || maxParams < 0) {
                throw new IllegalArgumentException("layerlab.limits.runs-per-user, runs-total and max-params must be 0 "
                        + "(no limit) or more, got " + runsPerUser + ", " + runsTotal + " and " + maxParams);
            }
            if (runTime.isNegative()) {
                throw new IllegalArgumentException("layerlab.limits.run-minutes must be 0 (no limit) or more, got "
                        + runTime.toMinutes());
            }
        }
    }

    /**
     * The bounds on a signed-in user's runs that go on without a page (a shared server).
     *
     * @param maxTraining unwatched runs of one user that train on; a further one is paused, its status saying why
     * @param idle        how long a paused run of a signed-in user may go without a page watching
     *                    it before it is closed (0: as soon as an anonymous one's would be)
     */
    public record SignedInRuns(int maxTraining, Duration idle) {
        public static final SignedInRuns DEFAULTS = new SignedInRuns(2, Duration.ofMinutes(30));
        /** The configuration key of {@link #maxTraining}, which the pause and the API's refusal name. */
        public static final String MAX_TRAINING_KEY = "layerlab.runs.max-unwatched-per-user";

        public SignedInRuns {
            if (maxTraining < 0) {
                throw new IllegalArgumentException(MAX_TRAINING_KEY + " must be 0 or more, got " + maxTraining);
            }
            if (idle.isNegative()) {
                throw new IllegalArgumentException("layerlab.runs.idle-minutes must be 0 or more, got " + idle.toMinutes());
            }
        }
    }

    private final Backends backends;
    private final RunLogs logs;
    private final Path dataDir;
    private final Pool points;
    private final Pool images;
    private final Limits limits;
    private final TrainingSlots slots;
    private final TrainingSlots.Kind pointKind;
    private final TrainingSlots.Kind imageKind;
    private final Duration unwatched;
    private final SignedInRuns signedIn;
    private final Duration checkpointInterval;
    private final Map<String, Run<?>> runs = new ConcurrentHashMap<>();
    /** Replaced runs whose threads were still ending when their replacement started ({@link #retire}). */
    private final Set<Run<?>> retiring = ConcurrentHashMap.newKeySet();
    /** The owners whose runs are held ({@link #hold}), with why; every run asks it of its owner at every look. */
    private final Map<String, String> holds = new ConcurrentHashMap<>();
    private final RunTally tally;
    /** Held while a run is checked against the limits and added: the count it was checked with stays true. */
    private final Object admission = new Object();
    private final ScheduledExecutorService sweeper;
    private final RunJournal journal;
    /** The interrupted runs' expiry, by run id ({@link #droppedAt}); written as the server starts. */
    private final Map<String, Instant> droppedAt = new ConcurrentHashMap<>();
    private final PageFrames pageFrames;
    /** Where a signed-in owner's page run left training goes instead of training on here; null: it stays here. */
    private volatile LeftRunning leftRunning;
    /** The thread that hands runs over ({@link #leaveRunningTo}): it waits for each run's thread to end. */
    private volatile ExecutorService handOvers;
    /** The runs being handed over now, by id: the sweep leaves them alone meanwhile. */
    private final Set<String> handing = ConcurrentHashMap.newKeySet();
    /** The runs {@link #leftRunning} took, by id, with their owners (for a page that comes back): the newest. */
    private final Map<String, String> handedAway = new ConcurrentHashMap<>();
    /**
     * The runs that train here whatever pages watch them, by id: those this runtime trains for another node
     * ({@link #adopt}: a worker's background runs, whose job may let them go unwatched a while, the database
     * down), and those {@link #leftRunning} did not take (asked again, it would only refuse, or interrupt them again).
     */
    private final Set<String> staysHere = ConcurrentHashMap.newKeySet();

    /**
     * Where a signed-in owner's page run goes when no page watches it and it would train on here (a cluster's
     * worker nodes, docs/cluster.md): installed by the component that takes such runs, with
     * {@link #leaveRunningTo}. Without one (a single server) such a run trains on here.
     */
    public interface LeftRunning {

        /**
         * Whether it would take {@code run} now (asked before the run is interrupted, off the sweeper's thread);
         * a run it would not take trains on here.
         */
        default boolean takes(Run<?> run) {
            return true;
        }

        /**
         * Takes {@code run}, which has just ended INTERRUPTED here with its last checkpoint in its folder and its
         * journal row saying so, to train elsewhere from that checkpoint (or from the start, where it had none).
         * Called off the sweeper's thread, once the run's thread has ended.
         *
         * @return whether it took it; false: the run goes on here, resumed from that checkpoint
         */
        boolean handOver(Run<?> run);
    }

    /** Frames that are the run's status: a run no page draws (resumed by the runtime, or one of the API's). */
    public static final FrameMaker<RunStatus> STATUS_FRAMES = (status, trainers, seen) -> status;

    /** The frames a page of kind {@code page} ({@code RunOptions.page}) draws of a run of {@code experiments}. */
    @FunctionalInterface
    public interface PageFrames {
        FrameMaker<?> of(String page, List<Experiment> experiments);
    }

    /**
     * @param logs               where runs get their folders (TensorBoard event files, checkpoints)
     * @param dataDir            the data folder image sets are read from
     * @param unwatched          how long an anonymous owner's run goes on with no page watching it
     * @param checkpointInterval the least time between two checkpoints at epochs' ends (a 2D run ends an
     *                           epoch every few milliseconds); a run holding or ending always writes one
     */
    public TrainingRuntime(RunLogs logs, Path dataDir, Pool points, Pool images, Duration unwatched,
                           Duration checkpointInterval) {
        this(Backends.standard(), logs, dataDir, points, images, unwatched, SignedInRuns.DEFAULTS, checkpointInterval);
    }

    /**
     * @param backends the backends runs may ask for, and {@code auto}'s rule
     * @param signedIn the bounds on signed-in users' runs that no page watches
     */
    public TrainingRuntime(Backends backends, RunLogs logs, Path dataDir, Pool points, Pool images, Duration unwatched,
                           SignedInRuns signedIn, Duration checkpointInterval) {
        this(backends, logs, dataDir, points, images, Limits.none(points, images), unwatched, signedIn, checkpointInterval);
    }

    /**
     * @param limits the server's limits on runs, and how many compute at once
     */
    public TrainingRuntime(Backends backends, RunLogs logs, Path dataDir, Pool points, Pool images, Limits limits,
                           Duration unwatched, SignedInRuns signedIn, Duration checkpointInterval) {
        this(backends, logs, dataDir, points, images, limits, unwatched, signedIn, checkpointInterval, RunJournal.NONE,
                (page, experiments) -> STATUS_FRAMES);
    }

    /**
     * @param journal    where the runs that outlive their page are kept across restarts ({@link #restoreInterrupted})
     * @param pageFrames the frames of a run resumed without a page asking ({@link #resume(Run, boolean)}): its page's kind
     */
    public TrainingRuntime(Backends backends, RunLogs logs, Path dataDir, Pool points, Pool images, Limits limits,
                           Duration unwatched, SignedInRuns signedIn, Duration checkpointInterval, RunJournal journal,
                           PageFrames pageFrames) {
        if (unwatched.isNegative() || unwatched.isZero()) {
            throw new IllegalArgumentException("layerlab.runs.unwatched-seconds must be more than 0, got "
                    + unwatched.toSeconds());
        }
        this.backends = Objects.requireNonNull(backends);
        this.logs = logs;
        this.dataDir = dataDir;
        this.points = points;
        this.images = images;
        this.limits = Objects.requireNonNull(limits);
        this.slots = new TrainingSlots(limits.computing(), limits.perDevice(), limits.turn());
        this.pointKind = new TrainingSlots.Kind(points.what(), points.maxSessions(), points.maxPerVisitor());
        this.imageKind = new TrainingSlots.Kind(images.what(), images.maxSessions(), images.maxPerVisitor());
        this.unwatched = unwatched;
        this.signedIn = Objects.requireNonNull(signedIn);
        this.checkpointInterval = Objects.requireNonNull(checkpointInterval);
        this.tally = new RunTally(backends.providers().stream().map(p -> p.name()).toList());
        this.journal = Objects.requireNonNull(journal);
        this.pageFrames = Objects.requireNonNull(pageFrames);
        this.sweeper = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "training-runtime-sweeper");
            t.setDaemon(true);
            return t;
        });
        // a tenth of the time: an unwatched run is noticed at most 10 % late
        long period = Math.max(50, Math.min(1_000, unwatched.toMillis() / 10));
        sweeper.scheduleWithFixedDelay(this::sweep, period, period, TimeUnit.MILLISECONDS);
    }

    public Duration unwatched() {
        return unwatched;
    }

    public SignedInRuns signedIn() {
        return signedIn;
    }

    public Pool points() {
        return points;
    }

    public Pool images() {
        return images;
    }

    public Limits limits() {
        return limits;
    }

    /** The backends runs may ask for. */
    public Backends backends() {
        return backends;
    }

    /** How many trainings started and ended since the runtime started, per backend (the operators' metrics). */
    public RunTally tally() {
        return tally;
    }

    /**
     * Starts a run of {@code experiments} (one, or several trained in lock step: the same data and batch
     * size) whose frames {@code frames} makes. It waits for a slot when none is free (QUEUED, its status
     * giving its place in the queue and why), then loads its data, builds its trainers and trains, unless
     * it starts paused.
     *
     * @throws OverLimit when the run asks for more than a limit of the server allows (runs at once, per
     *                   owner or in all; parameters of a model; epochs): nothing is allocated then
     */
    public <F> Run<F> submit(List<Experiment> experiments, RunOptions options, FrameMaker<F> frames) {
        if (experiments.isEmpty()) {
            throw new IllegalArgumentException("a run needs at least one experiment to train");
        }
        boolean image = DataSets.isImage(experiments.get(0).data().dataset());
        for (Experiment e : experiments) {
            if (DataSets.isImage(e.data().dataset()) != image) {
                throw new IllegalArgumentException("experiments trained in lock step need the same data: "
                        + experiments.get(0).data().dataset() + " and " + e.data().dataset());
            }
        }
        String backend = experiments.get(0).backend();
        for (Experiment e : experiments) {
            if (!e.backend().equals(backend)) {
                throw new IllegalArgumentException("experiments trained in lock step train on one device: backends "
                        + backend + " and " + e.backend());
            }
        }
        return admit(newId(), experiments, options, frames, () -> logs == null ? null : logs.open(options.page()));
    }

    /**
     * Logs a run refused over a limit (the one log line of each refusal, the API's own limit included):
     * the limit, and whose run it was, from which page, for which backend and device; gives {@code e} back
     * to be thrown.
     */
    public static OverLimit refused(OverLimit e, String owner, String page, RunDevice device) {
        LOG.info("Run refused, over a limit: {}={}: owner={} page={} backend={} device={}", e.key(), e.value(),
                owner, page, device.backend(), device.name());
        return e;
    }

    /** Checks {@code id}'s run against the limits and starts it, its folder {@code folder}'s (made only when it is admitted). */
    private <F> Run<F> admit(String id, List<Experiment> experiments, RunOptions options, FrameMaker<F> frames,
                             Supplier<RunLogs.Folder> folder) {
        boolean image = DataSets.isImage(experiments.get(0).data().dataset());
        String backend = experiments.get(0).backend();
        RunDevice device = RunDevice.resolve(backends, backend);
        Pool pool = image ? images : points;
        Run<F> run;
        synchronized (admission) {
            // checked and counted together: two submits at once cannot both take the last run allowed
            try {
                checkLimits(experiments, options, image);
            } catch (OverLimit e) {
                throw refused(e, options.owner(), options.page(), device);
            }
            // a refused run takes no slot (it fails at once): the CPU's queue is as good as any
            String queue = device.refused() ? TrainingSlots.CPU : TrainingSlots.queueOf(device.device());
            run = new Run<>(id, experiments, options, frames, dataDir, slots.claim(options.owner(), image ? imageKind : pointKind, queue),
                    device.refused() ? null : folder.get(), pool, checkpointInterval,
                    limits.runTime(), device, RunDevice.resolve(backends, "cpu"), tally, journal, heldBy(options.owner()));
            runs.put(id, run);
        }
        forgetOldRuns();
        run.start();
        return run;
    }

    /**
     * Goes on with {@code before}, a stopped or interrupted run (one from before a restart too), from its
     * last checkpoint to the epochs it was to train: a new run under the same id, in the same folder,
     * drawn as its page draws its runs ({@link PageFrames}).
     *
     * @throws OverLimit as {@link #submit} does
     */
    public Run<?> resume(Run<?> before, boolean signedIn) {
        return resume(before, signedIn, pageFrames.of(before.options().page(), before.experiments()));
    }

    /**
     * As {@link #resume(Run, boolean)}, drawn by {@code frames}. The event files of epochs past the
     * checkpoint (a run killed after it had logged them) are dropped first: the resumed run logs them
     * anew, so that every epoch is there once.
     *
     * @throws IllegalStateException when {@code before} is not stopped or interrupted, or was resumed already
     */
    public <F> Run<F> resume(Run<?> before, boolean signedIn, FrameMaker<F> frames) {
        synchronized (before) {
            RunState state = before.state();
            if (state != RunState.STOPPED && state != RunState.INTERRUPTED) {
                throw new IllegalStateException("run " + before.id() + " is " + state + ": only a stopped or interrupted run resumes");
            }
            if (runs.get(before.id()) != before) {
                throw new IllegalStateException("run " + before.id() + " has been resumed already");
            }
            return resumeNow(before, state, signedIn, frames);
        }
    }

    private <F> Run<F> resumeNow(Run<?> before, RunState state, boolean signedIn, FrameMaker<F> frames) {
        // its thread (resting with its model) lets its folder go before the new run takes it
        retire(before, state);
        List<Checkpoint> from = checkpoints(before);
        Path folder = before.folder();
        if (folder != null) {
            EventArchive.dropStepsFrom(folder, from.isEmpty() ? 0 : from.get(0).epoch());
        }
        List<Experiment> experiments = from.isEmpty() ? before.experiments() : from.stream().map(Checkpoint::experiment).toList();
        RunOptions options = before.options().resumedFrom(from, before.status().epochs(), signedIn);
        LOG.info("Run {} resumes from {}: owner={} page={} backend={}", before.id(), from.isEmpty()
                ? "the start (it has no checkpoint)" : "its checkpoint of epoch " + from.get(0).epoch(), before.owner(),
                options.page(), experiments.get(0).backend());
        return admit(before.id(), experiments, options, frames, () -> {
            RunLogs.Folder same = logs == null ? null : logs.reopen(folder);
            return same != null || logs == null ? same : logs.open(options.page());
        });
    }

    /**
     * Trains here the journal's run {@code e}, which another node started or trained (a worker taking a
     * background run from JobRunr, or taking it over from a worker that died): from the last checkpoint in
     * its folder (a folder every node reads), or from the start where it has none (or no folder yet: it
     * gets one here); under its id, as {@link #resume(Run, boolean, FrameMaker)} goes on with a run, its
     * event files past the checkpoint dropped. It trains as a signed-in owner's run (it outlives any page).
     *
     * @throws IllegalStateException when a run of that id trains here already
     * @throws OverLimit             as {@link #submit} does
     */
    public <F> Run<F> adopt(RunJournal.Entry e, FrameMaker<F> frames) {
        Run<?> here = runs.get(e.id());
        if (here != null && here.isAlive() && !here.state().ended()) {
            throw new IllegalStateException("run " + e.id() + " trains on this node already");
        }
        if (here != null) {
            // the same run ended here before (stopped, and now resumed): its thread, resting with its model, ends
            // first, or it would outlive the runtime that no longer lists it
            retire(here, here.state());
        }
        Run<?> before = restored(e);
        runs.put(before.id(), before);
        staysHere.add(before.id());
        try {
            return resume(before, true, frames);
        } catch (RuntimeException refused) {
            runs.remove(before.id(), before);
            staysHere.remove(before.id());
            throw refused;
        }
    }

    /**
     * Ends the thread of {@code run}, which a new run under its id replaces, waiting a few seconds for it. One
     * that takes longer (a loaded machine) is remembered until it has ended, so that {@link #close} waits for
     * it too: no thread of a run outlives the runtime.
     */
    private void retire(Run<?> run, RunState as) {
        run.close(as, null);
        try {
            if (!run.awaitTermination(Duration.ofSeconds(5))) {
                LOG.warn("Run {}: the thread of the segment it replaces did not end within 5 s; it ends in the background",
                        run.id());
                retiring.add(run);
            }
        } catch (InterruptedException e) {
            retiring.add(run);
            Thread.currentThread().interrupt();
        }
        retiring.removeIf(r -> !r.isAlive());
    }

    /**
     * Ends {@code run} INTERRUPTED, as a shutdown does, with {@code why}: its last checkpoint is written as it
     * ends, and it can be resumed, here or on another node (a worker whose job was taken from it).
     */
    public void interrupt(Run<?> run, String why) {
        run.close(RunState.INTERRUPTED, why);
    }

    /** The checkpoints of {@code run}'s networks, one each, in order; empty when one of them has none. */
    private static List<Checkpoint> checkpoints(Run<?> run) {
        List<Checkpoint> found = new ArrayList<>();
        for (int i = 0; i < run.experiments().size(); i++) {
            Path dir = run.checkpointDir(i);
            if (dir == null || !Files.isDirectory(dir)) {
                return List.of();
            }
            found.add(RunCheckpoints.read(dir));
        }
        return found;
    }

    /**
     * Finds the runs the journal holds as not ended (a server killed while they trained: no shutdown
     * marked them) or interrupted (a shutdown did): each becomes interrupted, in the journal too, and is
     * listed again for its owner, at its last checkpoint, to resume ({@link #resume(Run, boolean)}); with
     * {@code resume} true each resumes at once. One log line each. Called once, as the server starts.
     * Interrupted runs nobody resumed within {@code expiry} are dropped first, and then once a day
     * ({@link #expireInterrupted}); zero: never.
     *
     * @return the runs found, as they are now (resumed or interrupted)
     */
    public List<Run<?>> restoreInterrupted(boolean resume, Duration expiry) {
        if (!expiry.isZero()) {
            expireInterrupted(expiry);
            sweeper.scheduleWithFixedDelay(() -> {
                try {
                    expireInterrupted(expiry);
                } catch (RuntimeException e) {
                    // the database down, most likely: the runs wait for tomorrow's look
                    LOG.warn("Dropping the interrupted runs older than {} failed: {}", expiry, e.getMessage());
                }
            }, 1, 1, TimeUnit.DAYS);
        }
        List<Run<?>> found = new ArrayList<>();
        for (RunJournal.Entry e : journal.unfinished()) {
            Run<?> run = restored(e);
            runs.put(run.id(), run);
            Instant since = e.updated();
            if (e.state() != RunState.INTERRUPTED) {
                since = Instant.now();
                journal.write(e.as(RunState.INTERRUPTED, run.status().message(), since));
            }
            if (!expiry.isZero()) {
                droppedAt.put(run.id(), since.plus(expiry));
            }
            LOG.info("Run {} was {} when the server stopped: interrupted at {} (its last checkpoint): owner={} page={} "
                    + "backend={} device={}", e.id(), e.state().name().toLowerCase(Locale.ROOT), run.status().epochText(),
                    e.owner(), e.page(), e.backend(), e.device());
            found.add(run);
        }
        if (!resume) {
            return found;
        }
        List<Run<?>> now = new ArrayList<>();
        for (Run<?> run : found) {
            try {
                now.add(resume(run, true));
            } catch (RuntimeException refused) {
                // over a limit now, or its checkpoint unreadable: it stays interrupted, for its owner to see why
                LOG.warn("Run {} could not resume after the restart: {}", run.id(), refused.getMessage());
                now.add(run);
            }
        }
        return now;
    }

    /**
     * Drops {@code owner}'s interrupted run {@code id} (one a restart interrupted and nobody resumed): its
     * journal row, and its folder with its checkpoints and event files. Nothing else needs the folder:
     * a saved experiment holds copies of its weights, metrics and event files (taken as it was saved),
     * and the API's weights of an experiment are those of a finished run. One log line.
     *
     * @return false, changing nothing, when {@code owner} has no interrupted run {@code id} (unknown,
     *         another owner's, or resumed meanwhile)
     * @throws RunJournal.Unreachable when the database does not answer (nothing is dropped)
     */
    public boolean discard(String id, String owner) {
        Run<?> run = find(id, owner).orElse(null);
        if (run == null || !drop(run)) {
            return false;
        }
        LOG.info("Run {} discarded by its owner, interrupted at {}: owner={} page={} backend={}", id,
                run.status().epochText(), owner, run.options().page(), run.device().backend());
        return true;
    }

    /**
     * Drops every interrupted run that nobody resumed within {@code expiry} of its interruption (as the
     * journal dates it) as {@link #discard} does; one log line each. The runs' rows are read from the
     * journal, so that a run the runtime forgot (among {@link #ENDED_KEPT}) is dropped too.
     *
     * @return the ids of the runs dropped
     * @throws RunJournal.Unreachable when the database does not answer
     */
    public List<String> expireInterrupted(Duration expiry) {
        Instant before = Instant.now().minus(expiry);
        List<String> dropped = new ArrayList<>();
        for (RunJournal.Entry e : journal.unfinished()) {
            if (e.state() != RunState.INTERRUPTED || !e.updated().isBefore(before)) {
                continue;
            }
            Run<?> run = runs.get(e.id());
            if (run == null) {
                forget(e.id(), e.folder());
            } else if (!drop(run)) {
                // resumed meanwhile: its row is about to say so
                continue;
            }
            LOG.info("Run {} expired: interrupted since {} and not resumed within {} (layerlab.runs.interrupted-expiry); "
                    + "its journal row and folder are deleted: owner={} page={} backend={}", e.id(), e.updated(),
                    // "168h", "30m": the ISO form without its "PT"
                    expiry.toString().substring(2).toLowerCase(Locale.ROOT),
                    e.owner(), e.page(), e.backend());
            dropped.add(e.id());
        }
        return dropped;
    }

    /**
     * When {@code run}, interrupted by a restart, is dropped unless its owner resumes it (its interruption
     * plus layerlab.runs.interrupted-expiry, {@link #expireInterrupted}); empty for a run that is not
     * interrupted, or when interrupted runs are kept for ever.
     */
    public Optional<Instant> droppedAt(Run<?> run) {
        return run.state() == RunState.INTERRUPTED ? Optional.ofNullable(droppedAt.get(run.id())) : Optional.empty();
    }

    /** Drops {@code run} if it is still the interrupted run under its id (not resumed meanwhile). */
    private boolean drop(Run<?> run) {
        // resume holds the run's lock while it replaces it: a run is either resumed or dropped
        synchronized (run) {
            if (run.state() != RunState.INTERRUPTED || run.isAlive() || runs.get(run.id()) != run) {
                return false;
            }
            forget(run.id(), run.folder());
            runs.remove(run.id(), run);
            staysHere.remove(run.id());
            run.discard();
            return true;
        }
    }

    /** Deletes an interrupted run's journal row, then its folder: a database that does not answer leaves both. */
    private void forget(String id, Path folder) {
        journal.forget(id);
        if (logs != null) {
            logs.delete(folder);
        }
    }

    /** The journal's run {@code e}, as a run that does not train: at its last checkpoint on disk, interrupted. */
    private Run<?> restored(RunJournal.Entry e) {
        Run<?> run = unstarted(e, logs == null ? null : logs.reopen(e.folder()));
        List<Checkpoint> at = checkpoints(run);
        int epoch = at.isEmpty() ? 0 : at.get(0).epoch();
        String why = e.state() == RunState.INTERRUPTED && e.message() != null ? e.message()
                : "The server stopped while this run was " + e.state().name().toLowerCase(Locale.ROOT) + ". "
                + (at.isEmpty() ? "It had no checkpoint yet: resuming it starts it again."
                : "Resume it to go on from its last checkpoint, epoch " + epoch + ".");
        run.restore(RunState.INTERRUPTED, why, epoch, at.stream().map(Checkpoint::history).toList());
        return run;
    }

    /** The journal's run {@code e} as a run whose thread never starts, in {@code folder}. */
    private Run<?> unstarted(RunJournal.Entry e, RunLogs.Folder folder) {
        RunOptions options = new RunOptions(e.owner(), true, e.page(), false, e.epochs(), List.of(), List.of(), e.experimentId());
        boolean image = DataSets.isImage(e.experiments().get(0).data().dataset());
        return new Run<>(e.id(), e.experiments(), options, STATUS_FRAMES, dataDir,
                slots.claim(e.owner(), image ? imageKind : pointKind), folder, image ? images : points, checkpointInterval,
                limits.runTime(), RunDevice.resolve(backends, e.backend()), RunDevice.resolve(backends, "cpu"), tally, journal,
                heldBy(e.owner()));
    }

    /**
     * Lists again the journal's run {@code e}, which ended (finished, stopped or failed) before the server
     * restarted, as it ended, for its owner to find (and a stopped one to resume, {@link #resume}): at the
     * last epoch of {@code metrics}, its first network's metrics as it ended, or where those were not
     * kept, of its last checkpoint while its folder is there. Its folder stays among those pushed out as
     * the oldest ({@link RunLogs#ofEnded}).
     *
     * @throws IllegalArgumentException when {@code e} did not end, or is interrupted (what {@link #restoreInterrupted} finds)
     */
    public Run<?> restoreEnded(RunJournal.Entry e, List<EpochStats> metrics) {
        if (!e.state().ended() || e.state() == RunState.INTERRUPTED) {
            throw new IllegalArgumentException("run " + e.id() + " is " + e.state() + ": only a finished, stopped or "
                    + "failed run is listed as it ended");
        }
        Run<?> run = unstarted(e, logs == null ? null : logs.ofEnded(e.folder()));
        List<List<EpochStats>> past = metrics.isEmpty() ? checkpoints(run).stream().map(Checkpoint::history).toList()
                : List.of(metrics);
        int epoch = past.isEmpty() || past.get(0).isEmpty() ? 0 : past.get(0).get(past.get(0).size() - 1).epoch();
        run.restore(e.state(), e.message(), epoch, past);
        runs.put(run.id(), run);
        return run;
    }

    /** Refuses a run over a limit of the server, naming the limit; the checks cost nothing (no model is built). */
    private void checkLimits(List<Experiment> experiments, RunOptions options, boolean image) {
        long mine = runs.values().stream().filter(r -> r.owner().equals(options.owner()) && r.occupies()).count();
        long all = runs.values().stream().filter(Run::occupies).count();
        checkLimits(experiments, options, image, mine, all);
    }

    /**
     * Checks a run that trains elsewhere (a background run of a cluster, on a worker) against this server's
     * limits, the runs going counted by the caller (the cluster's, from the database); logs a refusal as
     * {@link #submit} does.
     *
     * @param mine the owner's runs going now (waiting, training or paused)
     * @param all  everyone's runs going now
     * @throws OverLimit naming the limit the run is over
     */
    public void checkElsewhere(List<Experiment> experiments, RunOptions options, long mine, long all) {
        try {
            checkLimits(experiments, options, DataSets.isImage(experiments.get(0).data().dataset()), mine, all);
        } catch (OverLimit e) {
            throw refused(e, options.owner(), options.page(), RunDevice.resolve(backends, experiments.get(0).backend()));
        }
    }

    /** A new run's id: 128 random bits, URL-safe. */
    public static String newRunId() {
        return newId();
    }

    private void checkLimits(List<Experiment> experiments, RunOptions options, boolean image, long mine, long all) {
        if (limits.runsPerUser() > 0) {
            if (mine >= limits.runsPerUser()) {
                throw new OverLimit("layerlab.limits.runs-per-user", limits.runsPerUser(), "You have " + mine
                        + (mine == 1 ? " run" : " runs") + " going (training, waiting or paused), as many as one user may have at once here "
                        + "(layerlab.limits.runs-per-user = " + limits.runsPerUser() + "). Stop one (My runs lists them) "
                        + "to start another.");
            }
        }
        if (limits.runsTotal() > 0) {
            if (all >= limits.runsTotal()) {
                throw new OverLimit("layerlab.limits.runs-total", limits.runsTotal(), "The server has " + all
                        + " runs going, as many as it takes at once (layerlab.limits.runs-total = " + limits.runsTotal()
                        + "). Try again in a few minutes.");
            }
        }
        Pool pool = image ? images : points;
        String epochsKey = image ? "layerlab.cnn.max-epochs" : "layerlab.live.max-epochs";
        if (pool.maxEpochs() > 0 && options.epochs() > pool.maxEpochs()) {
            throw new OverLimit(epochsKey, pool.maxEpochs(), "A run may train at most " + pool.maxEpochs() + " epochs here ("
                    + epochsKey + "); " + options.epochs() + " were asked for.");
        }
        if (limits.maxParams() > 0) {
            for (Experiment e : experiments) {
                long params;
                try {
                    params = Models.inspect(e).totalParams();
                } catch (ExperimentException invalid) {
                    // a model that cannot be built fails its run with the engine's message, as it always did
                    continue;
                }
                if (params > limits.maxParams()) {
                    throw new OverLimit("layerlab.limits.max-params", limits.maxParams(), String.format(Locale.ROOT,
                            "The model of %s has %,d parameters, more than a model may have here (%,d, "
                                    + "layerlab.limits.max-params). Use fewer or smaller layers.", e.name(), params,
                            limits.maxParams()));
                }
            }
        }
    }

    /** The run with this id, if it is {@code owner}'s (an id is all a page keeps; another owner's run is not found). */
    public Optional<Run<?>> find(String id, String owner) {
        Run<?> r = id == null ? null : runs.get(id);
        return r != null && r.owner().equals(owner) ? Optional.of(r) : Optional.empty();
    }

    /** {@code owner}'s runs, newest first. */
    public List<Run<?>> runsOf(String owner) {
        return runs.values().stream().filter(r -> r.owner().equals(owner))
                .sorted(Comparator.comparingLong((Run<?> r) -> r.submittedAt()).reversed()).toList();
    }

    /** The runs of every owner submitted by page {@code page} ({@code RunOptions.page}), oldest first. */
    public List<Run<?>> runsOfPage(String page) {
        return runs.values().stream().filter(r -> r.options().page().equals(page))
                .sorted(Comparator.comparingLong(Run::submittedAt)).toList();
    }

    /** Runs whose thread still runs, whatever they do (training, holding, resting finished). */
    public int activeCount() {
        return activeRuns().size();
    }

    /** The runs whose thread still runs, every owner's (for the server's operators), oldest first. */
    public List<Run<?>> activeRuns() {
        return runs.values().stream().filter(Run::isAlive).sorted(Comparator.comparingLong(Run::submittedAt)).toList();
    }

    /**
     * How many runs whose thread still runs are on each device, by the device's name ("cpu:0", "cuda:1");
     * a device with none is absent. Refused runs are on none.
     */
    public Map<String, Long> activeRunsPerDevice() {
        return activeRuns().stream().filter(r -> !r.device().refused())
                .collect(Collectors.groupingBy(r -> r.device().device().toString(), Collectors.counting()));
    }

    /** Runs computing now (holding a slot of the scheduler). */
    public int computingCount() {
        return slots.computing();
    }

    /** Runs computing now on device {@code index} of {@code backend}, and the slots it has ({@link TrainingSlots#queueOf}). */
    public Slots slotsOf(String backend, int index) {
        String queue = TrainingSlots.queueOf(backend, index);
        return new Slots(slots.computingOn(queue), slots.slotsOn(queue));
    }

    /**
     * A device's slots now: the CPU's are every CPU device's together.
     *
     * @param inUse runs computing on it now
     * @param total runs it computes at once
     */
    public record Slots(int inUse, int total) {

        /** "0 / 2 slots", as the Devices page shows it. */
        public String text() {
            return inUse + " / " + total + (total == 1 ? " slot" : " slots");
        }
    }

    /** Runs of one kind computing now. */
    public int computingCount(boolean image) {
        return slots.computing(image ? imageKind : pointKind);
    }

    /**
     * The scheduler's queue: runs waiting for a slot now, those that only gave their turn to others for a
     * moment included (for the operators' metrics).
     */
    public int queueLength() {
        return slots.waiting();
    }

    /** Trainings waiting now for a slot of the device whose slots {@code run} takes (its own wait included, if it waits). */
    public int queueLength(Run<?> run) {
        return slots.waitingOn(run.slotQueue());
    }

    /**
     * Holds every run of {@code owner} paused until {@link #release}: their runs pause now, play and
     * step do nothing, and a run they submit meanwhile starts paused; their pages' status says
     * {@code why} (a class's "eyes on me"). Enforced here, not by the pages.
     */
    public void hold(String owner, String why) {
        Objects.requireNonNull(owner, "owner");
        if (why == null || why.isBlank()) {
            throw new IllegalArgumentException("a hold needs a reason for the owner's pages to show");
        }
        // the map first: a run submitted meanwhile starts paused, one already listed pauses below
        holds.put(owner, why);
        for (Run<?> r : runsOf(owner)) {
            r.holdChanged();
        }
        LOG.info("Runs held: owner={} ({})", owner, why);
    }

    /** Ends {@link #hold}: the runs it paused while they trained train on; those their pages had paused stay paused. */
    public void release(String owner) {
        if (owner == null || holds.remove(owner) == null) {
            return;
        }
        for (Run<?> r : runsOf(owner)) {
            // its status drops the hold's reason at once
            r.holdChanged();
        }
        LOG.info("Runs released: owner={}", owner);
    }

    /** Why the owner's runs are held, if they are. */
    public Optional<String> heldWhy(String owner) {
        return owner == null ? Optional.empty() : Optional.ofNullable(holds.get(owner));
    }

    /** What a run of {@code owner} asks at every look: why they are held, or null. */
    private Supplier<String> heldBy(String owner) {
        return () -> holds.get(owner);
    }

    /** Runs whose status says they wait for a slot (QUEUED), every owner's. */
    public int waitingCount() {
        return countIn(RunState.QUEUED);
    }

    /** Runs training (RUNNING: loading, computing, or waiting a moment for their next turn), every owner's. */
    public int runningCount() {
        return countIn(RunState.RUNNING);
    }

    private int countIn(RunState state) {
        return (int) runs.values().stream().filter(r -> r.isAlive() && r.state() == state).count();
    }

    private static String newId() {
        byte[] b = new byte[16];
        IDS.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    /**
     * Applies the rules for runs no page has watched for {@code unwatched} to every run: an ended one is
     * closed; an anonymous owner's stops; a signed-in user's trains on, but past
     * {@link SignedInRuns#maxTraining} of them (the oldest go on) a further one is paused, and a paused
     * one is closed once unwatched for {@link SignedInRuns#idle}. Where a {@link LeftRunning} is installed (a
     * cluster's web node), a page's run that would train on here goes there instead ({@link #handOver}).
     */
    void sweep() {
        Map<String, List<Run<?>>> trainingUnwatched = new HashMap<>();
        for (Run<?> r : runs.values()) {
            try {
                if (handing.contains(r.id())) {
                    // going elsewhere now: it still counts among its owner's runs that train on, so that a further
                    // one left at the same time is paused as it would be here
                    trainingUnwatched.computeIfAbsent(r.owner(), o -> new ArrayList<>()).add(r);
                    continue;
                }
                Duration away = r.unwatchedFor();
                if (!r.isAlive() || r.subscriberCount() > 0 || away.compareTo(unwatched) < 0) {
                    continue;
                }
                RunState state = r.state();
                if (state.ended()) {
                    // what it learned is in its checkpoint; its memory (an image run's data) goes back
                    r.close(state, null);
                } else if (!r.options().signedIn()) {
                    r.close(RunState.STOPPED, "no page watched it for " + unwatched.toSeconds() + " s");
                } else if (state == RunState.PAUSED && r.isPaused()) {
                    if (away.compareTo(signedIn.idle()) >= 0) {
                        r.close(RunState.STOPPED,
                                "Closed after " + text(signedIn.idle()) + " paused with no page watching it; its last checkpoint is kept.");
                    }
                } else if (!r.isPaused()) {
                    trainingUnwatched.computeIfAbsent(r.owner(), o -> new ArrayList<>()).add(r);
                }
            } catch (RuntimeException e) {
                LOG.warn("Sweeping run {} failed", r.id(), e);
            }
        }
        for (List<Run<?>> mine : trainingUnwatched.values()) {
            mine.sort(Comparator.comparingLong(Run::submittedAt));
            LeftRunning elsewhere = leftRunning;
            if (elsewhere != null) {
                // the ones that would train on here go there instead; the ones paused below stay paused here
                for (Run<?> r : mine.subList(0, Math.min(mine.size(), signedIn.maxTraining()))) {
                    if (!handing.contains(r.id()) && goesElsewhere(r)) {
                        handOver(r, elsewhere);
                    }
                }
            }
            for (Run<?> r : mine.subList(Math.min(mine.size(), signedIn.maxTraining()), mine.size())) {
                if (handing.contains(r.id())) {
                    continue;
                }
                r.pause(SignedInRuns.MAX_TRAINING_KEY, signedIn.maxTraining(), "Paused: at most " + signedIn.maxTraining()
                        + " of your runs train with no page watching them (" + SignedInRuns.MAX_TRAINING_KEY + "). Open "
                        + "this one to train it on, or stop another.");
            }
        }
    }

    /**
     * Whether a signed-in owner's run left training goes to {@link #leftRunning}: a page's run of this node's
     * (the API's go there when submitted, or train here as their node's; one adopted here is another node's;
     * one refused there once stays), not held by a class, and, where it started from
     * saved weights (a fork), only once it has a checkpoint: the journal keeps no start weights, so it would
     * start elsewhere from its seed's; it trains on here until its first epoch has ended.
     */
    private boolean goesElsewhere(Run<?> r) {
        return !r.options().page().equals("api") && !staysHere.contains(r.id()) && holds.get(r.owner()) == null
                && (r.options().startWeights().isEmpty() || r.status().epoch() > 0);
    }

    /**
     * Hands {@code run} to {@code where}, on the hand-over thread: it ends INTERRUPTED here (its last checkpoint
     * written), then {@code where} takes it and this runtime forgets it, leaving its folder where it is (it goes
     * on from the checkpoint in it); one that {@code where} does not take resumes here from that checkpoint.
     */
    private void handOver(Run<?> run, LeftRunning where) {
        if (!handing.add(run.id())) {
            return;
        }
        try {
            handOvers.execute(() -> {
                try {
                    boolean takes;
                    try {
                        takes = where.takes(run);
                    } catch (RuntimeException notNow) {
                        // it cannot say now (its database down): the run trains on, and is asked again next sweep
                        LOG.debug("Run {}: where runs left running go cannot say now: {}", run.id(), notNow.toString());
                        return;
                    }
                    if (!takes) {
                        staysHere.add(run.id());
                        return;
                    }
                    interrupt(run, "Left training with no page watching it: handed over, to go on from its last checkpoint.");
                    if (!run.awaitTermination(Duration.ofSeconds(30))) {
                        LOG.warn("Run {}: its thread did not end within 30 s of its hand-over; it is not handed over, and "
                                + "stays interrupted here for its owner to resume (My runs)", run.id());
                        return;
                    }
                    boolean taken;
                    try {
                        taken = where.handOver(run);
                    } catch (RuntimeException e) {
                        LOG.warn("Run {} could not be handed over ({}): it trains on here", run.id(), e.toString());
                        taken = false;
                    }
                    if (taken) {
                        runs.remove(run.id(), run);
                        handedAway.put(run.id(), run.owner());
                        if (handedAway.size() > ENDED_KEPT) {
                            // the oldest hand-overs are no news to a page any more: any few go
                            handedAway.keySet().stream().limit(handedAway.size() - ENDED_KEPT).toList()
                                    .forEach(handedAway::remove);
                        }
                    } else if (runs.get(run.id()) == run) {
                        staysHere.add(run.id());
                        resume(run, true);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (RuntimeException e) {
                    LOG.warn("Handing run {} over failed", run.id(), e);
                } finally {
                    handing.remove(run.id());
                }
            });
        } catch (RejectedExecutionException closing) {
            handing.remove(run.id());
        }
    }

    /**
     * Installs where signed-in owners' page runs go when left training ({@link LeftRunning}), once: a
     * cluster's component that takes them.
     *
     * @throws IllegalStateException when one is installed already
     */
    public synchronized void leaveRunningTo(LeftRunning where) {
        if (leftRunning != null) {
            throw new IllegalStateException("the runtime hands its runs left running to one place only");
        }
        handOvers = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "training-runtime-hand-over");
            t.setDaemon(true);
            return t;
        });
        leftRunning = Objects.requireNonNull(where);
    }

    /**
     * Whether {@code owner}'s run {@code id} was handed to {@link LeftRunning} (or is being handed now): it
     * trains elsewhere, and a page that shows it no more says where.
     */
    public boolean handedAway(String id, String owner) {
        return id != null && (owner.equals(handedAway.get(id))
                || (handing.contains(id) && find(id, owner).isPresent()));
    }

    /** "30 min", or "400 ms" for a test's short times. */
    public static String text(Duration d) {
        return d.toMinutes() >= 1 ? d.toMinutes() + " min" : d.toSeconds() >= 1 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }

    private void forgetOldRuns() {
        // an interrupted run waits for its owner to resume it
        List<Run<?>> ended = new ArrayList<>(runs.values().stream()
                .filter(r -> !r.isAlive() && r.state().ended() && r.state() != RunState.INTERRUPTED).toList());
        if (ended.size() <= ENDED_KEPT) {
            return;
        }
        ended.sort(Comparator.comparingLong(Run::submittedAt));
        for (Run<?> r : ended.subList(0, ended.size() - ENDED_KEPT)) {
            runs.remove(r.id());
            staysHere.remove(r.id());
        }
    }

    /** The server shuts down: every run still training ends INTERRUPTED (its last checkpoint is on disk). */
    @Override
    public void close() {
        sweeper.shutdownNow();
        ExecutorService handOver = handOvers;
        if (handOver != null) {
            // a hand-over under way: its run ends interrupted below with the others (its row waits for a resume)
            handOver.shutdownNow();
        }
        for (Run<?> r : runs.values()) {
            r.close(RunState.INTERRUPTED, "the server shut down");
        }
        List<Run<?>> all = new ArrayList<>(runs.values());
        all.addAll(retiring);
        for (Run<?> r : all) {
            try {
                r.awaitTermination(Duration.ofSeconds(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
