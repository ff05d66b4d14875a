package com.layerlab.app.cluster;

import com.layerlab.app.store.EndedRuns;
import com.layerlab.app.training.Run;
import com.layerlab.app.training.RunCheckpoints;
import com.layerlab.app.training.RunJournal;
import com.layerlab.app.training.RunState;
import com.layerlab.app.training.RunStatus;
import com.layerlab.app.training.TrainingRuntime;
import com.layerlab.engine.train.Checkpoint;
import com.layerlab.engine.train.EpochStats;
import java.nio.file.Files;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jobrunr.jobs.lambdas.JobRequestHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * A worker's side of a background run: JobRunr gives this node job {@link TrainRun}, and the run trains
 * here, in this node's runtime, from its last checkpoint in its folder (on storage every node reads), while
 * the job's thread tells the other nodes where it is, through the database, about twice a second: its
 * progress, the points within its epochs (its training loss batch by batch: {@link RunPoints}) and each epoch's
 * metrics as it ends, and wakes the pages watching the run on every node ({@link RunSignals}). It obeys a stop,
 * a pause and a play left in the database by a page or the API.
 *
 * <p>A job JobRunr gives again (its worker died: JobRunr found the job orphaned and retried it here) takes
 * the run over from that checkpoint; the metrics of the epochs trained past it are deleted first, so that
 * no epoch is counted twice, and the run's notice says what happened. A run this node does not train (a
 * backend it lacks; an {@code auto} run offered to a GPU worker first) it leaves for the next hand-off
 * ({@link WorkerRouting}).
 */
@Component
@Conditional(NodeSettings.Clustered.class)
public class TrainRunHandler implements JobRequestHandler<TrainRun> {

    private static final Logger LOG = LoggerFactory.getLogger(TrainRunHandler.class);
    /** How often the job writes where the run is and reads what is asked of it. */
    static final long TICK_MS = 500;

    private final ClusterStore cluster;
    private final TrainingRuntime runtime;
    private final EndedRuns ended;
    private final NodeSettings node;
    private final WorkerRouting routing;
    private final RunPoints points;
    private final RunSignals signals;
    /** Set as the app shuts down (before JobRunr's server stops and interrupts the jobs). */
    private volatile boolean closing;

    public TrainRunHandler(ClusterStore cluster, TrainingRuntime runtime, EndedRuns ended, NodeSettings node,
                           RunPoints points, RunSignals signals) {
        this.cluster = cluster;
        this.runtime = runtime;
        this.ended = ended;
        this.node = node;
        this.routing = WorkerRouting.of(node, runtime, cluster);
        this.points = points;
        this.signals = signals;
    }

    @EventListener(ContextClosedEvent.class)
    public void closing() {
        closing = true;
    }

    @Override
    public void run(TrainRun job) throws Exception {
        ClusterStore.Shared row = cluster.find(job.runId()).orElse(null);
        if (row == null) {
            LOG.info("Job of run {} (hand-off {}): the run is gone (discarded); nothing to train", job.runId(), job.segment());
            return;
        }
        WorkerRouting.Decision decision = routing.decide(job.runId(), row.entry().backend(), Instant.now());
        if (decision.kind() == WorkerRouting.Decision.Kind.FAIL) {
            if (cluster.givenUp(job.runId(), job.segment(), decision.why())) {
                LOG.warn("Run {} failed on node {}: {}", job.runId(), node.name(), decision.why());
            }
            return;
        }
        if (decision.kind() == WorkerRouting.Decision.Kind.LEAVE) {
            if (cluster.leave(job.runId(), job.segment(), decision.why())) {
                LOG.debug("Run {} left by node {} for another worker: {}", job.runId(), node.name(), decision.why());
                return;
            }
            // a run a worker trains or trained (RUNNING: a dead worker's) stays where it is: JobRunr tries again later
            throw new IllegalStateException("node " + node.name() + " does not train run " + job.runId() + " on "
                    + row.entry().backend() + ": " + decision.why());
        }
        Optional<ClusterStore.Shared> taken = cluster.take(job.runId(), job.segment(), node.name());
        if (taken.isEmpty()) {
            if (cluster.releaseEnded(job.runId(), job.segment())) {
                LOG.info("Run {} had ended on node {}, which stopped before it let the run go; let go now", job.runId(),
                        row.node());
                signals.signal(job.runId());
                return;
            }
            LOG.info("Job of run {} (hand-off {}) is stale: the run was stopped, ended or handed again; nothing to train",
                    job.runId(), job.segment());
            return;
        }
        ClusterStore.Shared before = taken.get();
        // a run of this id still training here (not one resting stopped or finished: a resume trains that anew)
        Run<?> run = runtime.find(job.runId(), before.entry().owner()).filter(r -> r.isAlive() && !r.state().ended())
                .orElse(null);
        if (run != null) {
            // its job came back to the node that still trains it: JobRunr stopped this node's job server while
            // the database was down, and gave the job again once it was back
            LOG.info("Run {}: its job is back on node {}, which trained it on meanwhile (hand-off {})", run.id(),
                    node.name(), job.segment());
        } else {
            run = adopt(before, job);
        }
        RunState state;
        try {
            state = follow(run);
        } catch (InterruptedException stopping) {
            if (closing) {
                // this node shuts down: JobRunr gives the job to another worker, which must find the run
                // interrupted at its checkpoint, not training here
                runtime.interrupt(run, "Worker " + node.name() + " shut down: another worker goes on from the last "
                        + "checkpoint.");
            }
            // else JobRunr stopped its job server (the database failed it): the run trains on here, and the job,
            // given again once the database is back, finds it
            throw stopping;
        }
        if (state == RunState.INTERRUPTED) {
            // this node shuts down: JobRunr gives the job to another worker, which goes on from the checkpoint
            throw new IllegalStateException("run " + run.id() + " was interrupted on node " + node.name()
                    + " (it shuts down); another worker goes on from its last checkpoint");
        }
        Run<?> done = run;
        ended.keep(run, state, () -> finishedLater(done), () -> Optional.ofNullable(done.checkpointDir(0))
                .filter(Files::isDirectory).map(RunCheckpoints::read));
        cluster.released(run.id());
        signals.signal(run.id());
    }

