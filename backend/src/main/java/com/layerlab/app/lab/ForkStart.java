package com.layerlab.app.lab;

import com.layerlab.engine.experiment.Experiment;
import java.util.Arrays;
import java.util.List;

/**
 * The saved weights a page's runs start from after a fork ({@code ?fork=<id>}), and when they apply: to
 * runs that train what was saved ({@link RunIdentity}); another network or other data would not fit them,
 * so such a run starts from its seed's weights. While they apply, the page's link names the fork, so that a
 * reload, or the link in another tab, starts from them again.
 *
 * @param id          the saved experiment's id; null: no fork ({@link #NONE})
 * @param experiments the runs the saved weights are for
 * @param weights     per experiment, its saved weights (safetensors), in the same order
 */
public record ForkStart(String id, List<Experiment> experiments, List<byte[]> weights) {

    /** The query parameter of a fork: the saved experiment's id. */
    public static final String PARAMETER = "fork";

    /** No fork: every run starts from its seed's weights. */
    public static final ForkStart NONE = new ForkStart(null, List.of(), List.of());

    public ForkStart {
        experiments = List.copyOf(experiments);
        weights = List.copyOf(weights);
        if (weights.size() != experiments.size()) {
            throw new IllegalArgumentException("a fork needs one start weights file per experiment: "
                    + weights.size() + " for " + experiments.size());
        }
    }

    /** Whether runs of {@code wanted} start from the saved weights. */
    public boolean appliesTo(List<Experiment> wanted) {
        return id != null && RunIdentity.same(wanted, experiments);
    }

    /** What runs of {@code wanted} start from (RunOptions.startWeights): the saved weights, or none (the seeds'). */
    public List<byte[]> startWeights(List<Experiment> wanted) {
        return appliesTo(wanted) ? weights : List.of();
    }

    /**
     * Whether a run submitted with {@code startWeights} started where a new run of {@code wanted} would:
     * a run found again on a reload is shown only then.
     */
    public boolean sameStart(List<byte[]> startWeights, List<Experiment> wanted) {
        List<byte[]> expected = startWeights(wanted);
        if (expected.size() != startWeights.size()) {
            return false;
        }
        for (int i = 0; i < expected.size(); i++) {
            if (!Arrays.equals(expected.get(i), startWeights.get(i))) {
                return false;
            }
        }
        return true;
    }

    /**
     * Whether a fork's link keeps its own settings: only when they train what was saved (a reload keeps
     * what may change while it trains, such as the rate); any other settings give way to the saved ones.
     */
    public boolean keepsLinkSettings(boolean linkHasSettings, List<Experiment> linkRuns) {
        return linkHasSettings && appliesTo(linkRuns);
    }

    /** {@code location} (a page's link) naming the fork while runs of {@code wanted} start from its weights. */
    public String link(String location, List<Experiment> wanted) {
        if (!appliesTo(wanted)) {
            return location;
        }
        return location + (location.contains("?") ? "&" : "?") + PARAMETER + "=" + id; // ids are URL-safe
    }
}
