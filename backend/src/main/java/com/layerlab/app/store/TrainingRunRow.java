package com.layerlab.app.store;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/**
 * One run in the journal ({@link TrainingRunJournal}); its columns are V4__training_runs.sql's and
 * V5__training_run_metrics.sql's, and two of V8__cluster.sql's. The other V8 columns (placement, segment,
 * wanted, progress_*, notice) are {@link com.layerlab.app.cluster.ClusterStore}'s, written by other nodes while
 * this node's run writes its row: they are not mapped, so that a journal write never puts back what it read.
 */
@Entity
@Table(name = "training_runs")
class TrainingRunRow {

    @Id
    String id;
    @Column(name = "owner_key", nullable = false)
    String ownerKey;
    @Column(nullable = false)
    String page;
    @Column(name = "experiment_id")
    String experimentId;
    @Column(nullable = false)
    String experiments;
    @Column(nullable = false)
    String state;
    @Column(nullable = false)
    int epochs;
    @Column(name = "checkpoint_epoch", nullable = false)
    int checkpointEpoch;
    String folder;
    @Column(nullable = false)
    String backend;
    @Column(nullable = false)
    String device;
    String message;
    @Column(name = "started_at", nullable = false)
    Instant startedAt;
    @Column(name = "updated_at", nullable = false)
    Instant updatedAt;
    /** What it ended with (V5): written apart ({@link TrainingRunRepository#keepMetrics}), never by a journal write. */
    @Column(insertable = false, updatable = false)
    String metrics;

    /** The node that wrote it last (V8): every journal write sets this node's name. */
    String node;
    /**
     * Trained by a worker through JobRunr (V8): set as {@link com.layerlab.app.cluster.ClusterStore#submit} adds
     * the run, never by a journal write (a row the journal adds gets the column's default, false).
     */
    @Column(insertable = false, updatable = false)
    boolean background;

    protected TrainingRunRow() {
        // for JPA
    }
}
