package com.layerlab.app.api;

import com.layerlab.engine.experiment.Experiment;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * The REST API's runs (API.md, "Runs"), wherever they train: in this node's runtime on a single server
 * ({@link ApiRuns}), or on the worker nodes of a cluster, through JobRunr ({@link ClusterApiRuns}). The
 * controllers ({@link RunsApi}, {@link ExperimentsApi}) speak only to this. A run is its owner's alone:
 * every method that takes a run id answers 404 ({@link RunsApi#notFound}) for a run that is not
 * {@code owner}'s, as for one that never was.
 */
interface ApiRunStore {

    /**
     * Queues a run of {@code experiment} (saved as {@code experimentId}) for {@code owner}, training
     * {@code epochs} epochs: the answer of {@code POST /api/experiments/{id}/runs},
     * {@code {"id", "state": "queued", "position"}}.
     *
     * @throws com.layerlab.app.training.OverLimit over a limit of the server (422 naming it)
     */
    Map<String, Object> start(String experimentId, Experiment experiment, String owner, boolean signedIn, int epochs);

    /** How long a stop waits for the batch under way to end, so that its answer shows the run stopped. */
    Duration STOP_WAIT = Duration.ofSeconds(5);

    /**
     * Waits up to {@link #STOP_WAIT} for a stopped run to have {@code ended}, looking every {@code everyMs};
     * a server shutting down (an interrupt) ends the wait: the answer shows the run as far as it got.
     */
    static void awaitStopped(BooleanSupplier ended, long everyMs) {
        long end = System.nanoTime() + STOP_WAIT.toNanos();
        try {
            while (!ended.getAsBoolean() && System.nanoTime() < end) {
                Thread.sleep(everyMs);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** {@code GET /api/runs/{runId}}: the run's JSON (ApiJson). */
    Map<String, Object> view(String runId, String owner);

    /**
     * Stops the run after the batch under way and answers with it, having waited a few seconds for it to
     * end; 409 when it had ended already.
     */
    Map<String, Object> stop(String runId, String owner);

    /** Resumes a stopped or interrupted run from its last checkpoint (409 otherwise); its JSON. */
    Map<String, Object> resume(String runId, String owner, boolean signedIn);

    /** The weights of its latest checkpoint (safetensors); 404 saying why when there is none. */
    byte[] weights(String runId, String owner);

    /** Its TensorBoard event files as a zip: one folder for all its segments, or part-N/ per folder. */
    byte[] events(String runId, String owner);

    /** {@code owner}'s runs of experiment {@code experimentId}, oldest first: {@code {"id", "state"}} each. */
    List<Map<String, Object>> ofExperiment(String experimentId, String owner);

    /** The weights of the newest of {@code owner}'s runs of the experiment that finished, if any did. */
    Optional<byte[]> finishedWeights(String experimentId, String owner);
}
