package com.layerlab.app.store;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;
import java.io.Serializable;
import java.util.Objects;

/**
 * One network of a saved experiment: its experiment file, its trained weights and its metrics history.
 * Every saved experiment has a first one, held by its {@link SavedExperiment} row (position 0); a
 * comparison's further networks are rows of their own (V3__experiment_networks.sql), position 1 on.
 * {@link ExperimentStore#networks} gives them all, in order.
 */
@Entity
@Table(name = "experiment_networks")
@IdClass(SavedNetwork.Key.class)
public class SavedNetwork {

    /** The primary key: the experiment and the network's place in it. */
    public static class Key implements Serializable {
        private String experimentId;
        private int position;

        protected Key() {
            // for JPA
        }

        Key(String experimentId, int position) {
            this.experimentId = experimentId;
            this.position = position;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && k.position == position && Objects.equals(k.experimentId, experimentId);
        }

        @Override
        public int hashCode() {
            return Objects.hash(experimentId, position);
        }
    }

    @Id
    @Column(name = "experiment_id")
    private String experimentId;
    @Id
    private int position;
    @Column(nullable = false)
    private String experiment;
    @Column(nullable = false)
    private byte[] weights;
    @Column(nullable = false)
    private String metrics;

    protected SavedNetwork() {
        // for JPA
    }

    SavedNetwork(String experimentId, int position, String experiment, byte[] weights, String metrics) {
        this.experimentId = experimentId;
        this.position = position;
        this.experiment = experiment;
        this.weights = weights;
        this.metrics = metrics;
    }

    /** The first network, which the experiment's own row holds. */
    static SavedNetwork first(SavedExperiment e) {
        return new SavedNetwork(e.id(), 0, e.experimentJson(), e.weights(), e.metricsJson());
    }

    /** Its place in the experiment, from 0: the order the page trained the networks in. */
    public int position() {
        return position;
    }

    /** The layerlab/experiment@1 file, as saved. */
    public String experimentJson() {
        return experiment;
    }

    public byte[] weights() {
        return weights;
    }

    public String metricsJson() {
        return metrics;
    }
}
