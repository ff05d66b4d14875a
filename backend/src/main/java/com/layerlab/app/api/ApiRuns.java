package com.layerlab.app.api;

import com.layerlab.app.cluster.NodeSettings;
import com.layerlab.app.store.EndedRuns;
import com.layerlab.app.store.TrainingRunJournal;
import com.layerlab.app.training.FrameMaker;
import com.layerlab.app.training.OverLimit;
import com.layerlab.app.training.Run;
import com.layerlab.app.training.RunCheckpoints;
import com.layerlab.app.training.RunDevice;
import com.layerlab.app.training.RunJournal;
import com.layerlab.app.training.RunOptions;
import com.layerlab.app.training.RunState;
import com.layerlab.app.training.RunStatus;
import com.layerlab.app.training.TrainingRuntime;
import com.layerlab.engine.experiment.Experiment;
import com.layerlab.engine.summary.EventArchive;
import com.layerlab.engine.train.Checkpoint;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Conditional;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;

/**
 * The runs that scripts start through the API on a single server ({@link ApiRunStore}), over the one
 * {@link TrainingRuntime} the pages use. An API
 * run keeps its id for its whole life: resumed, it goes on as a new runtime run from the last checkpoint
 * of the one before (a segment), and its id answers for the newest segment.
 *
 * <p>What a run learned outlives the server: as a run finishes, its weights and metrics become its saved
 * experiment's (the experiment's weights and its short link carry them), and as any run ends its metrics
 * are kept with its journal row. After a restart the journal lists a signed-in owner's runs again: the
 * interrupted ones, which the runtime found, and the ended ones, as they ended.
 *
 * <p>No page watches an API run. A signed-in owner's run trains on unwatched, within
 * {@link TrainingRuntime.SignedInRuns#maxTraining}: a run that would be one more is refused here (422)
 * rather than started and then paused by the runtime's sweep.
 */
@Component
@Conditional(NodeSettings.Single.class)
class ApiRuns implements ApiRunStore {

    /** The page an API run's folder is named after. */
    static final String PAGE = "api";
    static final String UNWATCHED_LIMIT = TrainingRuntime.SignedInRuns.MAX_TRAINING_KEY;
    private static final Logger LOG = LoggerFactory.getLogger(ApiRuns.class);
    /** The frames nobody subscribes to: an API client polls the run's status instead. */
    private static final FrameMaker<RunStatus> NO_FRAMES = TrainingRuntime.STATUS_FRAMES;

    /** One run of the API: its experiment, its owner and its segments, oldest first (only the API's threads change it). */
    static final class ApiRun {
        private final String id;
        private final String experimentId;
        private final String owner;
        /** When it was first submitted (epoch milliseconds): its place among the experiment's runs. */
        private final long started;
        private final List<Run<?>> segments = new ArrayList<>();

        private ApiRun(String experimentId, Run<?> first, long started) {
            this.id = first.id();
            this.experimentId = experimentId;
            this.owner = first.owner();
            this.started = started;
            segments.add(first);
        }

        String id() {
            return id;
        }

        String experimentId() {
            return experimentId;
        }

        String owner() {
            return owner;
        }

        synchronized Run<?> current() {
            return segments.get(segments.size() - 1);
        }

        synchronized List<Run<?>> segments() {
            return List.copyOf(segments);
        }

        private synchronized void add(Run<?> next) {
            segments.add(next);
        }
    }

    private final TrainingRuntime runtime;
    private final EndedRuns ended;
    private final Map<String, ApiRun> runs = new ConcurrentHashMap<>();

