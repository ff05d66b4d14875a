package com.layerlab.app.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.layerlab.app.store.Metrics;
import com.layerlab.app.training.Run;
import com.layerlab.app.training.RunState;
import com.layerlab.app.training.RunStatus;
import com.layerlab.engine.train.EpochStats;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;

/**
 * The API's JSON of a run (API.md, "Runs"), from the runtime's state of its newest segment; its
 * {@link #state} and {@link #metrics} for a run known from elsewhere (the database of a cluster).
 */
final class ApiJson {

    private static final ObjectMapper JSON = new ObjectMapper();

    private ApiJson() {
    }

    /**
     * API.md's states: a run paused by the runtime (its owner's unwatched runs over the bound) still
     * counts as running, its message saying why it holds.
     */
    static String state(RunState s) {
        return s == RunState.PAUSED ? "running" : s.name().toLowerCase(Locale.ROOT);
    }

    /** A run of this node's API ({@link ApiRuns}) at its place in the queue, if it waits. */
    static Map<String, Object> run(ApiRuns.ApiRun api, OptionalInt position) {
        Run<?> run = api.current();
        // a resumed run, until its new segment has built its trainers from the checkpoint, shows where the
        // one before it got to
        Run<?> progress = run;
        List<Run<?>> segments = api.segments();
        for (int i = segments.size() - 1; i >= 0 && progress.history().isEmpty(); i--) {
            progress = segments.get(i);
        }
        if (progress.history().isEmpty()) {
            progress = run;
        }
        return run(api.id(), api.experimentId(), run, progress, position);
    }

    /**
     * The same JSON for any run of the runtime (a class's student's playground runs, ClassesApi): its id,
     * the saved experiment it trains (or null), and {@code progress}, the segment whose epochs it shows.
     */
    static Map<String, Object> run(String id, String experimentId, Run<?> run, Run<?> progress, OptionalInt position) {
        RunStatus status = run.status();
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("id", id);
        o.put("experiment", experimentId);
        o.put("state", state(status.state()));
        position.ifPresent(p -> o.put("position", p));
        o.put("epoch", progress.status().epoch());
        o.put("epochs", status.epochs());
        o.put("backend", run.device().backend());
        o.put("device", run.device().refused() ? null : run.device().name());
        if (status.message() != null) {
            o.put("message", status.message());
        }
        List<List<EpochStats>> history = progress.history();
        o.put("metrics", metrics(history.isEmpty() ? List.of() : history.get(0)));
        return o;
    }

    /** The engine's {@code train} lines, as the store keeps a saved experiment's ({@link Metrics}). */
    static JsonNode metrics(List<EpochStats> history) {
        try {
            return JSON.readTree(Metrics.toJson(history));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Metrics wrote JSON it cannot read back", e);
        }
    }
}
