package com.layerlab.app.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.layerlab.app.store.ExperimentStore;
import com.layerlab.app.store.SavedExperiment;
import com.layerlab.app.training.Run;
import com.layerlab.app.training.RunState;
import com.layerlab.engine.experiment.Experiment;
import com.layerlab.engine.summary.EventArchive;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * Runs through the API (API.md, "Runs"): start one of a saved experiment, watch its state and metrics,
 * stop it, resume it, and take its weights and TensorBoard files. A run is its owner's alone: anyone
 * else's is not found.
 */
@RestController
class RunsApi {

    private static final Set<String> RUN_FIELDS = Set.of("epochs", "backend");
    /** How long a stop waits for the batch under way to end, so that its answer shows the run stopped. */
    private static final Duration STOP_WAIT = Duration.ofSeconds(5);

    private final ExperimentStore store;
    private final ApiRuns runs;
    private final ApiCaller caller;

    RunsApi(ExperimentStore store, ApiRuns runs, ApiCaller caller) {
        this.store = store;
        this.runs = runs;
        this.caller = caller;
    }

    /** Queues a run of the experiment: {@code {"epochs"?: N, "backend"?: "auto"}}, both defaulting to the file's. */
    @PostMapping(value = "/api/experiments/{id}/runs")
    ResponseEntity<Map<String, Object>> start(@PathVariable String id, @RequestBody(required = false) JsonNode body) {
        String owner = caller.owner();
        SavedExperiment saved = store.get(id, owner);
        Experiment experiment = store.experiment(saved);
        Integer epochs = experiment.epochs();
        if (body != null && !body.isNull()) {
            if (!body.isObject()) {
                throw new ApiRefused(HttpStatus.BAD_REQUEST, "The body must be a JSON object such as "
                        + "{\"epochs\": 10, \"backend\": \"auto\"}, or empty.");
            }
            for (Iterator<String> names = body.fieldNames(); names.hasNext(); ) {
                String field = names.next();
                if (!RUN_FIELDS.contains(field)) {
                    throw new ApiRefused(HttpStatus.BAD_REQUEST, "\"" + field + "\" is not a run's setting: a run "
                            + "takes \"epochs\" and \"backend\".");
                }
            }
            JsonNode e = body.get("epochs");
            if (e != null) {
                if (!e.canConvertToInt() || !e.isIntegralNumber() || e.intValue() < 1) {
                    throw new ApiRefused(HttpStatus.BAD_REQUEST, "\"epochs\" must be a whole number of 1 or more, got "
                            + e + ".");
                }
                epochs = e.intValue();
            }
            JsonNode b = body.get("backend");
            if (b != null) {
                if (!b.isTextual() || !Experiment.BACKENDS.contains(b.textValue())) {
                    throw new ApiRefused(HttpStatus.BAD_REQUEST, "\"backend\" must be one of "
                            + String.join(", ", Experiment.BACKENDS) + ", got " + b + ".");
                }
                experiment = experiment.withBackend(b.textValue());
            }
        }
        if (epochs == null || epochs < 1) {
            throw new ApiRefused(HttpStatus.BAD_REQUEST, "Experiment " + id + " does not say how many epochs to "
                    + "train: send {\"epochs\": N} with N of 1 or more.");
        }
        ApiRuns.ApiRun run = runs.start(saved.id(), experiment, owner, caller.signedIn(), epochs);
        // API.md: the answer is the run as the scheduler took it, queued at place k. One whose thread took a free
        // slot before this answer was at the head of the queue (1); GET /api/runs/{id} tells how it goes on.
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("id", run.id());
        o.put("state", ApiJson.state(RunState.QUEUED));
        o.put("position", runs.position(run.current()).orElse(1));
        return ResponseEntity.status(HttpStatus.ACCEPTED).body(o);
    }

    @GetMapping("/api/runs/{runId}")
    Map<String, Object> get(@PathVariable String runId) {
        return view(find(runId));
    }

