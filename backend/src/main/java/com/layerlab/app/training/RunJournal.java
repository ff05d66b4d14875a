package com.layerlab.app.training;

import com.layerlab.engine.experiment.Experiment;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/**
 * Where the runtime keeps what must outlive the server of the runs that outlive their page (a signed-in
 * owner's): their state, how far their last checkpoint got and where it is. Written on the run's own
 * thread at each change ({@link Run}); read once when the runtime starts, which is how a run that was
 * training when the server was killed is found again ({@link TrainingRuntime}).
 */
public interface RunJournal {

    /**
     * What the journal keeps of one run.
     *
     * @param experimentId    the saved experiment it trains (the REST API's runs), or null
     * @param experiments     what it trains, one per trainer, as submitted
     * @param epochs          the epochs asked for (0: until stopped)
     * @param checkpointEpoch the epoch of its last checkpoint on disk; -1 before the first
     * @param folder          its folder (TensorBoard event files, {@code checkpoints/}); null without one
     */
    record Entry(String id, String owner, String page, String experimentId, List<Experiment> experiments,
                 RunState state, int epochs, int checkpointEpoch, Path folder, String backend, String device,
                 String message, Instant started, Instant updated) {

        public Entry {
            experiments = List.copyOf(experiments);
        }

        /** The same entry in state {@code s} with message {@code why}, as of {@code when}. */
        public Entry as(RunState s, String why, Instant when) {
            return new Entry(id, owner, page, experimentId, experiments, s, epochs, checkpointEpoch, folder, backend,
                    device, why, started, when);
        }
    }

    /** A write or read the database did not take (it is down or unreachable): nothing was changed. */
    class Unreachable extends RuntimeException {
        public Unreachable(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * Writes {@code e} over what the journal kept of run {@code e.id()} (or as a new run).
     *
     * @throws Unreachable when the database does not answer
     */
    void write(Entry e);

    /** The runs whose last state written is not an end (QUEUED, RUNNING, PAUSED) or INTERRUPTED, oldest first. */
    List<Entry> unfinished();

    /**
     * Deletes what the journal kept of run {@code id} (an interrupted run discarded or expired); nothing
     * when it kept none.
     *
     * @throws Unreachable when the database does not answer
     */
    void forget(String id);

    /** A journal that keeps nothing: the runtime of tests and tools without a database. */
    RunJournal NONE = new RunJournal() {
        @Override
        public void write(Entry e) {
        }

        @Override
        public List<Entry> unfinished() {
            return List.of();
        }

        @Override
        public void forget(String id) {
        }
    };
}
