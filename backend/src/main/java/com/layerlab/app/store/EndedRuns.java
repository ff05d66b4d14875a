package com.layerlab.app.store;

import com.layerlab.app.training.Run;
import com.layerlab.app.training.RunState;
import com.layerlab.engine.train.Checkpoint;
import com.layerlab.engine.train.EpochStats;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * What a run that no page saves keeps beyond its folder as it ends (an API run on a single server, a
 * background run on a worker node): one rule, wherever it trained. A signed-in owner's run keeps its
 * metrics with its journal row; one that finished keeps its weights with its saved experiment, where that
 * experiment is its owner's (another user's public one is trained, not changed) and no run of it submitted
 * later finished first (that one's weights are the experiment's then). An interrupted run keeps nothing: it
 * goes on from its checkpoint. A database that fails here costs only the copy: the checkpoint stays in the
 * run's folder.
 */
@Component
public class EndedRuns {

    private static final Logger LOG = LoggerFactory.getLogger(EndedRuns.class);

    private final TrainingRunJournal journal;
    private final ExperimentStore store;

    public EndedRuns(TrainingRunJournal journal, ExperimentStore store) {
        this.journal = journal;
        this.store = store;
    }

    /**
     * Keeps what {@code run} ended with in {@code state}.
     *
     * @param finishedLater whether a run of the same experiment and owner, submitted after this one, has finished
     * @param trained       the run's newest checkpoint (of its first network), read only when its weights are kept
     */
    public void keep(Run<?> run, RunState state, BooleanSupplier finishedLater, Supplier<Optional<Checkpoint>> trained) {
        List<List<EpochStats>> history = run.history();
        if (state == RunState.INTERRUPTED || history.isEmpty()) {
            return;
        }
        String experimentId = run.options().experimentId();
        try {
            if (run.options().signedIn()) {
                journal.keepMetrics(run.id(), history.get(0));
            }
            if (state != RunState.FINISHED || experimentId == null || finishedLater.getAsBoolean()
                    || store.find(experimentId, run.owner()).filter(e -> e.ownerKey().equals(run.owner())).isEmpty()) {
                return;
            }
            Optional<Checkpoint> c = trained.get();
            if (c.isEmpty()) {
                LOG.warn("Run {} finished without a checkpoint (no folder): experiment {} keeps what it had", run.id(),
                        experimentId);
                return;
            }
            store.keepTrained(experimentId, run.owner(), c.get().weights(), c.get().history(), c.get().epoch());
        } catch (RuntimeException e) {
            LOG.warn("Run {} ended {}: what it learned is not kept in the database ({}); its checkpoint is in {}",
                    run.id(), state.name().toLowerCase(Locale.ROOT), e.getMessage(), run.folder());
        }
    }
}
