package com.layerlab.app.cluster;

import com.layerlab.app.store.TrainingRunJournal;
import com.layerlab.app.training.RunJournal;
import com.layerlab.app.training.RunState;
import com.layerlab.engine.train.EpochStats;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.springframework.dao.DataAccessException;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.stereotype.Component;
import org.springframework.transaction.TransactionException;
import org.springframework.transaction.support.TransactionTemplate;

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
     * @param notice           what happened to it between nodes (a takeover), or null
     */
    public record Shared(RunJournal.Entry entry, boolean background, Placement placement, int segment, String node,
                         String wanted, int epoch, int batch, int batches, double samplesPerSecond, Instant progressAt,
                         String notice) {

        public String id() {
            return entry.id();
        }

        public RunState state() {
            return entry.state();
        }

        /**
         * Its state as the API and the pages show it: a background run whose training ended while its job still
         * holds it is running until the worker has written its last progress and epochs and let it go (a
         * tick later), so that no one reads "finished" beside the epoch of the tick before.
         */
        public RunState shown() {
            RunState s = entry.state();
            return background && placement == Placement.HANDED && s.ended() && s != RunState.INTERRUPTED
                    ? RunState.RUNNING : s;
        }
    }

    /**
     * A node of the server, as it last said.
     *
     * @param role     web, worker or both
     * @param backends the backends available on it (cpu, opencl, cuda), what {@code auto} gives there first
     * @param runs     runs its runtime trains now
     */
    public record Node(String name, String role, List<String> backends, int runs, Instant started, Instant seen) {

        public Node {
            backends = List.copyOf(backends);
        }
    }

    /** The command a page or the API leaves for the node training a run: stop it after the batch under way. */
    public static final String STOP = "stop";
    /** The command that pauses a run after the batch under way (its node clears it once done: RunPoints.obeyed). */
    public static final String PAUSE = "pause";
    /** The command that has a paused run train on (its node clears it once done). */
    public static final String PLAY = "play";

    /** training_runs.message's length (V4); a longer message is cut, as the journal cuts it. */
    private static final int MESSAGE_LENGTH = 2000;

    /** The columns {@link #shared} reads, in one place so that every query reads the same. */
    private static final String SHARED = "select id, owner_key, page, experiment_id, experiments, state, epochs,"
            + " checkpoint_epoch, folder, backend, device, message, started_at, updated_at, background, placement, segment,"
            + " node, wanted, progress_epoch, progress_batch, progress_batches, samples_per_second, progress_at,"
            + " notice from training_runs";

    // the states as SQL lists: a run that trains or will (not ended), and the ends a resume starts again from
    private static final String NOT_ENDED = "('QUEUED', 'RUNNING', 'PAUSED')";
    private static final String NOT_ENDED_OR_INTERRUPTED = "('QUEUED', 'RUNNING', 'PAUSED', 'INTERRUPTED')";
    private static final String RESUMABLE = "('STOPPED', 'INTERRUPTED', 'FAILED')";

    private final JdbcTemplate jdbc;
    /**
     * The few changes that take two statements (an upsert, a change read back): a transaction manager of this
     * class's own over the JdbcTemplate's data source, so that it needs no more than the template; inside a
     * transaction already open on that data source (the app's JPA one included) it joins that one. Made on
     * first use, so that a test's stand-in (a subclass without a database) can be built.
     */
    private volatile TransactionTemplate transaction;

    public ClusterStore(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    // ---- a web node: background runs in, what they do out -----------------------------------------------

    /**
     * Adds background run {@code e} (state QUEUED, no checkpoint yet), waiting for the hand-off: its
     * journal columns as {@code e} says, background true, placement WAITING, segment 0, node null.
     */
    public void submit(RunJournal.Entry e) {
        database(() -> jdbc.update("insert into training_runs (id, owner_key, page, experiment_id, experiments, state,"
                        + " epochs, checkpoint_epoch, folder, backend, device, message, started_at, updated_at, background,"
                        + " placement, segment, node) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, true, ?, 0, null)",
                e.id(), e.owner(), e.page(), e.experimentId(), TrainingRunJournal.experimentsJson(e.experiments()),
                e.state().name(), e.epochs(), e.checkpointEpoch(), e.folder() == null ? null : e.folder().toString(),
                e.backend(), e.device(), message(e.message()), time(e.started()), time(e.updated()),
                Placement.WAITING.name()));
    }

    /** Run {@code id} as the nodes share it, if the table holds it. */
    public Optional<Shared> find(String id) {
        return database(() -> jdbc.query(SHARED + " where id = ?", ClusterStore::shared, id)).stream().findFirst();
    }

    /** The background runs of {@code owner} on saved experiment {@code experimentId}, oldest first. */
    public List<Shared> ofExperiment(String experimentId, String owner) {
        return database(() -> jdbc.query(SHARED + " where background = true and experiment_id = ? and owner_key = ?"
                + " order by started_at, id", ClusterStore::shared, experimentId, owner));
    }

    /** The background runs of {@code owner}, newest first, at most {@code newest}. */
    public List<Shared> ofOwner(String owner, int newest) {
        return database(() -> jdbc.query(SHARED + " where background = true and owner_key = ?"
                + " order by started_at desc, id desc fetch first ? rows only", ClusterStore::shared, owner, newest));
    }

    /**
     * The background runs not ended (QUEUED, RUNNING, PAUSED; INTERRUPTED counts as ended here) of
     * {@code owner}, or of everyone when {@code owner} is null.
     */
    public int unfinished(String owner) {
        String runs = "select count(*) from training_runs where background = true and state in " + NOT_ENDED;
        return database(() -> owner == null
                ? jdbc.queryForObject(runs, Integer.class)
                : jdbc.queryForObject(runs + " and owner_key = ?", Integer.class, owner));
    }

    /** Background runs in state QUEUED submitted before {@code started}: the runs ahead of one submitted then. */
    public int queuedBefore(Instant started) {
        return database(() -> jdbc.queryForObject("select count(*) from training_runs where background = true"
                + " and state = 'QUEUED' and started_at < ?", Integer.class, time(started)));
    }

    /**
     * Leaves command {@code what} ({@link #STOP}, {@link #PAUSE}, {@link #PLAY}) for the node training run {@code id};
     * false when it ended already.
     */
    public boolean want(String id, String what) {
        return database(() -> jdbc.update("update training_runs set wanted = ? where id = ? and state in " + NOT_ENDED,
                what, id)) == 1;
    }

    /**
     * Ends a background run that no worker has yet: state QUEUED with placement WAITING, or HANDED with no
     * node (a job not yet taken) become {@code state} with {@code message}, placement null, wanted null.
     * Its updated_at becomes now, as any change of state writes it.
     *
     * @return whether it did (false: a worker has the run, or it ended)
     */
    public boolean endUntaken(String id, RunState state, String message) {
        // a handed run stays QUEUED until its worker's journal says otherwise: a HANDED run with no node is QUEUED
        return database(() -> jdbc.update("update training_runs set state = ?, message = ?, placement = null,"
                        + " wanted = null, updated_at = ? where id = ? and background = true and state = 'QUEUED'"
                        + " and (placement = 'WAITING' or (placement = 'HANDED' and node is null))",
                state.name(), message(message), time(Instant.now()), id)) == 1;
    }

    /**
     * Queues an ended background run again (a resume): a STOPPED, INTERRUPTED or FAILED one becomes QUEUED,
     * placement WAITING, node and wanted null, {@code message}, its segment one more. Its updated_at becomes
     * now.
     *
     * @return whether it did (false: it is not in one of those states)
     */
    public boolean requeue(String id, String message) {
        // the segment moves on so that a job of the run's last hand-off still in JobRunr is refused by take
        return database(() -> jdbc.update("update training_runs set state = 'QUEUED', placement = ?, node = null,"
                        + " wanted = null, message = ?, segment = segment + 1, updated_at = ?"
                        + " where id = ? and background = true and state in " + RESUMABLE,
                Placement.WAITING.name(), message(message), time(Instant.now()), id)) == 1;
    }

    /**
     * Makes node {@code node}'s page run {@code id} of {@code owner}, which ended INTERRUPTED there (left
     * running with no page watching it: its last checkpoint in its folder), a background run waiting for the
     * hand-off: background true, placement WAITING, state QUEUED, node and wanted null, the backend its
     * experiments ask for ({@code backend}: "auto" rather than what it resolved to there), {@code message}, no
     * notice, its progress where it goes on (its checkpoint's epoch) until a worker says more. Its segment stays
     * (the hand-off moves it on); its updated_at becomes now.
     *
     * @return whether it did (false: the row is not that: another node's, not interrupted, or background already)
     */
    public boolean toWorkers(String id, String owner, String node, String backend, String message) {
        return database(() -> jdbc.update("update training_runs set background = true, placement = ?, state = 'QUEUED',"
                        + " node = null, wanted = null, notice = null, backend = ?, message = ?, updated_at = ?,"
                        + " progress_batch = 0, progress_epoch = case when checkpoint_epoch > 0 then checkpoint_epoch else 0 end"
                        + " where id = ? and owner_key = ? and node = ? and background = false and state = 'INTERRUPTED'",
                Placement.WAITING.name(), backend, message(message), time(Instant.now()), id, owner, node)) == 1;
    }

    // ---- the fair hand-off (RunDispatcher) ---------------------------------------------------------------

    /** Background runs QUEUED with placement WAITING, oldest first. */
    public List<Shared> waiting() {
        return database(() -> jdbc.query(SHARED + " where background = true and state = 'QUEUED' and placement = ?"
                + " order by started_at, id", ClusterStore::shared, Placement.WAITING.name()));
    }

    /** {@code owner}'s background runs with placement HANDED whose state has not ended (INTERRUPTED counts as not ended). */
    public int handed(String owner) {
        return database(() -> jdbc.queryForObject("select count(*) from training_runs where background = true"
                        + " and placement = ? and owner_key = ? and state in " + NOT_ENDED_OR_INTERRUPTED, Integer.class,
                Placement.HANDED.name(), owner));
    }

    /**
     * Moves run {@code id} from WAITING to HANDED (state stays QUEUED), its segment one more, its updated_at
     * now (when it was handed: {@link #handedUntaken} finds a job lost since).
     *
     * @return the new segment, or empty when another node handed it first (or it is no longer waiting)
     */
    public Optional<Integer> hand(String id) {
        // one transaction: the row stays locked by the update until the segment is read back
        return database(() -> transaction().execute(status -> {
            int moved = jdbc.update("update training_runs set placement = ?, segment = segment + 1, updated_at = ?"
                    + " where id = ? and placement = ? and state = 'QUEUED'", Placement.HANDED.name(), time(Instant.now()),
                    id, Placement.WAITING.name());
            return moved == 1
                    ? Optional.of(jdbc.queryForObject("select segment from training_runs where id = ?", Integer.class, id))
                    : Optional.<Integer>empty();
        }));
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
        // the row is read locked (for update), so that the node returned is the one this take replaced even
        // when two workers take the same job at once (a takeover while the first is still finishing)
        return database(() -> transaction().execute(status -> {
            List<Shared> before = jdbc.query(SHARED + " where id = ? for update", ClusterStore::shared, id);
            int taken = jdbc.update("update training_runs set node = ?, wanted = null where id = ? and placement = ?"
                    + " and segment = ? and state not in ('FINISHED', 'STOPPED', 'FAILED')", node, id,
                    Placement.HANDED.name(), segment);
            return taken == 1 ? before.stream().findFirst() : Optional.<Shared>empty();
        }));
    }

    /**
     * Where run {@code id} is (progress columns, progress_at now); nothing when it has no row. A speed that is
     * not a finite number is kept as unknown (null), read back as NaN.
     */
    public void progress(String id, int epoch, int batch, int batches, double samplesPerSecond) {
        database(() -> jdbc.update("update training_runs set progress_epoch = ?, progress_batch = ?, progress_batches = ?,"
                        + " samples_per_second = ?, progress_at = ? where id = ?", epoch, batch, batches,
                Double.isFinite(samplesPerSecond) ? samplesPerSecond : null, time(Instant.now()), id));
    }

    /** Writes (inserts or replaces) the metrics of network {@code network} of run {@code id}, epoch by epoch. */
    public void epochs(String id, int network, List<EpochStats> stats) {
        if (stats.isEmpty()) {
            return;
        }
        // delete, then insert, in one transaction: the same statements on H2 and PostgreSQL (neither's upsert is
        // the other's), and a reader sees the old rows or the new ones, never none
        database(() -> transaction().execute(status -> {
            jdbc.batchUpdate("delete from training_run_epochs where run_id = ? and network = ? and epoch = ?",
                    stats.stream().map(s -> new Object[] {id, network, s.epoch()}).toList());
            jdbc.batchUpdate("insert into training_run_epochs (run_id, network, epoch, train_loss, test_loss,"
                            + " train_accuracy, test_accuracy) values (?, ?, ?, ?, ?, ?, ?)",
                    stats.stream().map(s -> new Object[] {id, network, s.epoch(), s.trainLoss(), s.testLoss(),
                            s.trainAccuracy(), s.testAccuracy()}).toList());
            return null;
        }));
    }

    /** The metrics of network {@code network} of run {@code id}, epoch 0 first; empty when none were written. */
    public List<EpochStats> epochs(String id, int network) {
        return database(() -> jdbc.query("select epoch, train_loss, test_loss, train_accuracy, test_accuracy"
                + " from training_run_epochs where run_id = ? and network = ? order by epoch", (rs, n) -> new EpochStats(
                rs.getInt("epoch"), rs.getDouble("train_loss"), rs.getDouble("test_loss"), nullable(rs, "train_accuracy"),
                nullable(rs, "test_accuracy")), id, network));
    }

    /** Deletes run {@code id}'s metrics of the epochs after {@code epoch} (trained past its last checkpoint). */
    public void dropEpochsAfter(String id, int epoch) {
        database(() -> jdbc.update("delete from training_run_epochs where run_id = ? and epoch > ?", id, epoch));
    }

    /** What is asked of the node training run {@code id} ({@link #STOP}), or null (also when it has no row). */
    public String wanted(String id) {
        return database(() -> jdbc.queryForList("select wanted from training_runs where id = ?", String.class, id))
                .stream().filter(w -> w != null).findFirst().orElse(null);
    }

    /**
     * A worker leaves run {@code id}, handed at {@code segment}, to another (it lacks the run's backend, or
     * leaves an {@code auto} run to a GPU worker first: {@link WorkerRouting}): back to QUEUED and WAITING with
     * {@code message}, for the next hand-off, when it is still HANDED at that segment, QUEUED or INTERRUPTED (a
     * run a worker may still train, RUNNING there, is not moved; its node, a worker that shut down, stays for
     * the notice of whoever takes it over).
     *
     * @return whether it did
     */
    public boolean leave(String id, int segment, String message) {
        return database(() -> jdbc.update("update training_runs set state = 'QUEUED', placement = ?, message = ?,"
                        + " updated_at = ? where id = ? and placement = ? and segment = ? and state in ('QUEUED', 'INTERRUPTED')",
                Placement.WAITING.name(), message(message), time(Instant.now()), id, Placement.HANDED.name(), segment)) == 1;
    }

    /** A background run's job is over (it ended): placement null, wanted null; the row keeps its node. */
    public void released(String id) {
        database(() -> jdbc.update("update training_runs set placement = null, wanted = null where id = ?", id));
    }

    /**
     * Lets go of run {@code id} if it ended while its job of segment {@code segment} held it: the worker that
     * trained it died between the run's end and {@link #released}, and JobRunr gave the job again.
     *
     * @return whether it did
     */
    public boolean releaseEnded(String id, int segment) {
        return database(() -> jdbc.update("update training_runs set placement = null, wanted = null where id = ?"
                + " and placement = ? and segment = ? and state in ('FINISHED', 'STOPPED', 'FAILED')", id,
                Placement.HANDED.name(), segment)) == 1;
    }

    // ---- the nodes ----------------------------------------------------------------------------------------

    /** Node {@code name} says it is alive (inserted the first time, started_at then; seen_at now). */
    public void heartbeat(String name, String role, List<String> backends, int runs) {
        String available = String.join(",", backends);
        OffsetDateTime now = time(Instant.now());
        String update = "update cluster_nodes set role = ?, backends = ?, runs = ?, seen_at = ? where name = ?";
        database(() -> {
            if (jdbc.update(update, role, available, runs, now, name) == 1) {
                return null;
            }
            try {
                jdbc.update("insert into cluster_nodes (name, role, backends, runs, started_at, seen_at)"
                        + " values (?, ?, ?, ?, ?, ?)", name, role, available, runs, now, now);
            } catch (DuplicateKeyException inserted) {
                // another node of the same name inserted it between the two statements: it is there now
                jdbc.update(update, role, available, runs, now, name);
            }
            return null;
        });
    }

    /** The nodes seen within {@code alive}, by name. */
    public List<Node> nodes(Duration alive) {
        return database(() -> jdbc.query("select name, role, backends, runs, started_at, seen_at from cluster_nodes"
                        + " where seen_at >= ? order by name",
                (rs, n) -> new Node(rs.getString("name"), rs.getString("role"), backends(rs.getString("backends")),
                        rs.getInt("runs"), instant(rs, "started_at"), instant(rs, "seen_at")),
                time(Instant.now().minus(alive))));
    }

    private TransactionTemplate transaction() {
        TransactionTemplate t = transaction;
        if (t == null) {
            // two threads may both make one: either does
            t = new TransactionTemplate(new DataSourceTransactionManager(jdbc.getDataSource()));
            transaction = t;
        }
        return t;
    }

    // ---- rows ---------------------------------------------------------------------------------------------

    /** A row of {@link #SHARED}; the journal's columns as {@link TrainingRunJournal} reads them. */
    private static Shared shared(ResultSet rs, int row) throws SQLException {
        String folder = rs.getString("folder");
        RunJournal.Entry entry = new RunJournal.Entry(rs.getString("id"), rs.getString("owner_key"), rs.getString("page"),
                rs.getString("experiment_id"), TrainingRunJournal.experimentsOf(rs.getString("experiments")),
                RunState.valueOf(rs.getString("state")), rs.getInt("epochs"), rs.getInt("checkpoint_epoch"),
                folder == null ? null : Path.of(folder), rs.getString("backend"), rs.getString("device"),
                rs.getString("message"), instant(rs, "started_at"), instant(rs, "updated_at"));
        String placement = rs.getString("placement");
        Double speed = nullable(rs, "samples_per_second");
        return new Shared(entry, rs.getBoolean("background"), placement == null ? null : Placement.valueOf(placement),
                rs.getInt("segment"), rs.getString("node"), rs.getString("wanted"), rs.getInt("progress_epoch"),
                rs.getInt("progress_batch"), rs.getInt("progress_batches"), speed == null ? Double.NaN : speed,
                instant(rs, "progress_at"), rs.getString("notice"));
    }

    private static Double nullable(ResultSet rs, String column) throws SQLException {
        double v = rs.getDouble(column);
        return rs.wasNull() ? null : v;
    }

    /** A timestamp with time zone: written and read as an offset date-time, which both databases' drivers take. */
    private static OffsetDateTime time(Instant t) {
        return t == null ? null : t.atOffset(ZoneOffset.UTC);
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }

    private static List<String> backends(String column) {
        return column == null || column.isBlank() ? List.of() : Arrays.stream(column.split(",")).map(String::trim).toList();
    }

    private static String message(String message) {
        return message == null ? null : message.substring(0, Math.min(MESSAGE_LENGTH, message.length()));
    }

    /** A database that cannot be reached is {@link RunJournal.Unreachable}, as the journal says it (RunPoints' too). */
    static <T> T database(Supplier<T> call) {
        try {
            return call.get();
        } catch (DataAccessException | TransactionException e) {
            throw new RunJournal.Unreachable("The database cannot be reached (" + e.getMostSpecificCause().getMessage()
                    + ")", e);
        }
    }

    // ---- what happened between nodes (V8's notice column) --------------------------------------------------

    /** Sets what happened to run {@code id} between nodes (a takeover), for its pages and the API; null clears it. */
    public void notice(String id, String text) {
        database(() -> jdbc.update("update training_runs set notice = ? where id = ?", message(text), id));
    }

    /**
     * Background runs handed to JobRunr that no worker has taken (QUEUED, HANDED, no node) since before
     * {@code before} (their updated_at, which {@link #hand} sets): their job may have been lost (a node died
     * between handing and enqueueing). Oldest first.
     */
    public List<TrainRun> handedUntaken(Instant before) {
        return database(() -> jdbc.query("select id, segment from training_runs where background = true"
                        + " and placement = ? and state = 'QUEUED' and node is null and updated_at < ? order by updated_at, id",
                (rs, n) -> new TrainRun(rs.getString("id"), rs.getInt("segment")), Placement.HANDED.name(), time(before)));
    }

    /** The jobs of the background runs handed to JobRunr whose run has not ended (INTERRUPTED counts as not ended). */
    public List<TrainRun> handedJobs() {
        return database(() -> jdbc.query("select id, segment from training_runs where background = true and placement = ?"
                        + " and state in " + NOT_ENDED_OR_INTERRUPTED + " order by started_at, id",
                (rs, n) -> new TrainRun(rs.getString("id"), rs.getInt("segment")), Placement.HANDED.name()));
    }

    /**
     * The folders of the runs that have not ended, or that were interrupted and go on from their checkpoint
     * (whichever node trains them): a node's prune of the shared runs folder keeps them.
     */
    public Set<Path> unendedFolders() {
        return Set.copyOf(database(() -> jdbc.queryForList("select folder from training_runs where folder is not null"
                + " and state in " + NOT_ENDED_OR_INTERRUPTED, String.class)).stream().map(Path::of).toList());
    }

    /**
     * Ends a handed run whose job JobRunr gave up on (it failed on every try): FAILED with {@code message},
     * placement and wanted null, when it is still HANDED at {@code segment} and not ended.
     *
     * @return whether it did
     */
    public boolean givenUp(String id, int segment, String message) {
        return database(() -> jdbc.update("update training_runs set state = 'FAILED', placement = null, wanted = null,"
                + " message = ?, updated_at = ? where id = ? and placement = ? and segment = ? and state in "
                + NOT_ENDED_OR_INTERRUPTED, message(message), time(Instant.now()), id, Placement.HANDED.name(), segment)) == 1;
    }
}
