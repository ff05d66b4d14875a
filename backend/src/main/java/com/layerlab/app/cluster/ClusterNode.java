package com.layerlab.app.cluster;

import com.layerlab.app.training.RunJournal;
import com.layerlab.app.training.RunDevice;
import com.layerlab.app.training.RunLogs;
import com.layerlab.app.training.TrainingRuntime;
import com.layerlab.engine.tensor.BackendProvider;
import com.layerlab.engine.tensor.Backends;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.jobrunr.jobs.Job;
import org.jobrunr.jobs.states.FailedState;
import org.jobrunr.jobs.states.StateName;
import org.jobrunr.scheduling.JobRequestScheduler;
import org.jobrunr.server.BackgroundJobServer;
import org.jobrunr.storage.JobNotFoundException;
import org.jobrunr.storage.StorageProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * This node's part in the cluster, on one thread of its own: it says every few seconds that it is alive
 * and what it has (cluster_nodes), hands waiting background runs to JobRunr ({@link RunDispatcher}) every
 * second, and enqueues again a handed run whose job was lost (a node that died between handing and
 * enqueueing). On a worker it starts JobRunr's job server once the app is up, and stops it first as the
 * app shuts down: the runs it trained end interrupted, and JobRunr gives their jobs to another worker.
 */
@Component
@Conditional(NodeSettings.Clustered.class)
public class ClusterNode implements DisposableBean {

    private static final Logger LOG = LoggerFactory.getLogger(ClusterNode.class);
    static final Duration HEARTBEAT = Duration.ofSeconds(5);
    static final Duration DISPATCH = Duration.ofSeconds(1);
    /** A handed run no worker took for this long has its job looked for in JobRunr (and enqueued again if lost). */
    static final Duration LOST_AFTER = Duration.ofMinutes(1);

    private final NodeSettings node;
    private final ClusterStore cluster;
    private final TrainingRuntime runtime;
    private final RunDispatcher dispatcher;
    private final ClusterConfig.JobServerHolder jobServer;
    private final StorageProvider jobStorage;
    private final JobRequestScheduler jobs;
    private final List<String> backends;
    /** Set as the app shuts down: the job server stopped then stays stopped. */
    private volatile boolean stopping;
    /** Whether the heartbeat saw the job server running (it starts a moment after {@link #start}). */
    private boolean jobServerSeenRunning;
    private final ScheduledExecutorService ticks = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "cluster-node");
        t.setDaemon(true);
        return t;
    });

    public ClusterNode(NodeSettings node, ClusterStore cluster, TrainingRuntime runtime, RunDispatcher dispatcher,
                       ClusterConfig.JobServerHolder jobServer, StorageProvider jobStorage, JobRequestScheduler jobs,
                       RunLogs logs) {
        this.node = node;
        this.cluster = cluster;
        this.runtime = runtime;
        this.dispatcher = dispatcher;
        this.jobServer = jobServer;
        this.jobStorage = jobStorage;
        this.jobs = jobs;
        this.backends = backendsOf(runtime.backends());
        // the nodes share the runs folder: a prune here must not delete a folder a run on another node goes on in
        logs.keepAlso(cluster::unendedFolders);
    }

    /**
     * The backends available here, as the heartbeat says them: what {@code auto} gives first (the other nodes
     * read from it whether this one is a GPU worker: {@link WorkerRouting}), then the others.
     */
    static List<String> backendsOf(Backends backends) {
        String auto = autoBackend(backends);
        return Stream.concat(Stream.of(auto), backends.providers().stream().filter(p -> p.availability().available())
                .map(BackendProvider::name).filter(n -> !n.equals(auto))).toList();
    }

    /** What {@code auto} gives on this node ("cuda", "cpu"). */
    static String autoBackend(Backends backends) {
        RunDevice auto = RunDevice.resolve(backends, Backends.AUTO);
        return auto.refused() ? "cpu" : auto.backend();
    }

    @EventListener(ApplicationReadyEvent.class)
    public void start() {
        // before the ticks: the heartbeat starts a job server it finds stopped
        if (jobServer.server() != null) {
            jobServer.server().start();
        }
        ticks.scheduleWithFixedDelay(() -> quietly("say it is alive", this::heartbeat), 0, HEARTBEAT.toMillis(),
                TimeUnit.MILLISECONDS);
        ticks.scheduleWithFixedDelay(() -> quietly("hand runs to the workers", dispatcher::dispatch),
                DISPATCH.toMillis(), DISPATCH.toMillis(), TimeUnit.MILLISECONDS);
        ticks.scheduleWithFixedDelay(() -> quietly("look for lost jobs", this::enqueueLost),
                LOST_AFTER.toMillis(), LOST_AFTER.toMillis(), TimeUnit.MILLISECONDS);
        LOG.info("Node {} joined the cluster as {}: backends {}{}", node.name(), node.role().key(), backends,
                jobServer.server() != null ? ", takes background runs (JobRunr server " + jobServer.server().getId() + ")" : "");
    }

    private void heartbeat() {
        cluster.heartbeat(node.name(), node.role().key(), backends, runtime.runningCount() + runtime.waitingCount());
        // the database answers again: a job server JobRunr stopped meanwhile (its open-source edition stops it
        // after too many failed reads of the database) takes runs again
        BackgroundJobServer server = jobServer.server();
        if (server == null || stopping) {
            return;
        }
        if (server.isRunning()) {
            jobServerSeenRunning = true;
        } else if (jobServerSeenRunning) {
            jobServerSeenRunning = false;
            LOG.warn("Node {}: JobRunr's job server had stopped (the database did not answer); it takes runs again",
                    node.name());
            server.start();
        }
    }

    /**
     * Looks after the jobs of the handed runs: a job that is not in JobRunr (lost between handing and
     * enqueueing) is enqueued again; a run whose job JobRunr gave up on (it failed on every try) ends FAILED,
     * saying why, rather than waiting for ever.
     */
    private void enqueueLost() {
        Instant before = Instant.now().minus(LOST_AFTER);
        List<TrainRun> untaken = cluster.handedUntaken(before);
        for (TrainRun job : cluster.handedJobs()) {
            Job found;
            try {
                found = jobStorage.getJobById(job.jobId());
            } catch (JobNotFoundException lost) {
                if (untaken.contains(job)) {
                    LOG.warn("Run {} was handed to the workers but its job is not in JobRunr: enqueued again", job.runId());
                    jobs.enqueue(job.jobId(), job);
                }
                continue;
            }
            if (found.getState() == StateName.FAILED) {
                String why = found.getLastJobStateOfType(FailedState.class)
                        .map(f -> f.getExceptionMessage() == null ? f.getMessage() : f.getExceptionMessage()).orElse("no reason kept");
                if (cluster.givenUp(job.runId(), job.segment(), "No worker could train it (" + ClusterConfig.RETRIES
                        + " tries): " + why)) {
                    LOG.warn("Run {} failed: JobRunr gave up on its job after {} tries: {}", job.runId(),
                            ClusterConfig.RETRIES, why);
                }
            }
        }
    }

    private static void quietly(String what, Runnable task) {
        try {
            task.run();
        } catch (RunJournal.Unreachable down) {
            LOG.debug("Cannot {} now: {}", what, down.getMessage());
        } catch (RuntimeException e) {
            LOG.warn("Cannot {} now", what, e);
        }
    }

    @Override
    public void destroy() {
        stopping = true;
        ticks.shutdownNow();
        if (jobServer.server() != null) {
            jobServer.server().stop();
        }
        LOG.info("Node {} left the cluster", node.name());
    }
}