    /** Adopts the run in this node's runtime from its last checkpoint; a takeover says so in the run's notice. */
    private Run<?> adopt(ClusterStore.Shared before, TrainRun job) {
        // status frames, and the training loss batch by batch on the side for the pages of other nodes
        Run<?> run = runtime.adopt(before.entry(), new BatchLosses());
        List<Checkpoint> resumed = run.options().resumeFrom();
        int from = resumed.isEmpty() ? -1 : resumed.get(0).epoch();
        // the epochs trained past the checkpoint (by a worker that died) are trained again: their rows go first
        cluster.dropEpochsAfter(run.id(), from);
        points.dropAfter(run.id(), from);
        if (before.node() == null) {
            // handed anew (a resume): what happened to an earlier hand-off is no news now
            cluster.notice(run.id(), null);
        } else {
            // a worker that shut down marked its run interrupted; one that died (killed, power lost) could not
            String why = before.state() == RunState.INTERRUPTED ? " shut down." : " stopped answering.";
            String notice = "Worker " + node.name() + " took this run over "
                    + (from < 0 ? "from the start (it had no checkpoint yet)" : "from its checkpoint of epoch " + from)
                    + ": worker " + before.node() + why;
            cluster.notice(run.id(), notice);
            LOG.info("Run {} taken over by node {} from {}: node {}{} owner={} backend={}", run.id(), node.name(),
                    from < 0 ? "the start" : "its checkpoint of epoch " + from, before.node(), why, run.owner(),
                    run.device().backend());
        }
        LOG.info("Run {} trains on node {} (background, hand-off {}): owner={} device={}", run.id(), node.name(),
                job.segment(), run.owner(), run.device().text());
        return run;
    }

    /**
     * Watches the run until it ends: every tick its progress, new points and new epochs go to the database
     * (the pages watching it woken when anything changed), and a stop, pause or play asked there is passed on.
     * Returns the state it ended in.
     */
    private RunState follow(Run<?> run) throws InterruptedException {
        // subscribed as a page is: a run some page (here: this job) watches is never paused or closed as unwatched
        try (Run<?>.Subscription watching = run.subscribe(frame -> { }, task -> {
            task.run();
            return true;
        })) {
            CompletableFuture<RunState> ending = run.ending().toCompletableFuture();
            Published written = new Published(run.experiments().size(),
                    run.frames() instanceof BatchLosses losses ? losses : null);
            // since when the run is paused here: a paused run holds one of this worker's JobRunr workers
            Instant pausedSince = null;
            while (true) {
                RunState state;
                try {
                    state = ending.get(TICK_MS, TimeUnit.MILLISECONDS);
                } catch (TimeoutException notYet) {
                    state = null;
                } catch (ExecutionException e) {
                    throw new IllegalStateException("run " + run.id() + " ended with an error", e.getCause());
                }
                try {
                    publish(run, written);
                    if (state != null) {
                        return state;
                    }
                    obey(run, cluster.wanted(run.id()));
                    pausedSince = run.isPaused() ? (pausedSince == null ? Instant.now() : pausedSince) : null;
                    if (pausedSince != null && !pausedSince.plus(runtime.signedIn().idle()).isAfter(Instant.now())) {
                        stopIdle(run);
                        pausedSince = null;
                    }
                } catch (RunJournal.Unreachable down) {
                    // the database is down: the run trains on (its own journal writes hold it if that lasts)
                    LOG.debug("Run {}: progress not written, the database does not answer: {}", run.id(), down.getMessage());
                    if (state != null) {
                        return state;
                    }
                }
            }
        }
    }

