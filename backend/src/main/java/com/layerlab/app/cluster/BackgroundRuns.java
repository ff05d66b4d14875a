package com.layerlab.app.cluster;

import com.layerlab.app.training.OverLimit;
import com.layerlab.app.training.RunJournal;
import com.layerlab.app.training.RunOptions;
import com.layerlab.app.training.RunState;
import com.layerlab.app.training.TrainingRuntime;
import com.layerlab.engine.experiment.Experiment;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Conditional;
import org.springframework.stereotype.Component;

/**
 * A user's background runs on a cluster (docs/cluster.md), whichever node trains them: submitted, stopped
 * and resumed through the database, for the REST API and for "My runs" on any web node. The rules are the
 * runtime's limits ({@link TrainingRuntime#checkElsewhere}), counted over the whole cluster.
 */
@Component
@Conditional(NodeSettings.Clustered.class)
public class BackgroundRuns {

    private static final Logger LOG = LoggerFactory.getLogger(BackgroundRuns.class);
    /** A node that said nothing for this long is not counted among the workers a run could go to. */
    static final Duration ALIVE = Duration.ofSeconds(30);

    /** No live worker has the backend a run names: it would wait for ever, so it is refused (the message says which workers have what). */
    public static final class NoWorker extends IllegalStateException {
        NoWorker(String message) {
            super(message);
        }
    }

    private final ClusterStore cluster;
    private final TrainingRuntime runtime;

    public BackgroundRuns(ClusterStore cluster, TrainingRuntime runtime) {
        this.cluster = cluster;
        this.runtime = runtime;
    }

    /**
     * Queues a background run of {@code experiment} for the workers.
     *
     * @param page         what submitted it ("api")
     * @param experimentId the saved experiment it trains, or null
     * @return the run as queued
     * @throws OverLimit over a limit of the server, counted over every node
     * @throws NoWorker  it names a backend no live worker has
     */
    public ClusterStore.Shared submit(Experiment experiment, String owner, boolean signedIn, String page, int epochs,
                                      String experimentId) {
        return submit(List.of(experiment), owner, signedIn, page, epochs, experimentId);
    }

    /**
     * Queues a background run of {@code experiments} for the workers: one, or several trained in lock step (the
     * CNN lab's comparison of activations; the same data and backend), as a page's run trains them.
     *
     * @param page         what submitted it ("api", "cnn")
     * @param experimentId the saved experiment it trains, or null
     * @return the run as queued
     * @throws OverLimit over a limit of the server, counted over every node
     * @throws NoWorker  it names a backend no live worker has
     */
    public ClusterStore.Shared submit(List<Experiment> experiments, String owner, boolean signedIn, String page,
                                      int epochs, String experimentId) {
        Experiment first = experiments.get(0);
        checkWorkers(first.backend());
        RunOptions options = new RunOptions(owner, signedIn, page, false, epochs, List.of(), List.of(), experimentId);
        runtime.checkElsewhere(experiments, options, cluster.unfinished(owner), cluster.unfinished(null));
        Instant now = Instant.now();
        RunJournal.Entry e = new RunJournal.Entry(TrainingRuntime.newRunId(), owner, page, experimentId,
                experiments, RunState.QUEUED, epochs, -1, null, first.backend(), "", null, now, now);
        cluster.submit(e);
        LOG.info("Run {} submitted for the workers: owner={} page={} backend={} epochs={} networks={}", e.id(), owner,
                page, first.backend(), epochs, experiments.size());
        return cluster.find(e.id()).orElseThrow();
    }

    /** {@code owner}'s background run {@code id}; empty when it is not theirs (or never was). */
    public Optional<ClusterStore.Shared> find(String id, String owner) {
        return id == null ? Optional.empty() : cluster.find(id).filter(r -> r.background() && r.entry().owner().equals(owner));
    }

    /** {@code owner}'s background runs, newest first (the newest 100). */
    public List<ClusterStore.Shared> of(String owner) {
        return cluster.ofOwner(owner, 100);
    }

    /** Its place among the background runs waiting (1: next); 0 when it does not wait. */
    public int position(ClusterStore.Shared run) {
        return run.state() == RunState.QUEUED ? cluster.queuedBefore(run.entry().started()) + 1 : 0;
    }