    ApiRuns(TrainingRuntime runtime, TrainingRunJournal journal, EndedRuns ended) {
        this.runtime = runtime;
        this.ended = ended;
        // the API's runs from before the restart: the interrupted ones the runtime found as it started (and,
        // configured so, resumed), the ended ones listed again as they ended
        for (TrainingRunJournal.Recorded r : journal.ofPage(PAGE, RunsApi.KEPT)) {
            RunJournal.Entry e = r.entry();
            try {
                Optional<Run<?>> found = runtime.find(e.id(), e.owner());
                if (found.isEmpty() && e.state().ended() && e.state() != RunState.INTERRUPTED) {
                    found = Optional.of(runtime.restoreEnded(e, r.metrics()));
                }
                found.ifPresent(run -> add(new ApiRun(e.experimentId(), run, e.started().toEpochMilli())));
            } catch (RuntimeException unreadable) {
                // a checkpoint spoilt on disk: that run is not listed, the server starts regardless
                LOG.warn("Run {} of the API is not listed again after the restart: {}", e.id(), unreadable.getMessage());
            }
        }
        for (Run<?> r : runtime.runsOfPage(PAGE)) {
            if (!runs.containsKey(r.id())) {
                add(new ApiRun(r.options().experimentId(), r, r.submittedAt()));
            }
        }
    }

    /** Lists {@code run}, and keeps what its newest segment learned as it ends. */
    private void add(ApiRun run) {
        runs.put(run.id(), run);
        keepWhenEnded(run, run.current());
    }

    // ---- the API's answers (ApiRunStore) -------------------------------------------------------------

    /**
     * {@inheritDoc}
     *
     * @throws OverLimit past the owner's unwatched runs, or any limit the runtime checks
     */
    @Override
    public Map<String, Object> start(String experimentId, Experiment experiment, String owner, boolean signedIn,
                                     int epochs) {
        checkUnwatched(owner, signedIn, experiment.backend());
        Run<?> run = runtime.submit(List.of(experiment), new RunOptions(owner, signedIn, PAGE, false, epochs, List.of(),
                List.of(), experimentId), NO_FRAMES);
        add(new ApiRun(experimentId, run, run.submittedAt()));
        forgetOld();
        // API.md: the answer is the run as the scheduler took it, queued at place k. One whose thread took a free
        // slot before this answer was at the head of the queue (1); GET /api/runs/{id} tells how it goes on.
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("id", run.id());
        o.put("state", ApiJson.state(RunState.QUEUED));
        o.put("position", position(run).orElse(1));
        return o;
    }

    @Override
    public Map<String, Object> view(String runId, String owner) {
        return json(require(runId, owner));
    }

    /** Stops the run after the batch under way, its last checkpoint written as it ends; 409 when it has ended. */
    @Override
    public Map<String, Object> stop(String runId, String owner) {
        ApiRun run = require(runId, owner);
        Run<?> current = run.current();
        if (current.state().ended()) {
            throw new ApiRefused(HttpStatus.CONFLICT, "Run " + run.id() + " has already ended ("
                    + ApiJson.state(current.state()) + "): there is nothing to stop.");
        }
        current.stop();
        ApiRunStore.awaitStopped(() -> run.current().state().ended(), 10);
        return json(run);
    }

    /**
     * Resumes a stopped or interrupted run (one a restart interrupted too) from its last checkpoint, to
     * the epochs it was to train: a new segment, trained under the same id in the same folder
     * ({@link TrainingRuntime#resume(Run, boolean, FrameMaker)}).
     */
    @Override
    public Map<String, Object> resume(String runId, String owner, boolean signedIn) {
        ApiRun run = require(runId, owner);
        synchronized (run) {
            Run<?> last = run.current();
            RunState state = last.state();
            if (state != RunState.STOPPED && state != RunState.INTERRUPTED) {
                throw new ApiRefused(HttpStatus.CONFLICT, "Run " + run.id() + " is " + ApiJson.state(state)
                        + ": only a stopped or interrupted run can be resumed.");
            }
            Optional<Checkpoint> from = latestCheckpoint(run);
            if (from.isEmpty() && last.status().epoch() > 0) {
                throw new ApiRefused(HttpStatus.CONFLICT, "Run " + run.id() + " has no checkpoint left to resume "
                        + "from: the server deleted its folder among the oldest (layerlab.runs.keep). Start a new run.");
            }
            checkUnwatched(run.owner(), signedIn, last.experiments().get(0).backend());
            try {
                runtime.resume(last, signedIn, NO_FRAMES);
            } catch (IllegalStateException forgotten) {
                throw new ApiRefused(HttpStatus.CONFLICT, "Run " + run.id() + " ended too long ago to resume: the "
                        + "server keeps the newest ended runs to go on with. Start a new run.");
            }
            // the resumed segment is the runtime's run of the same id, as one resumed on My runs
            caughtUp(run);
        }
        return json(run);
    }

