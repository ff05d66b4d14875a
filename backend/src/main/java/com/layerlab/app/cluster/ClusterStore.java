package com.layerlab.app.cluster;

import com.layerlab.app.training.RunJournal;
import com.layerlab.app.training.RunState;
import com.layerlab.engine.train.EpochStats;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * What the nodes of one server tell each other through the database (V8__cluster.sql): the background
 * runs waiting for a worker and handed to JobRunr, where each run is (its progress and its epochs' metrics,
 * written by the node training it), what a page or the API asks of that node (stop), and the nodes
 * themselves. The journal's own columns (V4) stay {@link com.layerlab.app.store.TrainingRunJournal}'s: the run
 * writes them as it goes, wherever it trains; this class never writes them but where it says so.
 *
 * <p>Every method is one statement or one short transaction, correct with several nodes calling at once:
 * a change of placement or state is a conditional update whose count says whether this caller made it. A
 * database that does not answer is {@link RunJournal.Unreachable}.
 */
@Component
public class ClusterStore {

    /** A background run's place ({@code training_runs.placement}). */
    public enum Placement {
        /** waiting for the fair hand-off ({@link RunDispatcher}) */
        WAITING,
        /** handed to JobRunr: a worker trains it, or will */
        HANDED
    }

    /**
     * One run as every node sees it.
     *
     * @param entry            the journal's columns
     * @param background       trained by a worker through JobRunr
     * @param placement        a background run's place; null for a page's run
     * @param segment          how often it was handed to JobRunr (0 before the first)
     * @param node             the node training it now, or null
     * @param wanted           what was asked of that node and not yet done ("stop"), or null
     * @param epoch            completed epochs, as the node training it last said
     * @param batch            batches into the epoch under way
     * @param batches          batches per epoch (0 before its models are built)
     * @param samplesPerSecond training samples a second, NaN when unknown
     * @param progressAt       when the node last said where it is; null before it first did
     */
    public record Shared(RunJournal.Entry entry, boolean background, Placement placement, int segment, String node,
                         String wanted, int epoch, int batch, int batches, double samplesPerSecond, Instant progressAt) {

        public String id() {
            return entry.id();
        }

        public RunState state() {
            return entry.state();
        }
    }

    /**
     * A node of the server, as it last said.
     *
     * @param role     web, worker or both
     * @param backends the backends available on it (cpu, opencl, cuda)
     * @param runs     runs its runtime trains now
     */
    public record Node(String name, String role, List<String> backends, int runs, Instant started, Instant seen) {

        public Node {
            backends = List.copyOf(backends);
        }
    }

    /** The command a page or the API leaves for the node training a run: stop it after the batch under way. */
    public static final String STOP = "stop";

    private final JdbcTemplate jdbc;

