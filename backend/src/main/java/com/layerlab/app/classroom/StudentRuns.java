package com.layerlab.app.classroom;

import com.layerlab.app.lab.PlaygroundSettings;
import com.layerlab.app.lab.ShareLinks;
import com.layerlab.app.store.Page;
import com.layerlab.app.training.Run;
import com.layerlab.app.training.RunStatus;
import com.layerlab.app.training.TrainingRuntime;
import com.layerlab.engine.experiment.Experiment;
import com.layerlab.engine.experiment.ExperimentException;
import com.layerlab.engine.experiment.Models;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A student's runs as the class sees them (the teacher's board, the challenge's scoring): the seat's
 * current run on a lab (the playground's or the CNN lab's), and what it trains in that lab's terms.
 */
public final class StudentRuns {

    /** The page name the playground submits its runs with ({@code RunOptions.page}; ui.runs.RunPages.PLAYGROUND). */
    public static final String PAGE = Page.PLAYGROUND.id();

    private StudentRuns() {
    }

    /** {@code owner}'s current playground run: their latest submitted (a discarded one left out), if any. */
    public static Optional<Run<?>> current(TrainingRuntime runtime, String owner) {
        return current(runtime, owner, Page.PLAYGROUND);
    }

    /**
     * {@code owner}'s current run on {@code lab} (the runs' page names are the store's page ids): their
     * latest submitted there (a discarded one left out), if any.
     */
    public static Optional<Run<?>> current(TrainingRuntime runtime, String owner, Page lab) {
        // runsOf is newest first
        for (Run<?> r : runtime.runsOf(owner)) {
            if (lab.id().equals(r.options().page()) && !r.isDiscarded()) {
                return Optional.of(r);
            }
        }
        return Optional.empty();
    }

    /**
     * What the run trains as the playground's settings, with the learning rate and last epoch in force now
     * (its page may have changed them while it trained: a locked learning rate changed mid-run counts);
     * empty for an experiment the playground cannot show.
     */
    public static Optional<PlaygroundSettings> settings(Run<?> run) {
        RunStatus s = run.status();
        Experiment e = run.experiments().get(0);
        if (s.epochs() > 0) {
            e = e.withEpochs(s.epochs());
        }
        if (Double.isFinite(s.learningRate()) && e.optimizer() != null) {
            e = e.withOptimizer(e.optimizer().withLr(s.learningRate()));
        }
        try {
            return Optional.of(PlaygroundSettings.fromExperiment(e));
        } catch (IllegalArgumentException notShown) {
            return Optional.empty();
        }
    }

    /** The playground link's query string (without "?") that opens {@code s}. */
    public static String viewState(PlaygroundSettings s) {
        return ShareLinks.queryString(ShareLinks.playgroundQuery(s));
    }

    /** The parameters (weights and biases) of the run's network, as the playground's network panel counts them. */
    public static int params(Run<?> run) {
        try {
            return (int) Math.min(Integer.MAX_VALUE, Models.inspect(run.experiments().get(0)).totalParams());
        } catch (ExperimentException invalid) {
            return 0;
        }
    }

    /** The settings a push's view state opens (a playground link's query string, as pushed); empty if it does not parse. */
    public static Optional<PlaygroundSettings> parse(String viewState) {
        if (viewState == null) {
            return Optional.empty();
        }
        Map<String, List<String>> params = ViewStates.parameters(viewState);
        ShareLinks.Parsed<PlaygroundSettings> parsed = ShareLinks.parsePlayground(params);
        return parsed.ok() && params.containsKey(ShareLinks.EXPERIMENT) ? Optional.of(parsed.value()) : Optional.empty();
    }
}