    @Override
    public byte[] weights(String runId, String owner) {
        ApiRun run = require(runId, owner);
        return latestCheckpoint(run).map(Checkpoint::weights).orElseThrow(() -> new ApiRefused(HttpStatus.NOT_FOUND,
                run.current().status().epoch() == 0
                        ? "Run " + runId + " has no checkpoint yet: its first epoch has not ended."
                        : "Run " + runId + " has no checkpoint left: the server deleted its folder among the oldest "
                        + "(layerlab.runs.keep). A finished run's weights are its experiment's: GET /api/experiments/"
                        + run.experimentId() + "/weights."));
    }

    /** Its folder's event files (a resumed run's segments share it), one sub-folder per segment's network. */
    @Override
    public byte[] events(String runId, String owner) {
        ApiRun run = require(runId, owner);
        // a run resumed in its own folder (after a restart, or stopped and resumed) has one folder for all its
        // segments: its newest segment there writes them
        Map<Path, Run<?>> byFolder = new LinkedHashMap<>();
        for (Run<?> s : run.segments()) {
            if (s.folder() != null) {
                byFolder.put(s.folder(), s);
            }
        }
        List<byte[]> zips = new ArrayList<>();
        for (Run<?> segment : byFolder.values()) {
            if (segment.isAlive()) {
                segment.flushLogs();
            }
            ByteArrayOutputStream one = new ByteArrayOutputStream();
            EventArchive.writeZip(segment.folder(), one);
            zips.add(one.toByteArray());
        }
        return EventZips.join(runId, zips);
    }

    @Override
    public List<Map<String, Object>> ofExperiment(String experimentId, String owner) {
        return runsOf(experimentId, owner).stream()
                .map(r -> Map.<String, Object>of("id", r.id(), "state", ApiJson.state(r.current().state()))).toList();
    }

    /** Its checkpoint's weights, while its folder is there (else the experiment's own are what it learned). */
    @Override
    public Optional<byte[]> finishedWeights(String experimentId, String owner) {
        return latestFinished(experimentId, owner).flatMap(this::latestCheckpoint).map(Checkpoint::weights);
    }

    /** Run {@code runId} of {@code owner}'s; 404 otherwise. */
    private ApiRun require(String runId, String owner) {
        return find(runId, owner).orElseThrow(() -> RunsApi.notFound(runId));
    }

    private Map<String, Object> json(ApiRun run) {
        return ApiJson.run(run, position(run.current()));
    }

    // ---- its runs -------------------------------------------------------------------------------------

    private void forgetOld() {
        if (runs.size() <= RunsApi.KEPT) {
            return;
        }
        runs.values().stream().filter(r -> r.current().state().ended())
                .sorted(Comparator.comparingLong(r -> r.started))
                .limit(runs.size() - RunsApi.KEPT).toList().forEach(r -> runs.remove(r.id()));
    }

    /**
     * Run {@code id} if it is {@code owner}'s; another owner's run is as unknown as one that never was, and
     * so is one discarded on My runs or expired interrupted ({@link TrainingRuntime#discard}).
     */
    Optional<ApiRun> find(String id, String owner) {
        ApiRun r = id == null ? null : runs.get(id);
        if (r != null && r.current().isDiscarded()) {
            runs.remove(id, r);
            return Optional.empty();
        }
        return r != null && r.owner().equals(owner) ? Optional.of(caughtUp(r)) : Optional.empty();
    }

    /** {@code owner}'s runs of experiment {@code experimentId}, oldest first (none discarded). */
    List<ApiRun> runsOf(String experimentId, String owner) {
        return runs.values().stream().filter(r -> experimentId.equals(r.experimentId()) && r.owner().equals(owner)
                        && !r.current().isDiscarded())
                .map(this::caughtUp).sorted(Comparator.comparingLong(r -> r.started)).toList();
    }