    /**
     * A run paused for {@code layerlab.runs.idle-minutes} stops, as a single server closes a signed-in user's
     * paused run no page watched for that long: its worker slot goes back to the other runs, its last
     * checkpoint stays, and Resume (My runs, its page, the API) goes on from it, on whichever worker takes it.
     */
    private void stopIdle(Run<?> run) {
        String idle = TrainingRuntime.text(runtime.signedIn().idle());
        cluster.notice(run.id(), "Stopped after " + idle + " paused on worker " + node.name() + " (layerlab.runs.idle-minutes), "
                + "so that its worker trains other runs; its last checkpoint is kept: Resume goes on from it.");
        LOG.info("Run {} stopped after {} paused on node {}: owner={}", run.id(), idle, node.name(), run.owner());
        run.stop();
    }

    /**
     * Passes on what a page or the API asked ({@link ClusterStore#STOP}, {@link ClusterStore#PAUSE},
     * {@link ClusterStore#PLAY}; null: nothing). A stop stays asked until the run's job is over; a pause or play,
     * done at once (the run holds or goes on after the batch under way), is cleared.
     */
    private void obey(Run<?> run, String wanted) {
        if (ClusterStore.STOP.equals(wanted)) {
            run.stop();
        } else if (ClusterStore.PAUSE.equals(wanted) || ClusterStore.PLAY.equals(wanted)) {
            if (ClusterStore.PAUSE.equals(wanted)) {
                run.pause();
            } else {
                run.play();
            }
            points.obeyed(run.id(), wanted);
            LOG.info("Run {} {} on node {}, as asked", run.id(), wanted.equals(ClusterStore.PAUSE) ? "pauses" : "plays",
                    node.name());
        }
    }

    /** What {@link #publish} wrote so far of one run. */
    private static final class Published {

        /** Per network, the epochs written. */
        final int[] epochs;
        /** The run's points within epochs, or null (a run adopted before this node made them). */
        final BatchLosses losses;
        /** Where the run was at the last write (state, epoch, batch), to wake the pages only when it moved. */
        String where;
        /**
         * Whether the last write changed anything: the pages are woken once more after a change, since the run
         * writes its state to the database itself, on its own thread, and may do so just after this tick read it.
         */
        boolean changedLast;

        Published(int networks, BatchLosses losses) {
            this.epochs = new int[networks];
            this.losses = losses;
        }
    }

    /**
     * Writes where the run is, the points and the epochs that ended since the last call ({@code written}), and
     * wakes the pages watching it when anything changed.
     */
    private void publish(Run<?> run, Published written) {
        RunStatus s = run.status();
        cluster.progress(run.id(), s.epoch(), s.batch(), s.batches(), s.samplesPerSecond());
        String where = s.state() + " " + s.epoch() + " " + s.batch() + " " + s.message();
        boolean changed = !where.equals(written.where);
        written.where = where;
        if (written.losses != null) {
            // taken, then written: points of a tick whose write fails (the database down) are a gap in the curve
            List<RunPoints.Point> batches = written.losses.take();
            points.write(run.id(), batches);
            changed |= !batches.isEmpty();
        }
        List<List<EpochStats>> history = run.history();
        for (int i = 0; i < history.size() && i < written.epochs.length; i++) {
            List<EpochStats> mine = history.get(i);
            if (mine.size() > written.epochs[i]) {
                cluster.epochs(run.id(), i, mine.subList(written.epochs[i], mine.size()));
                written.epochs[i] = mine.size();
                changed = true;
            }
        }
        if (changed || written.changedLast) {
            signals.signal(run.id());
        }
        written.changedLast = changed;
    }

    /** Whether a run of the same experiment and owner, submitted after {@code run}, has finished. */
    private boolean finishedLater(Run<?> run) {
        ClusterStore.Shared self = cluster.find(run.id()).orElse(null);
        return self != null && cluster.ofExperiment(run.options().experimentId(), run.owner()).stream()
                .anyMatch(o -> o.entry().started().isAfter(self.entry().started()) && o.state() == RunState.FINISHED);
    }
}
