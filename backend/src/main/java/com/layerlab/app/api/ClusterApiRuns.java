package com.layerlab.app.api;

import com.layerlab.app.cluster.ClusterStore;
import com.layerlab.app.cluster.NodeSettings;
import com.layerlab.engine.experiment.Experiment;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.context.annotation.Conditional;
import org.springframework.stereotype.Component;

/**
 * The API's runs on a server of several nodes (docs/cluster.md): each is a background run, kept in the
 * database ({@link ClusterStore}), handed fairly to JobRunr and trained by a worker node; this node answers
 * for it from the database, whichever node trains it.
 */
@Component
@Conditional(NodeSettings.Clustered.class)
class ClusterApiRuns implements ApiRunStore {

    private final ClusterStore cluster;

    ClusterApiRuns(ClusterStore cluster) {
        this.cluster = cluster;
    }

    @Override
    public Map<String, Object> start(String experimentId, Experiment experiment, String owner, boolean signedIn, int epochs) {
        throw new UnsupportedOperationException("not yet");
    }

    @Override
    public Map<String, Object> view(String runId, String owner) {
        throw new UnsupportedOperationException("not yet");
    }

    @Override
    public Map<String, Object> stop(String runId, String owner) {
        throw new UnsupportedOperationException("not yet");
    }

    @Override
    public Map<String, Object> resume(String runId, String owner, boolean signedIn) {
        throw new UnsupportedOperationException("not yet");
    }

    @Override
    public byte[] weights(String runId, String owner) {
        throw new UnsupportedOperationException("not yet");
    }

    @Override
    public byte[] events(String runId, String owner) {
        throw new UnsupportedOperationException("not yet");
    }

    @Override
    public List<Map<String, Object>> ofExperiment(String experimentId, String owner) {
        throw new UnsupportedOperationException("not yet");
    }

    @Override
    public Optional<byte[]> finishedWeights(String experimentId, String owner) {
        throw new UnsupportedOperationException("not yet");
    }
}
