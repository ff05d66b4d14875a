package com.layerlab.app.cluster;

import com.layerlab.app.training.RunState;
import com.layerlab.engine.train.EpochStats;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.annotation.Conditional;
import org.springframework.stereotype.Component;

/**
 * A page that watches one background run live, whichever node trains it (docs/cluster.md): what is new since
 * the page's last look (the run's row, the points within its epochs, its ended epochs), read from the database
 * when {@link RunSignals} wakes the page, and the page's controls (stop, pause, play, resume), left in the
 * database for the node training it. Only the run's owner sees it: another owner's run is no run.
 */
@Component
@Conditional(NodeSettings.Clustered.class)
public class RunWatch implements DisposableBean {

    /**
     * What one page has read of one run so far; {@link #look} moves it on. Not shared between pages.
     */
    public static final class Cursor {

        private final String id;
        private final String owner;
        private long seq;
        private int[] epochs = new int[0];
        /** The run's state at the last read of its epochs. */
        private RunState state;

        public Cursor(String id, String owner) {
            this.id = id;
            this.owner = owner;
        }

        public String id() {
            return id;
        }
    }

    /**
     * What is new of a run since the page's last look.
     *
     * @param run     its row as the nodes share it (state, node, progress, notice)
     * @param message why it waits, what happened between nodes, why it ended; or null
     * @param epochs  per network, the epochs ended since the last look (epoch 0 first at the first)
     * @param points  the points within epochs written since the last look, oldest first
     */
    public record Look(ClusterStore.Shared run, String message, List<List<EpochStats>> epochs,
                       List<RunPoints.Point> points) {
    }

    /** The threads the pages' wake-ups run on (they read the database); each page is woken once at a time. */
    private static final int READERS = 4;

    private final BackgroundRuns runs;
    private final ClusterStore cluster;
    private final RunPoints points;
    private final RunSignals signals;
    private final ExecutorService readers;

    public RunWatch(BackgroundRuns runs, ClusterStore cluster, RunPoints points, RunSignals signals) {
        this.runs = runs;
        this.cluster = cluster;
        this.points = points;
        this.signals = signals;
        AtomicInteger n = new AtomicInteger();
        ThreadPoolExecutor pool = new ThreadPoolExecutor(READERS, READERS, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                r -> {
                    // not "run-...": the tests count the runs' own threads by that prefix
                    Thread t = new Thread(r, "watch-reader-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        // idle threads end: a server with no page watching holds none
        pool.allowCoreThreadTimeOut(true);
        this.readers = pool;
    }

    /** {@code owner}'s background run {@code id}; empty when there is none or it is another's (the same answer). */
    public Optional<ClusterStore.Shared> find(String id, String owner) {
        return runs.find(id, owner);
    }

    /**
     * What is new of the cursor's run; empty when it is gone (discarded) or not the owner's.
     *
     * @throws com.layerlab.app.training.RunJournal.Unreachable when the database does not answer
     */
    public Optional<Look> look(Cursor c) {
        Optional<ClusterStore.Shared> found = runs.find(c.id, c.owner);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        ClusterStore.Shared run = found.get();
        List<RunPoints.Point> fresh = points.after(run.id(), c.seq, RunPoints.KEEP);
        if (!fresh.isEmpty()) {
            c.seq = fresh.get(fresh.size() - 1).seq();
        }
        int networks = run.entry().experiments().size();
        if (c.epochs.length != networks) {
            c.epochs = new int[networks];
        }
        List<List<EpochStats>> ended = new ArrayList<>();
        // read again only while rows are missing (epoch 0 and every one its node says ended), or its state moved:
        // the node writes its progress before the epochs' rows, so a row may come a look after its epoch
        boolean read = run.state() != c.state;
        for (int n : c.epochs) {
            read |= n < run.epoch() + 1;
        }
        c.state = run.state();
        for (int i = 0; i < networks; i++) {
            List<EpochStats> all = read ? cluster.epochs(run.id(), i) : List.of();
            List<EpochStats> mine = all.size() > c.epochs[i] ? List.copyOf(all.subList(c.epochs[i], all.size())) : List.of();
            c.epochs[i] = Math.max(c.epochs[i], all.size());
            ended.add(mine);
        }
        return Optional.of(new Look(run, runs.message(run), ended, fresh));
    }

    /**
     * Wakes {@code wake} when the run may have changed ({@link RunSignals#subscribe}); close it with the page.
     * The wake-up runs on one of a few threads of this class, not on the signals' own: a page reads the
     * database as it wakes ({@code UI.access} runs at once where it can), and a slow read must not hold up
     * the wake-ups of every other page.
     */
    public AutoCloseable subscribe(Cursor c, Runnable wake) {
        return signals.subscribe(c.id, () -> {
            try {
                readers.execute(wake);
            } catch (RejectedExecutionException closing) {
                // the server shuts down: no page is woken any more
            }
        });
    }

    @Override
    public void destroy() {
        readers.shutdownNow();
    }

    /**
     * Stops the owner's run: at once where no worker has it yet, else after the batch under way on its worker.
     *
     * @throws IllegalStateException it is not the owner's, or it has ended already; saying so
     */
    public void stop(String id, String owner) {
        runs.stop(mine(id, owner));
        signals.signal(id);
    }

    /**
     * Pauses the owner's run on its worker, after the batch under way (within a second: the worker reads it at
     * its next tick); it keeps its place and what it learned.
     *
     * @throws IllegalStateException it does not train on a worker now; saying why
     */
    public void pause(String id, String owner) {
        ClusterStore.Shared run = mine(id, owner);
        if (run.state() != RunState.RUNNING || run.node() == null) {
            throw new IllegalStateException("Run " + id + " is " + words(run)
                    + ": only a run training on a worker can be paused.");
        }
        ask(run, ClusterStore.PAUSE);
    }

    /**
     * Has the owner's paused run train on, on the worker that holds it.
     *
     * @throws IllegalStateException it is not paused; saying so
     */
    public void play(String id, String owner) {
        ClusterStore.Shared run = mine(id, owner);
        if (run.state() != RunState.PAUSED) {
            throw new IllegalStateException("Run " + id + " is " + words(run) + ": only a paused run can go on.");
        }
        ask(run, ClusterStore.PLAY);
    }

    /**
     * Queues the owner's stopped or interrupted run again, to go on from its last checkpoint on a worker
     * ({@link BackgroundRuns#resume}).
     */
    public void resume(String id, String owner, boolean signedIn) {
        runs.resume(mine(id, owner), signedIn);
        signals.signal(id);
    }

    private void ask(ClusterStore.Shared run, String what) {
        if (!cluster.want(run.id(), what)) {
            throw new IllegalStateException("Run " + run.id() + " has ended meanwhile: there is nothing to " + what + ".");
        }
        signals.signal(run.id());
    }

    private ClusterStore.Shared mine(String id, String owner) {
        return runs.find(id, owner).orElseThrow(() -> new IllegalStateException(noSuchRun(id)));
    }

    /** What a page says of a run that is not there, or not the visitor's: the same words for both. */
    public static String noSuchRun(String id) {
        return "No such run: there is no run " + id + " of yours on the workers. My runs lists the runs you started.";
    }

    private static String words(ClusterStore.Shared run) {
        return run.state().name().toLowerCase(Locale.ROOT);
    }
}
