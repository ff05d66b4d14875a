package com.layerlab.app.api;

import com.layerlab.app.cluster.BackgroundRuns;
import com.layerlab.app.cluster.ClusterStore;
import com.layerlab.app.cluster.NodeSettings;
import com.layerlab.app.training.RunCheckpoints;
import com.layerlab.app.training.RunJournal;
import com.layerlab.app.training.RunLogs;
import com.layerlab.app.training.RunState;
import com.layerlab.engine.experiment.Experiment;
import com.layerlab.engine.summary.EventArchive;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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


    private final ClusterStore cluster;
    private final BackgroundRuns runs;
    private final RunLogs logs;

    ClusterApiRuns(ClusterStore cluster, BackgroundRuns runs, RunLogs logs) {
        this.cluster = cluster;
        this.runs = runs;
        this.logs = logs;
    }

    @Override
    public Map<String, Object> start(String experimentId, Experiment experiment, String owner, boolean signedIn, int epochs) {
        ClusterStore.Shared run;
        try {
            run = runs.submit(experiment, owner, signedIn, ApiRuns.PAGE, epochs, experimentId);
        } catch (BackgroundRuns.NoWorker none) {
            throw new ApiRefused(HttpStatus.UNPROCESSABLE_ENTITY, none.getMessage());
        }
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("id", run.id());
        o.put("state", ApiJson.state(RunState.QUEUED));
        o.put("position", Math.max(1, runs.position(run)));
        return o;
    }

    @Override
    public Map<String, Object> view(String runId, String owner) {
        return json(find(runId, owner));
    }

    @Override
    public Map<String, Object> stop(String runId, String owner) {
        try {
            runs.stop(find(runId, owner));
        } catch (IllegalStateException ended) {
            throw new ApiRefused(HttpStatus.CONFLICT, ended.getMessage());
        }
        ApiRunStore.awaitStopped(() -> find(runId, owner).shown().ended(), 50);
        return view(runId, owner);
    }

    @Override
    public Map<String, Object> resume(String runId, String owner, boolean signedIn) {
        ClusterStore.Shared run = find(runId, owner);
        if (checkpoint(run).isEmpty() && run.epoch() > 0) {
            throw new ApiRefused(HttpStatus.CONFLICT, "Run " + runId + " has no checkpoint left to resume from: the "
                    + "server deleted its folder among the oldest (layerlab.runs.keep). Start a new run.");
        }
        try {
            runs.resume(run, signedIn);
        } catch (BackgroundRuns.NoWorker none) {
            throw new ApiRefused(HttpStatus.UNPROCESSABLE_ENTITY, none.getMessage());
        } catch (IllegalStateException notNow) {
            throw new ApiRefused(HttpStatus.CONFLICT, notNow.getMessage());
        }
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
        Path folder = run.entry().folder();
        if (folder == null) {
            throw new ApiRefused(HttpStatus.NOT_FOUND, "Run " + runId + " has no event files yet: no worker has taken it.");
        }
        // one folder for all its hand-offs (a worker taking it over goes on in the same folder)
        EventArchive.writeZip(folder, out);
        return out.toByteArray();
    }

    @Override
    public List<Map<String, Object>> ofExperiment(String experimentId, String owner) {
        return cluster.ofExperiment(experimentId, owner).stream()
                .map(r -> Map.<String, Object>of("id", r.id(), "state", ApiJson.state(r.shown()))).toList();
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
        return runs.find(runId, owner).filter(r -> r.entry().page().equals(ApiRuns.PAGE))
                .orElseThrow(() -> RunsApi.notFound(runId));
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
        o.put("state", ApiJson.state(run.shown()));
        if (e.state() == RunState.QUEUED) {
            o.put("position", runs.position(run));
        }
        var metrics = cluster.epochs(e.id(), 0);
        int epoch = metrics.isEmpty() ? run.epoch() : Math.max(run.epoch(), metrics.get(metrics.size() - 1).epoch());
        o.put("epoch", epoch);
        o.put("epochs", e.epochs());
        o.put("backend", e.backend());
        o.put("device", e.device() == null || e.device().isEmpty() ? null : e.device());
        o.put("node", run.node());
        String message = runs.message(run);
        if (message != null) {
            o.put("message", message);
        }
        o.put("metrics", ApiJson.metrics(metrics));
        return o;
    }
}
