package com.layerlab.app.ui.runs;

import com.layerlab.app.lab.CnnLinks;
import com.layerlab.app.lab.CompareLinks;
import com.layerlab.app.lab.PlaygroundSettings;
import com.layerlab.app.lab.ShareLinks;
import com.layerlab.app.training.Run;
import com.layerlab.app.training.RunStatus;
import com.layerlab.engine.experiment.Experiment;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The pages that run trainings, by the page name a run is submitted with ({@code RunOptions.page}):
 * what "My runs" calls them, and the link that opens a run on its page again, attached to it (the page
 * reads {@value #PARAMETER}; {@code RunOnPage.linked} finds the run).
 */
public final class RunPages {

    /** The link parameter that names the run a page attaches to. */
    public static final String PARAMETER = "run";

    public static final String PLAYGROUND = "playground";
    public static final String COMPARE = "compare";
    public static final String CNN = "cnn";

    /** @param link the page's link (relative to the app's root) to the settings that train these experiments */
    private record Kind(String label, Function<List<Experiment>, String> link) {
    }

    private static final Map<String, Kind> PAGES = Map.of(
            // the playground is the app's root: its link is a query alone
            PLAYGROUND, new Kind("Playground", es -> "?" + ShareLinks.queryString(
                    ShareLinks.playgroundQuery(PlaygroundSettings.fromExperiment(es.get(0))))),
            COMPARE, new Kind("Compare activations", es -> CompareLinks.location(CompareLinks.stateOf(es))),
            CNN, new Kind("CNN lab", es -> CnnLinks.location(CnnLinks.stateOf(es))));

    private RunPages() {
    }

    /** The page's name for people ("CNN lab"); an unknown page's own name. */
    public static String label(String page) {
        Kind k = PAGES.get(page);
        // the REST API's runs have no page of their own
        return k != null ? k.label() : page.equals("api") ? "REST API" : page;
    }

    /**
     * The link (relative to the app's root) that opens {@code run} on its page, attached to it: the page's
     * settings are the run's, with the learning rate and the last epoch in force now (a page may have
     * changed them while it trained), so that the page shows, and keeps, what the run trains. Empty for
     * a page this class does not know.
     */
    public static Optional<String> open(Run<?> run) {
        Kind k = PAGES.get(run.options().page());
        // run ids are URL-safe as they are (base64url)
        return k == null ? Optional.empty() : Optional.of(k.link().apply(inForce(run)) + "&" + PARAMETER + "=" + run.id());
    }

    private static List<Experiment> inForce(Run<?> run) {
        RunStatus s = run.status();
        return run.experiments().stream().map(e -> {
            Experiment now = s.epochs() > 0 ? e.withEpochs(s.epochs()) : e;
            return Double.isFinite(s.learningRate()) && now.optimizer() != null
                    ? now.withOptimizer(now.optimizer().withLr(s.learningRate())) : now;
        }).toList();
    }
}
