package com.layerlab.app.classroom;

import com.layerlab.app.lab.ControlLocks;
import com.layerlab.app.lab.DataFolder;
import com.layerlab.app.lab.PlaygroundSettings;
import com.layerlab.app.store.Page;
import com.layerlab.app.training.Run;
import com.layerlab.app.training.RunStatus;
import com.layerlab.app.training.TrainingRuntime;
import com.layerlab.datasets.Datasets2D;
import com.layerlab.datasets.ImageSet;
import com.layerlab.datasets.Points2D;
import com.layerlab.engine.experiment.Experiment;
import com.layerlab.engine.train.EpochStats;
import com.layerlab.engine.train.ImageProbes;
import com.layerlab.engine.train.PointProbes;
import com.layerlab.engine.train.Trainer;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Scores the students' runs on their session's challenge on the server, so that a result is what the
 * student's network really does, not what a page claims. Every {@link #PERIOD_MS} (one thread of its own),
 * for each session that has not ended and has a challenge ({@link Classrooms#currentChallenge}, the
 * leaderboard's), for each seat not removed whose current run on the challenge's lab
 * ({@link StudentRuns#current}: the playground's or the CNN lab's, {@link Push#page}) has completed an
 * epoch since it was last scored, and whose settings keep the challenge's locks ({@link ControlLocks#violated}
 * empty: a run that changed a locked control is not scored at all), the run's network is measured on its
 * own training thread ({@link Run#call}, between two batches) and {@link Classrooms#record} keeps the
 * seat's best.
 *
 * <p>What is measured on the playground: the challenge's metric (the loss, with the experiment's own loss function, or
 * the accuracy of a classification) on a hidden split of {@value #HIDDEN_POINTS} points that no page
 * ever sees: the run's data set generated again by the same generator with the same noise and classes
 * but another data seed, drawn from the push's id and a secret this server draws as it starts (so nobody,
 * reading this code and knowing the push, can make the points; a restart draws new ones from the same
 * distribution). A learner's point set (an uploaded one) cannot be generated again: a run on one is
 * scored on its own test split as of its last epoch's end (the student sees those points, but they do
 * not train on them).
 *
 * <p>On the CNN lab: the accuracy or the loss (the experiment's, cross-entropy) of the run's first network,
 * in evaluation mode and in evaluation batches, on the hidden images {@link HiddenImages} chooses: fresh
 * shapes from another seed, a built-in set's images past the run's {@code limit}, or (the whole set, an
 * uploaded folder) the run's own test split as of its last epoch's end. {@link #hiddenSplitText} says
 * which for the pages.
 *
 * <p>The epoch recorded is the epochs the measured weights have trained, a started epoch counted whole,
 * so "within N epochs" never credits a network trained longer than N epochs.
 */
@Component
public class ChallengeScorer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ChallengeScorer.class);

    /** The hidden split's size. */
    public static final int HIDDEN_POINTS = 500;
    /** How often the runs are looked at. */
    static final long PERIOD_MS = 1_000;
    /** How often the open sessions, their challenges and seats are read again from the database. */
    static final long REFRESH_MS = 5_000;
    /** A run that does not answer the measurement within this (its thread stuck on a device) is tried again later. */
    private static final long CALL_TIMEOUT_S = 30;

    private final Classrooms classrooms;
    private final TrainingRuntime runtime;
    private final long secret;
    private final ScheduledExecutorService thread;
    /** The scorer's thread as an executor that drops work once it is closed (a run's thread completes the calls). */
    private final Executor onThread;
    private volatile boolean closed;

    // the scorer's thread's state
    private List<Target> targets;
    private long readAt;
    /** Per push and seat: the run and the epoch last scored (or found breaking a lock). */
    private final Map<Key, Seen> seen = new HashMap<>();
    /** Per push and seat: a measurement under way. */
    private final Set<Key> measuring = new HashSet<>();
    private final Map<HiddenKey, Points2D> hidden = new HashMap<>();
    /** The CNN lab's hidden images (shared with the pages' {@link #hiddenSplitText}). */
    private final HiddenImages hiddenImages;

    /**
     * A seat to score on its session's challenge, and the challenge's pushed settings: the playground's
     * ({@code pushed}) or the CNN lab's experiment ({@code pushedCnn}), by the push's page.
     */
    private record Target(Push push, PlaygroundSettings pushed, Experiment pushedCnn, Seat seat) {
    }

    private record Key(long pushId, long seatId) {
    }

    private record Seen(Run<?> run, int epoch) {
    }

    private record HiddenKey(long pushId, String dataset, int noise, int classes) {
    }

    /** A measurement: the metric's value and the epochs the weights had trained. */
    record Score(double value, int epoch) {
    }

    @Autowired
    public ChallengeScorer(Classrooms classrooms, TrainingRuntime runtime, DataFolder dataFolder) {
        this(classrooms, runtime, dataFolder.path(), new SecureRandom().nextLong(), PERIOD_MS);
    }

    /**
     * @param dataDir  the data folder the CNN lab's sets load from (null: the committed and generated ones)
     * @param secret   mixed into the hidden split's seed
     * @param periodMs how often it looks at the runs; 0: only when {@link #scoreNow} asks (tests)
     */
    ChallengeScorer(Classrooms classrooms, TrainingRuntime runtime, Path dataDir, long secret, long periodMs) {
        this.classrooms = classrooms;
        this.runtime = runtime;
        this.secret = secret;
        this.hiddenImages = new HiddenImages(dataDir, secret);
        this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "challenge-scorer");
            t.setDaemon(true);
            return t;
        });
        this.onThread = task -> {
            try {
                thread.execute(task);
            } catch (RejectedExecutionException shutDown) {
                // closed: nothing more is recorded
            }
        };
        if (periodMs > 0) {
            thread.scheduleWithFixedDelay(this::roundQuietly, periodMs, periodMs, TimeUnit.MILLISECONDS);
        }
    }

    /** One round now, on the scorer's thread (the measurements it starts complete later); for tests. */
    void scoreNow() throws InterruptedException {
        try {
            thread.submit(this::round).get();
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    /** The open sessions, challenges and seats are read again at the next round (tests; a new push is otherwise seen within {@link #REFRESH_MS}). */
    void refresh() {
        onThread.execute(() -> targets = null);
    }

    @Override
    public void close() {
        closed = true;
        thread.shutdownNow();
    }

    private void roundQuietly() {
        try {
            round();
        } catch (RuntimeException e) {
            // the database away for a moment: the next round tries again
            LOG.warn("Scoring the class challenges failed: {}", e.toString());
        }
    }

    private void round() {
        long now = System.nanoTime();
        if (targets == null || now - readAt >= TimeUnit.MILLISECONDS.toNanos(REFRESH_MS)) {
            targets = readTargets();
            readAt = now;
            Set<Long> pushes = new HashSet<>();
            for (Target t : targets) {
                pushes.add(t.push().id());
            }
            // what is kept of challenges no longer current goes
            seen.keySet().removeIf(k -> !pushes.contains(k.pushId()));
            hidden.keySet().removeIf(k -> !pushes.contains(k.pushId()));
            hiddenImages.retain(pushes);
        }
        for (Target t : targets) {
            StudentRuns.current(runtime, t.seat().ownerKey(), t.push().page()).ifPresent(run -> consider(t, run));
        }
    }

    /**
     * What the push's challenge is scored on, in words for the pages, e.g. "500 images your network never
     * sees" or "your own test images": of the pushed experiment's data (a student who may change the data
     * set is scored on that set's hidden split). Loads (and keeps) a CNN challenge's hidden images.
     */
    public String hiddenSplitText(Push push) {
        if (push.page() == Page.CNN) {
            Optional<Experiment> e = pushedCnn(push);
            Optional<ImageSet> images = e.flatMap(x -> hiddenImages.of(push.id(), x));
            return images.map(i -> String.format(Locale.ROOT, "%,d images your network never sees", i.size()))
                    .orElse("your own test images");
        }
        Optional<PlaygroundSettings> s = StudentRuns.parse(push.viewState());
        return s.isPresent() && s.get().isPointSet() ? "your own test points"
                : HIDDEN_POINTS + " points your network never sees";
    }

    /** The CNN lab's experiment a push opens, if its view state parses. */
    private static Optional<Experiment> pushedCnn(Push push) {
        try {
            return Optional.of(ViewStates.cnn(push.viewState()));
        } catch (ClassRefused e) {
            // Classrooms.push checks the view state: not expected
            return Optional.empty();
        }
    }

    private List<Target> readTargets() {
        List<Target> out = new ArrayList<>();
        for (ClassSession s : classrooms.openSessions()) {
            Optional<Push> challenge = classrooms.currentChallenge(s.id());
            if (challenge.isEmpty() || !challenge.get().isChallenge()) {
                continue;
            }
            Push p = challenge.get();
            Optional<PlaygroundSettings> pushed = p.page() == Page.CNN ? Optional.empty() : StudentRuns.parse(p.viewState());
            Optional<Experiment> pushedCnn = p.page() == Page.CNN ? pushedCnn(p) : Optional.empty();
            if (pushed.isEmpty() && pushedCnn.isEmpty()) {
                // Classrooms.push checks the view state: not expected
                LOG.warn("Challenge {} of session {}: its view state does not parse; not scored", p.id(), s.id());
                continue;
            }
            for (Seat seat : classrooms.seats(s.id())) {
                if (!seat.removed()) {
                    out.add(new Target(p, pushed.orElse(null), pushedCnn.orElse(null), seat));
                }
            }
        }
        return out;
    }

    /** Measures the seat's run if it completed an epoch since it was last looked at and keeps the challenge's locks. */
    private void consider(Target t, Run<?> run) {
        Key key = new Key(t.push().id(), t.seat().id());
        RunStatus status = run.status();
        Seen last = seen.get(key);
        if (measuring.contains(key) || status.epoch() < 1 || !run.isAlive()
                || (last != null && last.run() == run && last.epoch() >= status.epoch())) {
            return;
        }
        seen.put(key, new Seen(run, status.epoch()));
        Challenge.Metric metric = t.push().challenge().goal().metric();
        Function<List<Trainer>, Score> measurement;
        String viewState;
        if (t.pushedCnn() != null) {
            Optional<Experiment> trained = StudentRuns.cnnExperiment(run);
            Optional<String> link = StudentRuns.cnnViewState(run);
            if (trained.isEmpty() || link.isEmpty()
                    || ControlLocks.violated(t.push().challenge().unlocked(), t.pushedCnn(), trained.get()).isPresent()) {
                return;
            }
            // loaded here, on the scorer's thread: the run's thread only measures
            ImageSet images = hiddenImages.of(t.push().id(), trained.get()).orElse(null);
            measurement = trainers -> measureImages(trainers, images, metric);
            viewState = link.get();
        } else {
            Optional<PlaygroundSettings> settings = StudentRuns.settings(run);
            if (settings.isEmpty() || ControlLocks.violated(t.push().challenge().unlocked(), t.pushed(), settings.get()).isPresent()) {
                return;
            }
            PlaygroundSettings s = settings.get();
            Points2D points = s.isPointSet() ? null : hiddenSplit(t.push().id(), s);
            measurement = trainers -> measure(trainers, points, metric);
            viewState = StudentRuns.viewState(s);
        }
        int params = StudentRuns.params(run);
        measuring.add(key);
        run.call(measurement)
                .orTimeout(CALL_TIMEOUT_S, TimeUnit.SECONDS)
                .whenCompleteAsync((score, error) -> {
                    measuring.remove(key);
                    if (error != null) {
                        // the run ended meanwhile, or is stuck (a timeout): its next epoch is looked at again
                        LOG.debug("Measuring run {} for challenge {} failed: {}", run.id(), key.pushId(), error.toString());
                        return;
                    }
                    if (score != null && !closed && !Double.isNaN(score.value())) {
                        record(key, score, params, viewState);
                    }
                }, onThread);
    }

    private void record(Key key, Score score, int params, String viewState) {
        try {
            classrooms.record(key.pushId(), key.seatId(), score.value(), params, score.epoch(), viewState);
        } catch (RuntimeException e) {
            LOG.warn("Recording seat {}'s score on challenge {} failed: {}", key.seatId(), key.pushId(), e.toString());
        }
    }

    /**
     * On the run's training thread: the challenge's metric of its first network on {@code hidden}, or
     * (null: a point set) on its own test split as of its last epoch's end; null before its network is built.
     */
    static Score measure(List<Trainer> trainers, Points2D hidden, Challenge.Metric metric) {
        if (trainers.isEmpty()) {
            return null;
        }
        Trainer t = trainers.get(0);
        if (hidden == null) {
            return ownTest(t, metric);
        }
        PointProbes.Score s = new PointProbes(t).score(hidden);
        return new Score(metric == Challenge.Metric.TEST_LOSS ? s.loss() : s.accuracy(), epochsTrained(t));
    }

    /**
     * On a CNN run's training thread: the metric of its first network on {@code hidden} images (in
     * evaluation mode, batched), or (null: no hidden images) on its own test split as of its last epoch's
     * end; null before its network is built.
     */
    static Score measureImages(List<Trainer> trainers, ImageSet hidden, Challenge.Metric metric) {
        if (trainers.isEmpty()) {
            return null;
        }
        Trainer t = trainers.get(0);
        if (hidden == null) {
            return ownTest(t, metric);
        }
        ImageProbes.Score s = new ImageProbes(t).score(hidden);
        return new Score(metric == Challenge.Metric.TEST_LOSS ? s.loss() : s.accuracy(), epochsTrained(t));
    }

    /** The metric on the run's own test split as of its last epoch's end, and that epoch. */
    private static Score ownTest(Trainer t, Challenge.Metric metric) {
        EpochStats st = t.stats();
        double v = metric == Challenge.Metric.TEST_LOSS ? st.testLoss()
                : st.testAccuracy() == null ? Double.NaN : st.testAccuracy();
        return new Score(v, st.epoch());
    }

    /** The epochs the weights as they are have trained, a started one counted whole. */
    private static int epochsTrained(Trainer t) {
        return t.epoch() + (t.batchInEpoch() > 0 ? 1 : 0);
    }

    /** The CNN lab's hidden images (tests). */
    HiddenImages hiddenImages() {
        return hiddenImages;
    }

    /** The hidden split of the push for a run of settings {@code s} (a generated data set): made once per push and data set. */
    private Points2D hiddenSplit(long pushId, PlaygroundSettings s) {
        return hidden.computeIfAbsent(new HiddenKey(pushId, s.dataset(), s.noise(), s.classes()),
                k -> hiddenSplit(s, hiddenSeed(pushId, secret, s.dataSeed())));
    }

    /** {@value #HIDDEN_POINTS} points of {@code s}'s data set, noise and classes, generated from {@code seed}. */
    static Points2D hiddenSplit(PlaygroundSettings s, long seed) {
        return Datasets2D.generate(s.dataset(), HIDDEN_POINTS, s.noise(), s.isRegression() ? 0 : s.classes(), seed);
    }

    /** The hidden split's data seed: from the push and the server's secret, never the run's own data seed. */
    static long hiddenSeed(long pushId, long secret, long runDataSeed) {
        long seed = new SplittableRandom(secret ^ (pushId * 0x9E3779B97F4A7C15L)).nextLong();
        return seed == runDataSeed ? seed + 1 : seed;
    }
}
