package com.layerlab.app.store;

import com.layerlab.app.lab.CompareActivation;
import com.layerlab.app.lab.CompareLinks;
import com.layerlab.app.lab.PlaygroundSettings;
import com.layerlab.engine.experiment.Experiment;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * A saved comparison opened to train on (the compare page's {@code ?fork=<id>}): the page's state, whose
 * {@link CompareLinks.State#experiments()} are the runs to submit, and the weights each of them starts
 * from (RunOptions.startWeights), in the same order.
 *
 * @param id           the saved comparison's id
 * @param name         its name, for the page to say what it forked
 * @param trainedEpoch how far it had trained when saved
 * @param state        the compare page's settings and activations, as saved (the learning rate in force then)
 * @param startWeights per experiment of {@code state.experiments()}, its saved weights (safetensors)
 */
public record ComparisonFork(String id, String name, int trainedEpoch, CompareLinks.State state,
                             List<byte[]> startWeights) {

    public ComparisonFork {
        startWeights = List.copyOf(startWeights);
        if (startWeights.size() != state.activations().size()) {
            throw new IllegalArgumentException("a fork needs one start weights file per network: "
                    + startWeights.size() + " for " + state.activations().size());
        }
    }

    /** The runs to submit, one per activation: their start weights are {@link #startWeights()}, in this order. */
    public List<Experiment> experiments() {
        return state.experiments();
    }

    /**
     * The rule: the compare page's settings are those of the saved networks (they differ only in their
     * activation), its activations theirs; each run the page builds from them must be the saved network of
     * its activation, or the saved weights would not fit it.
     */
    static ComparisonFork of(SavedExperiment saved, List<Experiment> networks, List<byte[]> weights) {
        Map<CompareActivation, Experiment> experimentOf = new EnumMap<>(CompareActivation.class);
        Map<CompareActivation, byte[]> weightsOf = new EnumMap<>(CompareActivation.class);
        CompareLinks.State state;
        try {
            for (int i = 0; i < networks.size(); i++) {
                CompareActivation a = CompareLinks.activationOf(networks.get(i));
                experimentOf.put(a, networks.get(i));
                weightsOf.put(a, weights.get(i));
            }
            state = new CompareLinks.State(PlaygroundSettings.fromExperiment(networks.get(0)),
                    List.copyOf(experimentOf.keySet()));
        } catch (IllegalArgumentException e) {
            throw cannotFork(saved, e.getMessage());
        }
        List<Experiment> runs = state.experiments();
        for (int i = 0; i < runs.size(); i++) {
            CompareActivation a = state.activations().get(i);
            if (!runs.get(i).model().equals(experimentOf.get(a).model())) {
                throw cannotFork(saved, "its " + a.layerType() + " network is not the one the compare page builds "
                        + "from its settings");
            }
        }
        return new ComparisonFork(saved.id(), saved.name(), saved.trainedEpoch(), state,
                state.activations().stream().map(weightsOf::get).toList());
    }

    private static StoreException cannotFork(SavedExperiment saved, String why) {
        return new StoreException(StoreException.Kind.BAD_INPUT, "The saved comparison \"" + saved.name()
                + "\" cannot be trained on here: " + why + ".");
    }
}