    /**
     * The run with the segment its owner resumed elsewhere (on My runs): the runtime's run of the same id,
     * newer than the API's last, becomes its next segment, and what it ends with is kept as the API's own.
     */
    private ApiRun caughtUp(ApiRun r) {
        Run<?> now = runtime.find(r.id(), r.owner()).orElse(null);
        synchronized (r) {
            if (now == null || r.segments.contains(now)) {
                return r;
            }
            r.add(now);
        }
        keepWhenEnded(r, now);
        return r;
    }

    /**
     * Its place in the scheduler's queue, 1 for the next to start; empty when it does not wait. The one
     * place the API learns a queue position.
     */
    private OptionalInt position(Run<?> run) {
        RunStatus status = run.status();
        if (status.state() != RunState.QUEUED) {
            return OptionalInt.empty();
        }
        // just submitted, its thread not yet at the scheduler: it will be behind whoever waits for its device now
        return OptionalInt.of(status.position() > 0 ? status.position() : runtime.queueLength(run) + 1);
    }

    // ---- what outlives the server ---------------------------------------------------------------------

    /** Keeps what {@code segment} of {@code run} learned as it ends ({@link Run#ending()}: before anyone sees it ended). */
    private void keepWhenEnded(ApiRun run, Run<?> segment) {
        segment.ending().thenAccept(state -> ended.keep(segment, state, () -> finishedAfter(run), () -> latestCheckpoint(run)));
    }

    /** Whether a run of {@code run}'s experiment and owner that started after it has finished. */
    private boolean finishedAfter(ApiRun run) {
        return runsOf(run.experimentId(), run.owner()).stream()
                .anyMatch(r -> r.started > run.started && r.current().state() == RunState.FINISHED);
    }

    /** The newest checkpoint among the run's segments, newest segment first; empty before its first epoch's end. */
    private Optional<Checkpoint> latestCheckpoint(ApiRun run) {
        List<Run<?>> segments = run.segments();
        for (int i = segments.size() - 1; i >= 0; i--) {
            Path dir = segments.get(i).checkpointDir(0);
            if (dir != null && Files.isDirectory(dir)) {
                return Optional.of(RunCheckpoints.read(dir));
            }
        }
        return Optional.empty();
    }

    /** The newest run of {@code owner}'s on experiment {@code experimentId} that finished all its epochs. */
    Optional<ApiRun> latestFinished(String experimentId, String owner) {
        List<ApiRun> mine = runsOf(experimentId, owner);
        for (int i = mine.size() - 1; i >= 0; i--) {
            if (mine.get(i).current().state() == RunState.FINISHED) {
                return Optional.of(mine.get(i));
            }
        }
        return Optional.empty();
    }

    /**
     * A signed-in user's run goes on without a page only within the runtime's bound on such runs: past
     * it the sweep would pause the new run, so it is refused now, before anything is allocated. An
     * anonymous owner's run stops once unwatched anyway ({@code layerlab.runs.unwatched-seconds}).
     */
    private void checkUnwatched(String owner, boolean signedIn, String backend) {
        if (!signedIn) {
            return;
        }
        int max = runtime.signedIn().maxTraining();
        // as the sweep counts them: a paused run (a page's, left paused) trains nothing and is not paused again
        long training = runtime.runsOf(owner).stream()
                .filter(r -> r.isAlive() && !r.state().ended() && !r.isPaused() && r.subscriberCount() == 0).count();
        if (training >= max) {
            OverLimit over = new OverLimit(UNWATCHED_LIMIT, max, "You have " + training + " run" + (training == 1 ? "" : "s")
                    + " training with no page watching, and the server allows " + max + " per user ("
                    + UNWATCHED_LIMIT + " = " + max + "). Stop one, or wait until one ends.");
            throw TrainingRuntime.refused(over, owner, PAGE, RunDevice.resolve(runtime.backends(), backend));
        }
    }
}
