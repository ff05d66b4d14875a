package com.layerlab.app.cluster;

import com.layerlab.app.training.Run;
import com.layerlab.app.training.TrainingRuntime;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Conditional;
import org.springframework.stereotype.Component;

/**
 * On a node of a cluster that serves pages (web, or both), a signed-in user's page run that no page watches
 * and that would train on is a background run (docs/cluster.md): the runtime ends it interrupted here (its last
 * checkpoint in its folder, on the runs folder every node shares), and this turns its row into a background run
 * waiting for the fair hand-off ({@link RunDispatcher}), which gives it to a worker in its turn; the worker goes
 * on from that checkpoint ({@link TrainRunHandler}). The runs the runtime pauses (past
 * {@code layerlab.runs.max-unwatched-per-user}) stay paused on this node, as an anonymous visitor's runs stop.
 *
 * <p>A comparison (several networks trained in lock step) goes too: its row keeps every network, its folder a
 * checkpoint per network, and the worker resumes them together.
 */
@Component
@Conditional(NodeSettings.Clustered.class)
public class LeftRunningToWorkers implements TrainingRuntime.LeftRunning {

    private static final Logger LOG = LoggerFactory.getLogger(LeftRunningToWorkers.class);
    /** What the run's row says until a worker takes it. */
    static final String WAITING = "Left running on its page: waiting for a worker node to go on with it.";

    private final ClusterStore cluster;
    private final NodeSettings node;

    public LeftRunningToWorkers(ClusterStore cluster, NodeSettings node, TrainingRuntime runtime) {
        this.cluster = cluster;
        this.node = node;
        if (node.role().serves()) {
            // a worker node serves no pages: every run in its runtime is a background run a job follows
            runtime.leaveRunningTo(this);
        }
    }

    /**
     * Only where a live worker can train it (one that has the backend it names; any, for "auto"): with none, it
     * would wait in the database (or fail) rather than train, so it trains on here, as on a single server.
     */
    @Override
    public boolean takes(Run<?> run) {
        String backend = asked(run);
        if (BackgroundRuns.someWorkerHas(BackgroundRuns.liveWorkers(cluster), backend)) {
            return true;
        }
        LOG.info("Run {} left running with no page watching it trains on here: no live worker node has its backend {}: "
                + "owner={} page={} node={}", run.id(), backend, run.owner(), run.options().page(), node.name());
        return false;
    }

    @Override
    public boolean handOver(Run<?> run) {
        if (!cluster.toWorkers(run.id(), run.owner(), node.name(), asked(run), WAITING)) {
            LOG.warn("Run {} could not go to the workers (its row is not this node's interrupted page run): it trains "
                    + "on here: owner={} page={}", run.id(), run.owner(), run.options().page());
            return false;
        }
        LOG.info("Run {} left running with no page watching it: handed to the workers at {} (a worker goes on from "
                + "its last checkpoint): owner={} page={} node={}", run.id(), run.status().epochText(), run.owner(),
                run.options().page(), node.name());
        return true;
    }

    /**
     * The backend its experiments ask for ("auto", "cuda"), not the one it resolved to here (its journal row's):
     * an "auto" run goes to whichever worker takes it, and trains on what "auto" gives there.
     */
    private static String asked(Run<?> run) {
        return run.experiments().get(0).backend();
    }
}