    /** Stops it after the batch under way and answers with the run as it ended; its weights are kept. */
    @PostMapping("/api/runs/{runId}/stop")
    Map<String, Object> stop(@PathVariable String runId) throws InterruptedException {
        ApiRuns.ApiRun run = find(runId);
        runs.stop(run);
        long end = System.nanoTime() + STOP_WAIT.toNanos();
        while (!run.current().state().ended() && System.nanoTime() < end) {
            Thread.sleep(10);
        }
        return view(run);
    }

    /** Goes on from its last checkpoint: a stopped or interrupted run only. */
    @PostMapping("/api/runs/{runId}/resume")
    ResponseEntity<Map<String, Object>> resume(@PathVariable String runId) {
        ApiRuns.ApiRun run = find(runId);
        runs.resume(run, caller.signedIn());
        return ResponseEntity.status(HttpStatus.ACCEPTED).body(view(run));
    }

    /** The weights of its latest checkpoint (written at epochs' ends, and as it stops or finishes). */
    @GetMapping(value = "/api/runs/{runId}/weights", produces = MediaType.APPLICATION_OCTET_STREAM_VALUE)
    ResponseEntity<byte[]> weights(@PathVariable String runId) {
        ApiRuns.ApiRun run = find(runId);
        byte[] weights = runs.latestCheckpoint(run).map(c -> c.weights()).orElseThrow(() -> new ApiRefused(
                HttpStatus.NOT_FOUND, run.current().status().epoch() == 0
                ? "Run " + runId + " has no checkpoint yet: its first epoch has not ended."
                : "Run " + runId + " has no checkpoint left: the server deleted its folder among the oldest "
                + "(layerlab.runs.keep). A finished run's weights are its experiment's: GET /api/experiments/"
                + run.experimentId() + "/weights."));
        return ApiCaller.download(weights, runId + ".safetensors", MediaType.APPLICATION_OCTET_STREAM);
    }

    /** Its TensorBoard event files: its folder's (a resumed run's segments share it), one sub-folder per segment's network. */
    @GetMapping(value = "/api/runs/{runId}/events.zip", produces = "application/zip")
    ResponseEntity<byte[]> events(@PathVariable String runId) {
        ApiRuns.ApiRun run = find(runId);
        List<Run<?>> segments = run.segments();
        // a run resumed in its own folder (after a restart, or stopped and resumed) has one folder for all its segments
        Map<Path, Run<?>> byFolder = new LinkedHashMap<>();
        for (Run<?> s : segments) {
            if (s.folder() != null) {
                byFolder.put(s.folder(), s);
            }
        }
        List<Run<?>> folders = List.copyOf(byFolder.values());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(out)) {
            for (int i = 0; i < folders.size(); i++) {
                Run<?> segment = folders.get(i);
                if (segment.isAlive()) {
                    segment.flushLogs();
                }
                ByteArrayOutputStream one = new ByteArrayOutputStream();
                EventArchive.writeZip(segment.folder(), one);
                copy(one.toByteArray(), folders.size() == 1 ? "" : "part-" + (i + 1) + "/", zip);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot zip the event files of run " + runId, e);
        }
        return ApiCaller.download(out.toByteArray(), runId + "-events.zip", MediaType.parseMediaType("application/zip"));
    }

    private static void copy(byte[] zipped, String prefix, ZipOutputStream into) throws IOException {
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zipped))) {
            ZipEntry e;
            while ((e = in.getNextEntry()) != null) {
                into.putNextEntry(new ZipEntry(prefix + e.getName()));
                in.transferTo(into);
                into.closeEntry();
            }
        }
    }

    private ApiRuns.ApiRun find(String runId) {
        return runs.find(runId, caller.ownerIfKnown()).orElseThrow(() -> new ApiRefused(HttpStatus.NOT_FOUND,
                "There is no run \"" + runId + "\" of yours: the id is wrong, or it is another user's, or it is "
                        + "older than the " + ApiRuns.KEPT + " newest runs the server keeps, or it was interrupted and then "
                        + "discarded (My runs) or expired, or it was started without signing in before the server "
                        + "restarted (only signed-in users' runs are kept across a restart)."));
    }

    private Map<String, Object> view(ApiRuns.ApiRun run) {
        return ApiJson.run(run, runs.position(run.current()));
    }
}
