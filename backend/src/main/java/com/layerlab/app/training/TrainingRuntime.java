package com.layerlab.app.training;

import com.layerlab.engine.experiment.DataSets;
import com.layerlab.engine.experiment.Experiment;
import com.layerlab.engine.tensor.Backends;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The app's one training runtime: every page (the playground, the comparison, the CNN lab) submits its
 * trainings here and gets a {@link Run}, which belongs to its owner, not to the page. Pages subscribe
 * to a run's frames and unsubscribe when they go; a page that comes back (a reload) finds its run again
 * by id ({@link #find}).
 *
 * <p>Who may compute: 2D runs take the slots of {@code points}, image runs those of {@code images}
 * ({@link TrainingSlots}: so many at once on the server, so many per owner). Runs nobody watches (for
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
     * The bounds on a signed-in user's runs that go on without a page (a shared server).
     *
     * @param maxTraining unwatched runs of one user that train on; a further one is paused, its status saying why
     * @param idle        how long a paused run of a signed-in user may go without a page watching
     *                    it before it is closed (0: as soon as an anonymous one's would be)
     */
    public record SignedInRuns(int maxTraining, Duration idle) {
        public static final SignedInRuns DEFAULTS = new SignedInRuns(2, Duration.ofMinutes(30));

        public SignedInRuns {
            if (maxTraining < 0) {
                throw new IllegalArgumentException("layerlab.runs.max-unwatched-per-user must be 0 or more, got " + maxTraining);
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
    private final TrainingSlots pointSlots;
    private final TrainingSlots imageSlots;
    private final Duration unwatched;
    private final SignedInRuns signedIn;
    private final Duration checkpointInterval;
    private final Map<String, Run<?>> runs = new ConcurrentHashMap<>();
    private final RunTally tally;
    private final ScheduledExecutorService sweeper;

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
        if (unwatched.isNegative() || unwatched.isZero()) {
            throw new IllegalArgumentException("layerlab.runs.unwatched-seconds must be more than 0, got "
                    + unwatched.toSeconds());
        }
        this.backends = Objects.requireNonNull(backends);
        this.logs = logs;
        this.dataDir = dataDir;
        this.points = points;
        this.images = images;
        this.pointSlots = new TrainingSlots(points.maxSessions(), points.maxPerVisitor(), points.what());
        this.imageSlots = new TrainingSlots(images.maxSessions(), images.maxPerVisitor(), images.what());
        this.unwatched = unwatched;
        this.signedIn = Objects.requireNonNull(signedIn);
        this.checkpointInterval = Objects.requireNonNull(checkpointInterval);
        this.tally = new RunTally(backends.providers().stream().map(p -> p.name()).toList());
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
     * saying why), then loads its data, builds its trainers and trains, unless it starts paused.
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
        RunDevice device = RunDevice.resolve(backends, backend);
        Pool pool = image ? images : points;
        String id = newId();
        Run<F> run = new Run<>(id, experiments, options, frames, dataDir, (image ? imageSlots : pointSlots).claim(options.owner()),
                logs == null || device.refused() ? null : logs.open(options.page()), pool, checkpointInterval, device,
                RunDevice.resolve(backends, "cpu"), tally);
        runs.put(id, run);
        forgetOldRuns();
        run.start();
        return run;
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

    /** Runs computing now (holding a slot). */
    public int computingCount() {
        return pointSlots.computing() + imageSlots.computing();
    }

    /** Runs of one kind computing now. */
    public int computingCount(boolean image) {
        return (image ? imageSlots : pointSlots).computing();
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
     * one is closed once unwatched for {@link SignedInRuns#idle}.
     */
    void sweep() {
        Map<String, List<Run<?>>> trainingUnwatched = new HashMap<>();
        for (Run<?> r : runs.values()) {
            try {
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
            for (Run<?> r : mine.subList(Math.min(mine.size(), signedIn.maxTraining()), mine.size())) {
                r.pause("Paused: at most " + signedIn.maxTraining() + " of your runs train with no page watching them."
                        + " Open this one to train it on, or stop another.");
            }
        }
    }

    /** "30 min", or "400 ms" for a test's short times. */
    private static String text(Duration d) {
        return d.toMinutes() >= 1 ? d.toMinutes() + " min" : d.toSeconds() >= 1 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }

    private void forgetOldRuns() {
        List<Run<?>> ended = new ArrayList<>(runs.values().stream().filter(r -> !r.isAlive() && r.state().ended()).toList());
        if (ended.size() <= ENDED_KEPT) {
            return;
        }
        ended.sort(Comparator.comparingLong(Run::submittedAt));
        for (Run<?> r : ended.subList(0, ended.size() - ENDED_KEPT)) {
            runs.remove(r.id());
        }
    }

    /** The server shuts down: every run still training ends INTERRUPTED (its last checkpoint is on disk). */
    @Override
    public void close() {
        sweeper.shutdownNow();
        for (Run<?> r : runs.values()) {
            r.close(RunState.INTERRUPTED, "the server shut down");
        }
        for (Run<?> r : runs.values()) {
            try {
                r.awaitTermination(Duration.ofSeconds(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
