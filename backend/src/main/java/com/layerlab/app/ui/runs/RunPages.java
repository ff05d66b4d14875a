package com.layerlab.app.ui.runs;

import com.layerlab.app.lab.CnnLinks;
import com.layerlab.app.training.Run;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The pages that run trainings, by the page name a run is submitted with ({@code RunOptions.page}):
 * what "My runs" calls them, and the link that opens a run on its page again, attached to it (the page
 * reads {@value #PARAMETER}). A page that cannot attach to a run from its link has no such link yet.
 */
public final class RunPages {

    /** The link parameter that names the run a page attaches to. */
    public static final String PARAMETER = "run";

    private record Kind(String label, Function<Run<?>, String> open) {
    }

    private static final Map<String, Kind> PAGES = Map.of(
            "playground", new Kind("Playground", null),
            "compare", new Kind("Compare activations", null),
            // run ids are URL-safe as they are (base64url)
            "cnn", new Kind("CNN lab", r -> CnnLinks.location(CnnLinks.stateOf(r.experiments())) + "&" + PARAMETER + "=" + r.id()));

    private RunPages() {
    }

    /** The page's name for people ("CNN lab"); an unknown page's own name. */
    public static String label(String page) {
        Kind k = PAGES.get(page);
        return k == null ? page : k.label();
    }

    /** The link (relative to the app's root) that opens {@code run} on its page, attached to it; empty when its page has none. */
    public static Optional<String> open(Run<?> run) {
        Kind k = PAGES.get(run.options().page());
        return k == null || k.open() == null ? Optional.empty() : Optional.of(k.open().apply(run));
    }
}
