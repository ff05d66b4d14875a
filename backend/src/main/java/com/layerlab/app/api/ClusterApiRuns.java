package com.layerlab.app.api;

import com.layerlab.app.cluster.ClusterStore;
import com.layerlab.app.cluster.NodeSettings;
import com.layerlab.app.training.RunCheckpoints;
import com.layerlab.app.training.RunJournal;
import com.layerlab.app.training.RunLogs;
import com.layerlab.app.training.RunOptions;
import com.layerlab.app.training.RunState;
import com.layerlab.app.training.TrainingRuntime;
import com.layerlab.engine.experiment.Experiment;
import com.layerlab.engine.summary.EventArchive;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Conditional;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;

/**
 * The API's runs on a server of several nodes (docs/cluster.md): each is a background run, kept in the
 * database ({@link ClusterStore}), handed fairly to JobRunr ({@link com.layerlab.app.cluster.RunDispatcher})
 * and trained by a worker node; this node answers for it from the database, whichever node trains it, and
 * reads its checkpoints and event files in its folder, on storage every node shares.
 */
@Component
@Conditional(NodeSettings.Clustered.class)
class ClusterApiRuns implements ApiRunStore {

    private static final Logger LOG = LoggerFactory.getLogger(ClusterApiRuns.class);
    /** How long a stop waits for the worker to end the run, so that its answer shows the run stopped. */
    private static final Duration STOP_WAIT = Duration.ofSeconds(5);
    /** A node that said nothing for this long is not counted among the workers a run could go to. */
    private static final Duration ALIVE = Duration.ofSeconds(30);

    private final ClusterStore cluster;
    private final TrainingRuntime runtime;
    private final RunLogs logs;

    ClusterApiRuns(ClusterStore cluster, TrainingRuntime runtime, RunLogs logs) {
        this.cluster = cluster;
        this.runtime = runtime;
        this.logs = logs;
    }

    @Override
    public Map<String, Object> start(String experimentId, Experiment experiment, String owner, boolean signedIn, int epochs) {
        checkWorkers(experiment.backend());
        RunOptions options = new RunOptions(owner, signedIn, ApiRuns.PAGE, false, epochs, List.of(), List.of(), experimentId);
        runtime.checkElsewhere(List.of(experiment), options, cluster.unfinished(owner), cluster.unfinished(null));
        Instant now = Instant.now();
        RunJournal.Entry e = new RunJournal.Entry(TrainingRuntime.newRunId(), owner, ApiRuns.PAGE, experimentId,
                List.of(experiment), RunState.QUEUED, epochs, -1, null, experiment.backend(), "", null, now, now);
        cluster.submit(e);
        LOG.info("Run {} submitted for the workers: owner={} page={} backend={} epochs={}", e.id(), owner, ApiRuns.PAGE,
                experiment.backend(), epochs);
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("id", e.id());
        o.put("state", ApiJson.state(RunState.QUEUED));
        o.put("position", cluster.queuedBefore(now) + 1);
        return o;
    }

    /** A run asking for a backend by name goes only where a worker has it: refused now rather than waiting for ever. */
    private void checkWorkers(String backend) {
        if (backend.equals("auto")) {
            return;
        }
        List<ClusterStore.Node> workers = cluster.nodes(ALIVE).stream()
                .filter(n -> !n.role().equals(NodeSettings.Role.WEB.key())).toList();
        if (workers.stream().noneMatch(n -> n.backends().contains(backend))) {
            throw new ApiRefused(HttpStatus.UNPROCESSABLE_ENTITY, "No worker node of this server has the " + backend
                    + " backend now (" + (workers.isEmpty() ? "no worker node is up" : "workers: " + String.join("; ",
                    workers.stream().map(n -> n.name() + " has " + String.join(", ", n.backends())).toList()))
                    + "). Ask for \"auto\", or start a worker that has it.");
        }
    }

    @Override
    public Map<String, Object> view(String runId, String owner) {
        return json(find(runId, owner));
    }

