package com.layerlab.app.classroom;

import com.layerlab.app.store.Page;
import com.layerlab.app.training.PointFrames;
import com.layerlab.app.training.Run;
import com.layerlab.app.training.RunStatus;
import com.layerlab.app.training.TrainingRuntime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * The teacher's live view of a session, kept apart from the pages: one card per seat with the student's
 * current run on the lab of the session's current push (the playground without a push; their latest run
 * there), its latest frame and their challenge result. While a board is watched, it holds one
 * subscription per student playground run that only keeps the latest frame, and hands the cards to its
 * watchers at most every {@link #INTERVAL_MS} on one sampling thread, so thirty students training cost
 * the teacher's page one update per interval, however fast they train. A CNN lab run is not subscribed
 * to: its card draws the run's curve from its history and status, read as the board samples, and the
 * CNN lab's frames (feature maps, predictions) are costly for the student's run to make.
 *
 * <p>A board's subscription holds the frame its run sent until the sampler takes it: the run makes no
 * newer frame for the board meanwhile (a run makes a subscriber's next frame only once its previous one
 * has arrived), so a student's run computes at most one frame per interval for the teacher, whatever its
 * own page's frame rate. The sampler's thread ends when no board is watched (and the bean's close stops it).
 */
@Component
public class ClassBoard implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ClassBoard.class);

    public static final long INTERVAL_MS = 500;
    /** A watched board reads its seats and results again at least this often, even when no event said they changed. */
    static final long REFRESH_MS = 10_000;

    /**
     * One student as the board shows them.
     *
     * @param run       their current run on the current push's lab ({@link #page}), or null (none yet)
     * @param status    its status, or null
     * @param frame     a playground run's latest frame (the decision boundary: {@code frame.items().get(0).snapshot()}),
     *                  or null (a CNN run's card draws its curve from {@code run.history()}); it always carries the
     *                  run's points (a run sends them once: the board keeps them)
     * @param viewState the run's settings as its lab's link's query string, or null
     * @param params    the run's network's parameters (0 without a run)
     * @param result    their result on the current challenge, or null
     * @param page      the lab the card's run is on (the current push's; the playground without a push)
     */
    public record Card(Seat seat, Run<?> run, RunStatus status, PointFrames.Frame frame, String viewState, int params,
                       Result result, Page page) {
    }

    private final Classrooms classrooms;
    private final ClassEvents events;
    private final TrainingRuntime runtime;
    private final long intervalMs;
    private final ScheduledThreadPoolExecutor sampler;
    private final Map<Long, Board> boards = new ConcurrentHashMap<>();
    /** Guards the boards' watchers and {@link #ticking}: a board's last watcher leaving and a new one coming. */
    private final Object lock = new Object();
    private ScheduledFuture<?> ticking;

    @Autowired
    public ClassBoard(Classrooms classrooms, ClassEvents events, TrainingRuntime runtime) {
        this(classrooms, events, runtime, INTERVAL_MS);
    }

    ClassBoard(Classrooms classrooms, ClassEvents events, TrainingRuntime runtime, long intervalMs) {
        this.classrooms = classrooms;
        this.events = events;
        this.runtime = runtime;
        this.intervalMs = intervalMs;
        this.sampler = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "class-board");
            t.setDaemon(true);
            return t;
        });
        // no board watched, no thread: a server without a class pays nothing
        sampler.setKeepAliveTime(1, TimeUnit.SECONDS);
        sampler.allowCoreThreadTimeOut(true);
        sampler.setRemoveOnCancelPolicy(true);
    }

    /** The session's cards now, in joining order (removed students left out); without frames where nobody watches it. */
    public List<Card> cards(long sessionId) {
        Board b = boards.get(sessionId);
        if (b != null) {
            synchronized (b) {
                if (!b.closed && b.last != null) {
                    return b.last;
                }
            }
        }
        Board once = new Board(sessionId);
        read(once);
        List<Card> out = new ArrayList<>();
        for (Seat seat : once.seats) {
            if (!seat.removed()) {
                Run<?> run = runOf(seat, once.lab).orElse(null);
                out.add(run == null ? new Card(seat, null, null, null, null, 0, once.results.get(seat.id()), once.lab)
                        : card(seat, run, null, new View(run), once.results.get(seat.id()), once.lab));
            }
        }
        return List.copyOf(out);
    }

    /**
     * {@code onCards} gets the session's cards at once and then at most every {@link #INTERVAL_MS} while
     * any changed, on the board's thread (a page hands them on with {@code UI.access}), until closed.
     */
    public ClassEvents.Registration watch(long sessionId, Consumer<List<Card>> onCards) {
        Watcher w = new Watcher(onCards);
        Board b;
        synchronized (lock) {
            b = boards.computeIfAbsent(sessionId, this::open);
            b.watchers.add(w);
            if (ticking == null) {
                ticking = sampler.scheduleWithFixedDelay(this::tick, intervalMs, intervalMs, TimeUnit.MILLISECONDS);
            }
        }
        Board board = b;
        // the first cards at once, on the board's thread as every later one
        sampler.execute(() -> sampleQuietly(board));
        AtomicBoolean closed = new AtomicBoolean();
        return () -> {
            if (closed.compareAndSet(false, true)) {
                unwatch(board, w);
            }
        };
    }

    /**
     * The seat's current run on the lab of its session's current push (the playground without a push): its
     * owner's latest there, if any. Reads the current push from the database: the board's own sampling
     * uses what it read last.
     */
    public Optional<Run<?>> runOf(Seat seat) {
        return runOf(seat, labOf(seat.sessionId()));
    }

    /** The seat's current run on {@code lab} (its owner's latest there), if any. */
    public Optional<Run<?>> runOf(Seat seat, Page lab) {
        return StudentRuns.current(runtime, seat.ownerKey(), lab);
    }

    /** The lab the session's students are on: its current push's, the playground without a push. */
    public Page labOf(long sessionId) {
        return classrooms.currentPush(sessionId).map(Push::page).orElse(Page.PLAYGROUND);
    }

    /** Student runs the session's board follows now (a subscription each), for tests: none once nobody watches. */
    int following(long sessionId) {
        Board b = boards.get(sessionId);
        if (b == null) {
            return 0;
        }
        synchronized (b) {
            return b.follows.size();
        }
    }

    /** The sampler's threads now, for tests: none once no board is watched (after its keep-alive). */
    int samplerThreads() {
        return sampler.getPoolSize();
    }

    @Override
    public void close() {
        sampler.shutdownNow();
        synchronized (lock) {
            for (Board b : boards.values()) {
                release(b);
            }
            boards.clear();
            ticking = null;
        }
    }

    // ---------------------------------------------------------------- boards

    /** A watched session: its watchers, and on the sampler's thread its seats, results and followed runs. */
    private static final class Board {
        final long sessionId;
        final List<Watcher> watchers = new CopyOnWriteArrayList<>();
        /** Something happened in the session (a join, a removal, a push, a score): read seats and results again. */
        volatile boolean stale = true;
        ClassEvents.Registration listening;
        /** Nobody watches it any more (set under the board's monitor; read by the runs' threads too). */
        volatile boolean closed;
        // guarded by the board's monitor
        List<Seat> seats = List.of();
        Map<Long, Result> results = Map.of();
        /** The current push's lab: the runs the cards show. */
        Page lab = Page.PLAYGROUND;
        long readAt;
        final Map<Long, Follow> follows = new HashMap<>();
        List<Card> last;

        Board(long sessionId) {
            this.sessionId = sessionId;
        }
    }

    private static final class Watcher {
        final Consumer<List<Card>> onCards;
        /** Not handed the cards yet: it gets them at the next sample even when nothing changed. */
        volatile boolean fresh = true;

        Watcher(Consumer<List<Card>> onCards) {
            this.onCards = onCards;
        }
    }

    /** A student run the board follows: its subscription and the frame it sent last. */
    private static final class Follow {
        final Run<?> run;
        /** The frame's delivery the run handed over and the sampler has not run yet: at most one. */
        final AtomicReference<Runnable> pending = new AtomicReference<>();
        AutoCloseable subscription;
        PointFrames.Frame frame;
        List<PointFrames.Points> points;
        View view;

        Follow(Run<?> run) {
            this.run = run;
            this.view = new View(run);
        }

        /** Runs the delivery the run handed over, if any: the frame lands in {@link #frame}, and the run may make the next. */
        void takeFrame() {
            Runnable task = pending.getAndSet(null);
            if (task != null) {
                task.run();
            }
        }

        void close() {
            try {
                if (subscription != null) {
                    subscription.close();
                }
            } catch (Exception e) {
                LOG.debug("closing a board's subscription failed", e);
            }
        }
    }

    /**
     * The run's settings as a link and its parameters, worked out again only when its learning rate or
     * last epoch change (a page may change them while it trains).
     */
    private static final class View {
        final double learningRate;
        final int epochs;
        final String viewState;
        final int params;

        View(Run<?> run) {
            RunStatus s = run.status();
            learningRate = s.learningRate();
            epochs = s.epochs();
            viewState = StudentRuns.viewState(run).orElse(null);
            params = StudentRuns.params(run);
        }

        boolean current(RunStatus s) {
            return Double.compare(learningRate, s.learningRate()) == 0 && epochs == s.epochs();
        }
    }

    private Board open(long sessionId) {
        Board b = new Board(sessionId);
        // events come on the thread of whoever changed the session: noted, read on the sampler's
        b.listening = events.listen(sessionId, event -> {
            b.stale = true;
            if (!(event instanceof ClassEvent.Scored)) {
                // a join, a leave, a removal, a push: the teacher sees it at once, not at the next tick (a
                // score, which comes every epoch of every student, waits for the tick: one update per interval)
                try {
                    sampler.execute(() -> sampleQuietly(b));
                } catch (java.util.concurrent.RejectedExecutionException closed) {
                    // the board is closing: nothing more to show
                }
            }
        });
        return b;
    }

    private void unwatch(Board b, Watcher w) {
        synchronized (lock) {
            b.watchers.remove(w);
            if (!b.watchers.isEmpty()) {
                return;
            }
            boards.remove(b.sessionId, b);
            if (boards.isEmpty() && ticking != null) {
                ticking.cancel(false);
                ticking = null;
            }
        }
        release(b);
    }

    /** Nobody watches the board any more: every subscription and the event listening end, now. */
    private static void release(Board b) {
        synchronized (b) {
            b.closed = true;
            for (Follow f : b.follows.values()) {
                f.close();
            }
            b.follows.clear();
            b.last = null;
        }
        if (b.listening != null) {
            b.listening.close();
        }
    }

    private void tick() {
        for (Board b : boards.values()) {
            sampleQuietly(b);
        }
    }

    private void sampleQuietly(Board b) {
        try {
            sample(b);
        } catch (RuntimeException e) {
            // the database away for a moment: the next tick tries again
            LOG.warn("The class board of session {} could not be sampled: {}", b.sessionId, e.toString());
        }
    }

    /** Takes every followed run's latest frame and hands the cards to the watchers where they changed (or are new). */
    private void sample(Board b) {
        List<Card> cards;
        List<Watcher> to = new ArrayList<>();
        synchronized (b) {
            if (b.closed) {
                return;
            }
            long now = System.nanoTime();
            if (b.stale || now - b.readAt > TimeUnit.MILLISECONDS.toNanos(REFRESH_MS)) {
                b.stale = false;
                read(b);
                b.readAt = now;
            }
            Set<Long> seated = new HashSet<>();
            List<Card> out = new ArrayList<>();
            for (Seat seat : b.seats) {
                if (seat.removed()) {
                    continue;
                }
                seated.add(seat.id());
                Run<?> run = runOf(seat, b.lab).orElse(null);
                Follow f = b.follows.get(seat.id());
                if (f != null && f.run != run) {
                    // the student started another run: the board follows that one
                    f.close();
                    b.follows.remove(seat.id());
                    f = null;
                }
                if (f == null && run != null) {
                    f = follow(b, run);
                    b.follows.put(seat.id(), f);
                }
                Result result = b.results.get(seat.id());
                if (f == null) {
                    out.add(new Card(seat, null, null, null, null, 0, result, b.lab));
                    continue;
                }
                f.takeFrame();
                if (!f.view.current(run.status())) {
                    f.view = new View(run);
                }
                out.add(card(seat, run, f.frame, f.view, result, b.lab));
            }
            // removed students' and those gone from the list: no more subscription
            b.follows.entrySet().removeIf(e -> {
                if (seated.contains(e.getKey())) {
                    return false;
                }
                e.getValue().close();
                return true;
            });
            cards = List.copyOf(out);
            boolean changed = !cards.equals(b.last);
            b.last = cards;
            for (Watcher w : b.watchers) {
                if (changed || w.fresh) {
                    to.add(w);
                }
            }
        }
        // outside the board's lock: a watcher's page may close its watch meanwhile
        for (Watcher w : to) {
            w.fresh = false;
            try {
                w.onCards.accept(cards);
            } catch (RuntimeException e) {
                LOG.warn("A watcher of class board {} failed: {}", b.sessionId, e.toString());
            }
        }
    }

    private static Card card(Seat seat, Run<?> run, PointFrames.Frame frame, View view, Result result, Page lab) {
        return new Card(seat, run, run.status(), frame, view.viewState, view.params, result, lab);
    }

    /**
     * Subscribes to {@code run}'s frames, keeping only the latest; a run that does not make the playground's
     * frames (a CNN lab run) gets no subscription: its card is its status and history.
     */
    @SuppressWarnings("unchecked")
    private static Follow follow(Board b, Run<?> run) {
        Follow f = new Follow(run);
        if (run.frames() instanceof PointFrames) {
            Run<PointFrames.Frame> points = (Run<PointFrames.Frame>) run;
            f.subscription = points.observe(frame -> {
                if (frame.points() != null) {
                    f.points = frame.points();
                }
                f.frame = frame.points() != null || f.points == null ? frame
                        : new PointFrames.Frame(frame.status(), frame.items(), f.points);
            }, task -> {
                // on the run's thread: kept for the sampler; a board nobody watches any more lets the run go
                if (b.closed) {
                    return false;
                }
                f.pending.set(task);
                return true;
            });
        }
        return f;
    }

    /** The session's seats, its current push's lab and its challenge's results (the leaderboard's challenge), as the database has them now. */
    private void read(Board b) {
        b.seats = classrooms.seats(b.sessionId);
        b.lab = labOf(b.sessionId);
        b.results = classrooms.currentChallenge(b.sessionId).map(p -> classrooms.results(p.id())).orElse(Map.of());
    }
}
