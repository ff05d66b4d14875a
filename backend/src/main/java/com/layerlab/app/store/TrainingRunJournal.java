package com.layerlab.app.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.layerlab.app.cluster.NodeSettings;
import com.layerlab.app.training.RunJournal;
import com.layerlab.app.training.RunState;
import com.layerlab.engine.experiment.Experiment;
import com.layerlab.engine.experiment.ExperimentFiles;
import com.layerlab.engine.train.EpochStats;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.springframework.dao.DataAccessException;
import org.springframework.data.domain.Limit;
import org.springframework.stereotype.Component;
import org.springframework.transaction.TransactionException;

/**
 * The runtime's {@link RunJournal} in the database: the training_runs table (V4__training_runs.sql). Every
 * write names this node (training_runs.node, V8__cluster.sql) and leaves the columns through which the
 * nodes of a cluster share a run ({@link com.layerlab.app.cluster.ClusterStore}) as they are.
 */
@Component
public class TrainingRunJournal implements RunJournal {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> UNFINISHED = List.of(RunState.QUEUED.name(), RunState.RUNNING.name(),
            RunState.PAUSED.name(), RunState.INTERRUPTED.name());

    private final TrainingRunRepository rows;
    private final NodeSettings node;

    TrainingRunJournal(TrainingRunRepository rows, NodeSettings node) {
        this.rows = rows;
        this.node = node;
    }

    @Override
    public void write(Entry e) {
        TrainingRunRow r = new TrainingRunRow();
        r.id = e.id();
        r.ownerKey = e.owner();
        r.page = e.page();
        r.experimentId = e.experimentId();
        r.experiments = experimentsJson(e.experiments());
        r.state = e.state().name();
        r.epochs = e.epochs();
        r.checkpointEpoch = e.checkpointEpoch();
        r.folder = e.folder() == null ? null : e.folder().toString();
        r.backend = e.backend();
        r.device = e.device();
        r.message = e.message() == null ? null : e.message().substring(0, Math.min(2000, e.message().length()));
        r.startedAt = e.started();
        r.updatedAt = e.updated();
        r.node = node.name();
        database(() -> rows.save(r));
    }

    /**
     * {@inheritDoc}
     *
     * <p>On a single server, every such run of the table (rows from before nodes were named included). In a
     * cluster, only this node's own runs: the runs its runtime trained as their node, not the background runs
     * it trained for JobRunr (JobRunr hands those on when a worker stops), nor any other node's.
     */
    @Override
    public List<Entry> unfinished() {
        return database(() -> node.cluster()
                ? rows.findByStateInAndNodeAndBackgroundFalseOrderByStartedAtAsc(UNFINISHED, node.name())
                : rows.findByStateInOrderByStartedAtAsc(UNFINISHED)).stream().map(TrainingRunJournal::entry).toList();
    }

    // ---- what runs ended with (V5__training_run_metrics.sql): for the REST API's runs after a restart ----

    /**
     * A run of the journal with the metrics it ended with: the engine's train lines, epoch 0 first; empty
     * while it has not ended, or when none were kept ({@link #keepMetrics}).
     */
    public record Recorded(Entry entry, List<EpochStats> metrics) {
        public Recorded {
            metrics = List.copyOf(metrics);
        }
    }

    /** The newest {@code newest} runs of page {@code page}, in every state, newest first. */
    public List<Recorded> ofPage(String page, int newest) {
        return database(() -> rows.findByPageOrderByStartedAtDesc(page, Limit.of(newest))).stream()
                .map(r -> new Recorded(entry(r), r.metrics == null ? List.of() : Metrics.fromJson(r.metrics))).toList();
    }

    /**
     * Keeps {@code metrics} as what run {@code id} ended with; a run the journal does not hold (an anonymous
     * owner's) keeps nothing.
     *
     * @throws Unreachable when the database does not answer
     */
    public void keepMetrics(String id, List<EpochStats> metrics) {
        database(() -> rows.keepMetrics(id, Metrics.toJson(metrics)));
    }

    @Override
    public void forget(String id) {
        database(() -> {
            rows.deleteById(id);
            return null;
        });
    }

    private static Entry entry(TrainingRunRow r) {
        return new Entry(r.id, r.ownerKey, r.page, r.experimentId, experimentsOf(r.experiments), RunState.valueOf(r.state),
                r.epochs, r.checkpointEpoch, r.folder == null ? null : Path.of(r.folder), r.backend, r.device, r.message,
                r.startedAt, r.updatedAt);
    }

    /**
     * What training_runs.experiments holds for {@code experiments}: a JSON array of layerlab/experiment@1
     * files; read back by {@link #experimentsOf}. Public for the other writer of the table
     * ({@link com.layerlab.app.cluster.ClusterStore}).
     */
    public static String experimentsJson(List<Experiment> experiments) {
        ArrayNode files = JSON.createArrayNode();
        experiments.forEach(e -> files.add(ExperimentFiles.toJson(e)));
        return files.toString();
    }

    /** The experiments of a training_runs.experiments value that {@link #experimentsJson} wrote. */
    public static List<Experiment> experimentsOf(String json) {
        try {
            List<Experiment> out = new ArrayList<>();
            for (JsonNode file : JSON.readTree(json)) {
                out.add(ExperimentFiles.read(file.toString()));
            }
            return out;
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("training_runs.experiments is not the JSON this class writes", e);
        }
    }

    /** A database that cannot be reached is the journal's {@link RunJournal.Unreachable}: the run decides what to do. */
    private static <T> T database(java.util.function.Supplier<T> call) {
        try {
            return call.get();
        } catch (DataAccessException | TransactionException e) {
            throw new Unreachable("The database cannot be reached (" + e.getMostSpecificCause().getMessage() + ")", e);
        }
    }
}
