package com.layerlab.app.classroom;

import com.layerlab.app.lab.CnnLinks;
import com.layerlab.app.lab.PlaygroundSettings;
import com.layerlab.app.lab.ShareLinks;
import com.layerlab.app.store.Page;
import com.layerlab.app.training.Run;
import com.layerlab.app.training.RunStatus;
import com.layerlab.app.training.TrainingRuntime;
import com.layerlab.engine.experiment.DataSets;
import com.layerlab.engine.experiment.Experiment;
import com.layerlab.engine.experiment.ExperimentException;
import com.layerlab.engine.experiment.Models;
import java.util.ArrayList;
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
        Experiment e = asTrainedNow(run.experiments().get(0), run.status());
        try {
            return Optional.of(PlaygroundSettings.fromExperiment(e));
        } catch (IllegalArgumentException notShown) {
            return Optional.empty();
        }
    }

    /**
     * What a CNN lab run trains as its experiments, with the learning rate and last epoch in force now (its
     * page may change them while it trains: a locked learning rate changed mid-run counts): one, or one
     * per activation of a comparison (CnnLinks.runsOf). Empty for a run that trains no image set.
     */
    public static Optional<List<Experiment>> cnnExperiments(Run<?> run) {
        RunStatus s = run.status();
        List<Experiment> out = new ArrayList<>();
        for (Experiment e : run.experiments()) {
            if (e.data() == null || !DataSets.isImage(e.data().dataset())) {
                return Optional.empty();
            }
            out.add(asTrainedNow(e, s));
        }
        return out.isEmpty() ? Optional.empty() : Optional.of(List.copyOf(out));
    }

    /** A CNN lab run's (first) experiment as it trains now ({@link #cnnExperiments}); what a challenge's locks are checked on. */
    public static Optional<Experiment> cnnExperiment(Run<?> run) {
        return cnnExperiments(run).map(l -> l.get(0));
    }

    /** The CNN lab link's query string (without "?") that opens what the run trains now; empty where the lab cannot show it. */
    public static Optional<String> cnnViewState(Run<?> run) {
        try {
            return cnnExperiments(run).map(l -> ShareLinks.queryString(CnnLinks.query(CnnLinks.stateOf(l))));
        } catch (IllegalArgumentException notShown) {
            // a comparison the lab did not make (a run without an activation to swap)
            return Optional.empty();
        }
    }

    /**
     * The query string (without "?") of the link of the run's own lab (its page: the playground's or the CNN
     * lab's) that opens what it trains now; empty for a run of another page or what its lab cannot show.
     */
    public static Optional<String> viewState(Run<?> run) {
        String page = run.options().page();
        if (Page.CNN.id().equals(page)) {
            return cnnViewState(run);
        }
        return PAGE.equals(page) ? settings(run).map(StudentRuns::viewState) : Optional.empty();
    }

    /** The link (from the app's root, with the leading '/') that opens what the run trains in its lab ({@link #viewState}). */
    public static Optional<String> link(Run<?> run) {
        String route = Page.CNN.id().equals(run.options().page()) ? "/" + CnnLinks.ROUTE + "?" : "/?";
        return viewState(run).map(q -> route + q);
    }

    private static Experiment asTrainedNow(Experiment e, RunStatus s) {
        if (s.epochs() > 0) {
            e = e.withEpochs(s.epochs());
        }
        if (Double.isFinite(s.learningRate()) && e.optimizer() != null) {
            e = e.withOptimizer(e.optimizer().withLr(s.learningRate()));
        }
        return e;
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
