package com.layerlab.app.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.layerlab.app.store.ExperimentStore;
import com.layerlab.app.store.SavedExperiment;
import com.layerlab.engine.experiment.Experiment;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
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
 * else's is not found. Where the runs train (this node, or a cluster's workers) is the {@link ApiRunStore}'s
 * business; this reads the request and answers.
 */
@RestController
class RunsApi {

    /**
     * The API's runs a server remembers, the newest: an older ended one is forgotten, and its id then
     * answers 404 ({@link #notFound}).
     */
    static final int KEPT = 1_000;
    private static final Set<String> RUN_FIELDS = Set.of("epochs", "backend");

    private final ExperimentStore store;
    private final ApiRunStore runs;
    private final ApiCaller caller;

    RunsApi(ExperimentStore store, ApiRunStore runs, ApiCaller caller) {
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
        return ResponseEntity.status(HttpStatus.ACCEPTED).body(runs.start(saved.id(), experiment, owner, caller.signedIn(),
                epochs));
    }

    @GetMapping("/api/runs/{runId}")
    Map<String, Object> get(@PathVariable String runId) {
        return runs.view(runId, caller.ownerIfKnown());
    }

    /** Stops it after the batch under way and answers with the run as it ended (within a few seconds); its weights are kept. */
    @PostMapping("/api/runs/{runId}/stop")
    Map<String, Object> stop(@PathVariable String runId) {
        return runs.stop(runId, caller.ownerIfKnown());
    }

    /** Goes on from its last checkpoint: a stopped or interrupted run only. */
    @PostMapping("/api/runs/{runId}/resume")
    ResponseEntity<Map<String, Object>> resume(@PathVariable String runId) {
        return ResponseEntity.status(HttpStatus.ACCEPTED).body(runs.resume(runId, caller.ownerIfKnown(), caller.signedIn()));
    }

    /** The weights of its latest checkpoint (written at epochs' ends, and as it stops or finishes). */
    @GetMapping(value = "/api/runs/{runId}/weights", produces = MediaType.APPLICATION_OCTET_STREAM_VALUE)
    ResponseEntity<byte[]> weights(@PathVariable String runId) {
        return ApiCaller.download(runs.weights(runId, caller.ownerIfKnown()), runId + ".safetensors",
                MediaType.APPLICATION_OCTET_STREAM);
    }

    /** Its TensorBoard event files: its folder's (a resumed run's segments share it), one sub-folder per segment's network. */
    @GetMapping(value = "/api/runs/{runId}/events.zip", produces = "application/zip")
    ResponseEntity<byte[]> events(@PathVariable String runId) {
        return ApiCaller.download(runs.events(runId, caller.ownerIfKnown()), runId + "-events.zip",
                MediaType.parseMediaType("application/zip"));
    }

    /**
     * The 404 of a run id that is not the caller's run: the one answer of every {@link ApiRunStore}, so that
     * an unknown run, another user's and a forgotten one read alike.
     */
    static ApiRefused notFound(String runId) {
        return new ApiRefused(HttpStatus.NOT_FOUND, "There is no run \"" + runId + "\" of yours: the id is wrong, or "
                + "it is another user's, or it is older than the " + KEPT + " newest runs the server keeps, or it was "
                + "interrupted and then discarded (My runs) or expired, or it was started without signing in before "
                + "the server restarted (only signed-in users' runs are kept across a restart).");
    }
}
