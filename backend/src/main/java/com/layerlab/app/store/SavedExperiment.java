package com.layerlab.app.store;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/**
 * A saved experiment: the file, what its training learned (weights, metrics, TensorBoard events) and who
 * may see it. Made only by {@link ExperimentStore}, which checks its limits; its columns are V1__store.sql's.
 * The experiment file, weights and metrics here are its first network's: a comparison's others are
 * {@link SavedNetwork} rows ({@link ExperimentStore#networks} gives them all); its size counts them all.
 */
@Entity
@Table(name = "experiments")
public class SavedExperiment {

    @Id
    private String id;
    @Column(name = "owner_key", nullable = false)
    private String ownerKey;
    @Column(nullable = false)
    private String name;
    @Column(name = "is_public", nullable = false)
    private boolean publicFlag;
    @Column(name = "created_at", nullable = false)
    private Instant createdAt;
    @Column(nullable = false)
    private String page;
    @Column(nullable = false)
    private String experiment;
    @Column(name = "view_state", nullable = false)
    private String viewState;
    @Column(name = "trained_epoch", nullable = false)
    private int trainedEpoch;
    @Column(nullable = false)
    private byte[] weights;
    @Column(nullable = false)
    private String metrics;
    private byte[] events;
    @Column(name = "size_bytes", nullable = false)
    private long sizeBytes;

    protected SavedExperiment() {
        // for JPA
    }

    SavedExperiment(String id, String ownerKey, String name, boolean publicFlag, Instant createdAt, String page,
                    String experiment, String viewState, int trainedEpoch, byte[] weights, String metrics,
                    byte[] events, long sizeBytes) {
        this.id = id;
        this.ownerKey = ownerKey;
        this.name = name;
        this.publicFlag = publicFlag;
        this.createdAt = createdAt;
        this.page = page;
        this.experiment = experiment;
        this.viewState = viewState;
        this.trainedEpoch = trainedEpoch;
        this.weights = weights;
        this.metrics = metrics;
        this.events = events;
        this.sizeBytes = sizeBytes;
    }

    public String id() {
        return id;
    }

    public String ownerKey() {
        return ownerKey;
    }

    public String name() {
        return name;
    }

    public boolean isPublic() {
        return publicFlag;
    }

    public Instant createdAt() {
        return createdAt;
    }

    /** The page that saved it: {@link Page#id()}. */
    public Page page() {
        return Page.of(page);
    }

    /** The layerlab/experiment@1 file, as saved. */
    public String experimentJson() {
        return experiment;
    }

    public String viewState() {
        return viewState;
    }

    public int trainedEpoch() {
        return trainedEpoch;
    }

    public byte[] weights() {
        return weights;
    }

    public String metricsJson() {
        return metrics;
    }

    /** The zipped TensorBoard event files, or null. */
    public byte[] events() {
        return events;
    }

    public long sizeBytes() {
        return sizeBytes;
    }

    void rename(String newName) {
        this.name = newName;
    }

    void makePublic(boolean on) {
        this.publicFlag = on;
    }

    /** Trained on: what it learned replaces what it had (its TensorBoard files go), {@code newSize} its size now. */
    void trained(byte[] newWeights, String newMetrics, int epoch, long newSize) {
        this.weights = newWeights;
        this.metrics = newMetrics;
        this.trainedEpoch = epoch;
        this.events = null;
        this.sizeBytes = newSize;
    }
}