    @Override
    public Map<String, Object> stop(String runId, String owner) {
        ClusterStore.Shared run = find(runId, owner);
        if (run.state().ended() && run.state() != RunState.INTERRUPTED) {
            throw new ApiRefused(HttpStatus.CONFLICT, "Run " + runId + " has already ended ("
                    + ApiJson.state(run.state()) + "): there is nothing to stop.");
        }
        if (!cluster.endUntaken(runId, RunState.STOPPED, "Stopped before a worker took it.")) {
            cluster.want(runId, ClusterStore.STOP);
            long end = System.nanoTime() + STOP_WAIT.toNanos();
            while (!find(runId, owner).state().ended() && System.nanoTime() < end) {
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        return view(runId, owner);
    }

    @Override
    public Map<String, Object> resume(String runId, String owner, boolean signedIn) {
        ClusterStore.Shared run = find(runId, owner);
        RunState state = run.state();
        if (state != RunState.STOPPED && state != RunState.INTERRUPTED) {
            throw new ApiRefused(HttpStatus.CONFLICT, "Run " + runId + " is " + ApiJson.state(state)
                    + ": only a stopped or interrupted run can be resumed.");
        }
        if (checkpoint(run).isEmpty() && run.epoch() > 0) {
            throw new ApiRefused(HttpStatus.CONFLICT, "Run " + runId + " has no checkpoint left to resume from: the "
                    + "server deleted its folder among the oldest (layerlab.runs.keep). Start a new run.");
        }
        RunOptions options = new RunOptions(owner, signedIn, ApiRuns.PAGE, false, run.entry().epochs(), List.of(),
                List.of(), run.entry().experimentId());
        runtime.checkElsewhere(run.entry().experiments(), options, cluster.unfinished(owner), cluster.unfinished(null));
        if (!cluster.requeue(runId, "Resumed: waiting for a worker.")) {
            throw new ApiRefused(HttpStatus.CONFLICT, "Run " + runId + " changed meanwhile: it is "
                    + ApiJson.state(find(runId, owner).state()) + " now.");
        }
        LOG.info("Run {} resumed, for the workers: owner={} page={} backend={}", runId, owner, ApiRuns.PAGE,
                run.entry().backend());
        return view(runId, owner);
    }

    @Override
    public byte[] weights(String runId, String owner) {
        ClusterStore.Shared run = find(runId, owner);
        return checkpoint(run).map(RunCheckpoints::read).map(c -> c.weights()).orElseThrow(() -> new ApiRefused(
                HttpStatus.NOT_FOUND, run.epoch() == 0 && run.entry().checkpointEpoch() < 0
                ? "Run " + runId + " has no checkpoint yet: its first epoch has not ended."
                : "Run " + runId + " has no checkpoint left: the server deleted its folder among the oldest "
                + "(layerlab.runs.keep). A finished run's weights are its experiment's: GET /api/experiments/"
                + run.entry().experimentId() + "/weights."));
    }

    @Override
    public byte[] events(String runId, String owner) {
        ClusterStore.Shared run = find(runId, owner);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            // one folder for all its hand-offs (a worker taking it over goes on in the same folder)
            EventArchive.writeZip(run.entry().folder(), out);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot zip the event files of run " + runId, e);
        }
        return out.toByteArray();
    }

    @Override
    public List<Map<String, Object>> ofExperiment(String experimentId, String owner) {
        return cluster.ofExperiment(experimentId, owner).stream()
                .map(r -> Map.<String, Object>of("id", r.id(), "state", ApiJson.state(r.state()))).toList();
    }

    @Override
    public Optional<byte[]> finishedWeights(String experimentId, String owner) {
        List<ClusterStore.Shared> mine = cluster.ofExperiment(experimentId, owner);
        for (int i = mine.size() - 1; i >= 0; i--) {
            if (mine.get(i).state() == RunState.FINISHED) {
                return checkpoint(mine.get(i)).map(RunCheckpoints::read).map(c -> c.weights());
            }
        }
        return Optional.empty();
    }

    /** The run if it is {@code owner}'s and the API's; 404 otherwise, as for one that never was. */
    private ClusterStore.Shared find(String runId, String owner) {
        return cluster.find(runId).filter(r -> r.entry().owner().equals(owner) && r.entry().page().equals(ApiRuns.PAGE))
                .orElseThrow(() -> new ApiRefused(HttpStatus.NOT_FOUND, "There is no run \"" + runId + "\" of yours")); // TODO(lead): RunsApi.notFound after helper B
    }

    /** Its first network's checkpoint folder, where it has one. */
    private Optional<Path> checkpoint(ClusterStore.Shared run) {
        RunLogs.Folder folder = logs.ofEnded(run.entry().folder());
        Path dir = folder == null ? null : folder.checkpointDir(0);
        return dir != null && Files.isDirectory(dir) ? Optional.of(dir) : Optional.empty();
    }

    /** API.md's run, from what the nodes wrote: the worker's progress and epochs, the journal's state. */
    private Map<String, Object> json(ClusterStore.Shared run) {
        RunJournal.Entry e = run.entry();
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("id", e.id());
        o.put("experiment", e.experimentId());
        o.put("state", ApiJson.state(e.state()));
        if (e.state() == RunState.QUEUED) {
            o.put("position", cluster.queuedBefore(e.started()) + 1);
        }
        var metrics = cluster.epochs(e.id(), 0);
        int epoch = metrics.isEmpty() ? run.epoch() : Math.max(run.epoch(), metrics.get(metrics.size() - 1).epoch());
        o.put("epoch", epoch);
        o.put("epochs", e.epochs());
        o.put("backend", e.backend());
        o.put("device", e.device() == null || e.device().isEmpty() ? null : e.device());
        o.put("node", run.node());
        String message = message(run);
        if (message != null) {
            o.put("message", message);
        }
        o.put("metrics", ApiJson.metrics(metrics));
        return o;
    }

    /** Why it waits, what happened between nodes, and why it ended, as far as each applies. */
    private String message(ClusterStore.Shared run) {
        String why = run.entry().message();
        if (run.state() == RunState.QUEUED && why == null) {
            why = run.placement() == ClusterStore.Placement.WAITING
                    ? "Waiting for its turn: at most " + Math.max(1, runtime.signedIn().maxTraining()) + " of one user's runs "
                    + "go to the workers at once (" + TrainingRuntime.SignedInRuns.MAX_TRAINING_KEY + ")."
                    : "Waiting for a worker to take it.";
        }
        String notice = cluster.notice(run.id());
        if (notice == null) {
            return why;
        }
        return why == null ? notice : notice + " " + why;
    }
}
