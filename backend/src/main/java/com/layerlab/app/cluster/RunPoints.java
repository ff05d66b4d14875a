package com.layerlab.app.cluster;

import com.layerlab.app.training.RunJournal;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The points within a background run's epochs, through the database (V9__run_points.sql): the node training
 * the run writes its training loss batch by batch (about 25 points an epoch, as the CNN lab's curve draws it)
 * at each of its ticks, and a page on any node reads the points after the last it has. A run keeps its
 * newest {@link #KEEP}: older ones are deleted as new ones are written (a page opened late on a long run
 * draws the earlier epochs from their per-epoch metrics alone), and all go with the run's row.
 *
 * <p>Also the one change of a command the node obeys without ending ({@link #obeyed}: a pause, a play),
 * cleared only if it is still the one obeyed. A database that does not answer is {@link RunJournal.Unreachable},
 * as {@link ClusterStore} says it.
 */
@Component
public class RunPoints {

    /** The points kept per run, the newest. */
    public static final int KEEP = 2_000;

    /**
     * One point: the mean training loss of network {@code network}'s batches since its previous point, up to
     * batch {@code batch} of {@code batches} of epoch {@code epoch} (from 1).
     *
     * @param seq its place in the order written (0 for one not written yet)
     */
    public record Point(long seq, int network, int epoch, int batch, int batches, double trainLoss) {

        /** Where in the training: epochs done, the one under way as a fraction (1.5: half way through epoch 2). */
        public double x() {
            return epoch - 1 + (batches == 0 ? 0 : (double) batch / batches);
        }
    }

    private final JdbcTemplate jdbc;
    private final int keep;
    /** Writing points and trimming the old ones is one transaction: a reader never sees more than kept. */
    private final TransactionTemplate transaction;

    @Autowired
    public RunPoints(JdbcTemplate jdbc) {
        this(jdbc, KEEP);
    }

    /** @param keep the points kept per run (a test's smaller bound) */
    public RunPoints(JdbcTemplate jdbc, int keep) {
        if (keep < 1) {
            throw new IllegalArgumentException("a run keeps at least one point, got " + keep);
        }
        this.jdbc = jdbc;
        this.keep = keep;
        this.transaction = new TransactionTemplate(new DataSourceTransactionManager(jdbc.getDataSource()));
    }

    /**
     * Adds {@code points} (their seq ignored) to run {@code id}, in order, and deletes its points older than the
     * newest {@link #KEEP}. Nothing when the run's row is gone (discarded meanwhile).
     */
    public void write(String id, List<Point> points) {
        if (points.isEmpty()) {
            return;
        }
        OffsetDateTime now = Instant.now().atOffset(ZoneOffset.UTC);
        ClusterStore.database(() -> {
            try {
                return transaction.execute(status -> {
                    jdbc.batchUpdate("insert into training_run_points (run_id, network, epoch, batch, batches, train_loss,"
                                    + " written_at) values (?, ?, ?, ?, ?, ?, ?)",
                            points.stream().map(p -> new Object[] {id, p.network(), p.epoch(), p.batch(), p.batches(),
                                    p.trainLoss(), now}).toList());
                    // the oldest kept is the keep-th from the newest: the ones before it go
                    List<Long> oldestKept = jdbc.queryForList("select seq from training_run_points where run_id = ?"
                            + " order by seq desc offset ? rows fetch next 1 rows only", Long.class, id, keep - 1);
                    if (!oldestKept.isEmpty()) {
                        jdbc.update("delete from training_run_points where run_id = ? and seq < ?", id, oldestKept.get(0));
                    }
                    return null;
                });
            } catch (DataIntegrityViolationException gone) {
                // the run's row was deleted (the run discarded): its points went with it, and these have no run
                return null;
            }
        });
    }

    /** Run {@code id}'s points written after {@code seq} (0: all kept), oldest first, at most {@code max}. */
    public List<Point> after(String id, long seq, int max) {
        return ClusterStore.database(() -> jdbc.query("select seq, network, epoch, batch, batches, train_loss from training_run_points"
                        + " where run_id = ? and seq > ? order by seq fetch first ? rows only",
                (rs, n) -> new Point(rs.getLong("seq"), rs.getInt("network"), rs.getInt("epoch"), rs.getInt("batch"),
                        rs.getInt("batches"), rs.getDouble("train_loss")), id, seq, max));
    }

    /**
     * Deletes run {@code id}'s points of the epochs after {@code epoch} (completed epochs of its last checkpoint):
     * a node that goes on from that checkpoint trains them again.
     */
    public void dropAfter(String id, int epoch) {
        ClusterStore.database(() -> jdbc.update("delete from training_run_points where run_id = ? and epoch > ?", id, epoch));
    }

    /**
     * The node training run {@code id} did what was asked of it ({@link ClusterStore#PAUSE}, {@link ClusterStore#PLAY}):
     * the command is cleared, unless another was left meanwhile (a stop asked just after a pause stays).
     */
    public void obeyed(String id, String what) {
        ClusterStore.database(() -> jdbc.update("update training_runs set wanted = null where id = ? and wanted = ?", id, what));
    }
}