    public ClusterStore(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    // ---- a web node: background runs in, what they do out -----------------------------------------------

    /**
     * Adds background run {@code e} (state QUEUED, no checkpoint yet), waiting for the hand-off: its
     * journal columns as {@code e} says, background true, placement WAITING, segment 0, node null.
     */
    public void submit(RunJournal.Entry e) {
        throw new UnsupportedOperationException("not yet");
    }

    /** Run {@code id} as the nodes share it, if the table holds it. */
    public Optional<Shared> find(String id) {
        throw new UnsupportedOperationException("not yet");
    }

    /** The background runs of {@code owner} on saved experiment {@code experimentId}, oldest first. */
    public List<Shared> ofExperiment(String experimentId, String owner) {
        throw new UnsupportedOperationException("not yet");
    }

    /** The background runs of {@code owner}, newest first, at most {@code newest}. */
    public List<Shared> ofOwner(String owner, int newest) {
        throw new UnsupportedOperationException("not yet");
    }

    /**
     * The background runs not ended (QUEUED, RUNNING, PAUSED; INTERRUPTED counts as ended here) of
     * {@code owner}, or of everyone when {@code owner} is null.
     */
    public int unfinished(String owner) {
        throw new UnsupportedOperationException("not yet");
    }

    /** Background runs in state QUEUED submitted before {@code started}: the runs ahead of one submitted then. */
    public int queuedBefore(Instant started) {
        throw new UnsupportedOperationException("not yet");
    }

    /** Leaves command {@code what} ({@link #STOP}) for the node training run {@code id}; false when it ended already. */
    public boolean want(String id, String what) {
        throw new UnsupportedOperationException("not yet");
    }

    /**
     * Ends a background run that no worker has yet: state QUEUED with placement WAITING, or HANDED with no
     * node (a job not yet taken) become {@code state} with {@code message}, placement null, wanted null.
     *
     * @return whether it did (false: a worker has the run, or it ended)
     */
    public boolean endUntaken(String id, RunState state, String message) {
        throw new UnsupportedOperationException("not yet");
    }

    /**
     * Queues an ended background run again (a resume): a STOPPED, INTERRUPTED or FAILED one becomes QUEUED,
     * placement WAITING, node and wanted null, {@code message}, its segment one more.
     *
     * @return whether it did (false: it is not in one of those states)
     */
    public boolean requeue(String id, String message) {
        throw new UnsupportedOperationException("not yet");
    }

    // ---- the fair hand-off (RunDispatcher) ---------------------------------------------------------------

    /** Background runs QUEUED with placement WAITING, oldest first. */
    public List<Shared> waiting() {
        throw new UnsupportedOperationException("not yet");
    }

    /** {@code owner}'s background runs with placement HANDED whose state has not ended (INTERRUPTED counts as not ended). */
    public int handed(String owner) {
        throw new UnsupportedOperationException("not yet");
    }

    /**
     * Moves run {@code id} from WAITING to HANDED (state stays QUEUED), its segment one more.
     *
     * @return the new segment, or empty when another node handed it first (or it is no longer waiting)
     */
    public Optional<Integer> hand(String id) {
        throw new UnsupportedOperationException("not yet");
    }

    // ---- a worker -----------------------------------------------------------------------------------------

    /**
     * Worker {@code node} takes run {@code id} for segment {@code segment}: when the row is still HANDED at
     * that segment and not FINISHED, STOPPED or FAILED, sets node (whatever it was: a dead worker's run is
     * taken over) and clears wanted.
     *
     * @return the run as it was before this call (its node the one before), or empty when the job is stale
     */
    public Optional<Shared> take(String id, int segment, String node) {
        throw new UnsupportedOperationException("not yet");
    }

    /** Where run {@code id} is (progress columns, progress_at now); nothing when it has no row. */
    public void progress(String id, int epoch, int batch, int batches, double samplesPerSecond) {
        throw new UnsupportedOperationException("not yet");
    }

    /** Writes (inserts or replaces) the metrics of network {@code network} of run {@code id}, epoch by epoch. */
    public void epochs(String id, int network, List<EpochStats> stats) {
        throw new UnsupportedOperationException("not yet");
    }

    /** The metrics of network {@code network} of run {@code id}, epoch 0 first; empty when none were written. */
    public List<EpochStats> epochs(String id, int network) {
        throw new UnsupportedOperationException("not yet");
    }

    /** Deletes run {@code id}'s metrics of the epochs after {@code epoch} (trained past its last checkpoint). */
    public void dropEpochsAfter(String id, int epoch) {
        throw new UnsupportedOperationException("not yet");
    }

    /** What is asked of the node training run {@code id} ({@link #STOP}), or null. */
    public String wanted(String id) {
        throw new UnsupportedOperationException("not yet");
    }

    /** A background run's job is over (it ended): placement null, wanted null; the row keeps its node. */
    public void released(String id) {
        throw new UnsupportedOperationException("not yet");
    }

    // ---- the nodes ----------------------------------------------------------------------------------------

    /** Node {@code name} says it is alive (inserted the first time, started_at then; seen_at now). */
    public void heartbeat(String name, String role, List<String> backends, int runs) {
        throw new UnsupportedOperationException("not yet");
    }

    /** The nodes seen within {@code alive}, by name. */
    public List<Node> nodes(Duration alive) {
        throw new UnsupportedOperationException("not yet");
    }

    // ---- what happened between nodes (the lead's; V8's notice column) ----------------------------------------

    /** Sets what happened to run {@code id} between nodes (a takeover), for its pages and the API; null clears it. */
    public void notice(String id, String text) {
        String t = text == null ? null : text.substring(0, Math.min(2000, text.length()));
        shared(() -> jdbc.update("update training_runs set notice = ? where id = ?", t, id));
    }

    /** What happened to run {@code id} between nodes, or null. */
    public String notice(String id) {
        return shared(() -> jdbc.query("select notice from training_runs where id = ?", rs -> rs.next() ? rs.getString(1) : null, id));
    }

    /**
     * Background runs handed to JobRunr that no worker has taken (QUEUED, HANDED, no node) since before
     * {@code before}: their job may have been lost (a node died between handing and enqueueing).
     */
    public List<TrainRun> handedUntaken(Instant before) {
        return shared(() -> jdbc.query("select id, segment from training_runs where background = true and placement = 'HANDED'"
                        + " and state = 'QUEUED' and node is null and updated_at < ?",
                (rs, n) -> new TrainRun(rs.getString(1), rs.getInt(2)), java.sql.Timestamp.from(before)));
    }

    private static <T> T shared(java.util.function.Supplier<T> call) {
        try {
            return call.get();
        } catch (org.springframework.dao.DataAccessException e) {
            throw new RunJournal.Unreachable("The database cannot be reached (" + e.getMostSpecificCause().getMessage() + ")", e);
        }
    }
}