    /**
     * Stops the run: at once where no worker has it yet, else after the batch under way on its worker (it
     * reads the stop within a second).
     *
     * @throws IllegalStateException when it has ended already, saying so
     */
    public void stop(ClusterStore.Shared run) {
        if (run.state().ended() && run.state() != RunState.INTERRUPTED) {
            throw new IllegalStateException("Run " + run.id() + " has already ended ("
                    + run.state().name().toLowerCase(Locale.ROOT) + "): there is nothing to stop.");
        }
        if (cluster.endUntaken(run.id(), RunState.STOPPED, "Stopped before a worker took it.")) {
            LOG.info("Run {} stopped before a worker took it: owner={}", run.id(), run.entry().owner());
            return;
        }
        cluster.want(run.id(), ClusterStore.STOP);
    }

    /**
     * Queues a stopped or interrupted run again, to go on from its last checkpoint on whichever worker takes it.
     *
     * @throws IllegalStateException when it is not stopped or interrupted (or changed meanwhile)
     * @throws OverLimit             over a limit of the server
     * @throws NoWorker              it names a backend no live worker has now
     */
    public void resume(ClusterStore.Shared run, boolean signedIn) {
        RunState state = run.state();
        if (state != RunState.STOPPED && state != RunState.INTERRUPTED) {
            throw new IllegalStateException("Run " + run.id() + " is " + state.name().toLowerCase(Locale.ROOT)
                    + ": only a stopped or interrupted run can be resumed.");
        }
        RunJournal.Entry e = run.entry();
        checkWorkers(e.backend());
        runtime.checkElsewhere(e.experiments(), new RunOptions(e.owner(), signedIn, e.page(), false, e.epochs(), List.of(),
                List.of(), e.experimentId()), cluster.unfinished(e.owner()), cluster.unfinished(null));
        if (!cluster.requeue(run.id(), "Resumed: waiting for a worker.")) {
            throw new IllegalStateException("Run " + run.id() + " changed meanwhile: try again.");
        }
        LOG.info("Run {} resumed, for the workers: owner={} page={} backend={}", run.id(), e.owner(), e.page(), e.backend());
    }

    /** A run asking for a backend by name goes only where a worker has it: refused now rather than waiting for ever. */
    private void checkWorkers(String backend) {
        if (backend == null || backend.equals("auto")) {
            return;
        }
        List<ClusterStore.Node> workers = liveWorkers(cluster);
        if (!someWorkerHas(workers, backend)) {
            throw new NoWorker("No worker node of this server has the " + backend + " backend now ("
                    + (workers.isEmpty() ? "no worker node is up" : "workers: " + String.join("; ", workers.stream()
                    .map(n -> n.name() + " has " + String.join(", ", n.backends())).toList()))
                    + "). Ask for \"auto\", or start a worker that has it.");
        }
    }

    /** The nodes that take background runs (workers, and nodes that are both) and said lately that they live. */
    static List<ClusterStore.Node> liveWorkers(ClusterStore cluster) {
        return cluster.nodes(ALIVE).stream().filter(n -> !n.role().equals(NodeSettings.Role.WEB.key())).toList();
    }

    /** Whether one of {@code workers} can train a run that asks for {@code backend} (any of them, for "auto"). */
    static boolean someWorkerHas(List<ClusterStore.Node> workers, String backend) {
        return backend == null || backend.equals("auto") ? !workers.isEmpty()
                : workers.stream().anyMatch(n -> n.backends().contains(backend));
    }

    /** Why it waits, what happened between nodes (a takeover), and why it ended, as far as each applies; or null. */
    public String message(ClusterStore.Shared run) {
        String why = run.entry().message();
        if (run.state() == RunState.QUEUED && why == null) {
            why = run.placement() == ClusterStore.Placement.WAITING
                    ? "Waiting for its turn: at most " + Math.max(1, runtime.signedIn().maxTraining()) + " of one user's runs "
                    + "go to the workers at once (" + TrainingRuntime.SignedInRuns.MAX_TRAINING_KEY + ")."
                    : "Waiting for a worker to take it.";
        }
        String notice = run.notice();
        if (notice == null) {
            return why;
        }
        return why == null ? notice : notice + " " + why;
    }
}
