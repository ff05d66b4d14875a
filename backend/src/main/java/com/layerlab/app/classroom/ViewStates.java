package com.layerlab.app.classroom;

import com.layerlab.app.lab.CnnLinks;
import com.layerlab.app.lab.PlaygroundSettings;
import com.layerlab.app.lab.ShareLinks;
import com.layerlab.app.store.Page;
import com.layerlab.engine.experiment.Experiment;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * A push's {@code viewState} (its lab's link's query string, {@link Push#viewState}) read back into the
 * playground's settings or the CNN lab's experiment: what a student's page opens, what the scorer checks
 * the locks against.
 */
public final class ViewStates {

    /** The longest view state kept: a share link's packed experiment and its view options. */
    public static final int MAX_CHARS = ShareLinks.MAX_PACKED_CHARS + 64;

    private ViewStates() {
    }

    /** The query string as kept: stripped, without a leading '?'. */
    public static String strip(String viewState) {
        String state = viewState == null ? "" : viewState.strip();
        return state.startsWith("?") ? state.substring(1) : state;
    }

    /** The query string's parameters ("x=...&test=1"), in order; values need no URL decoding (ShareLinks.queryString). */
    public static Map<String, List<String>> parameters(String viewState) {
        Map<String, List<String>> params = new LinkedHashMap<>();
        for (String pair : strip(viewState).split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String key = eq < 0 ? pair : pair.substring(0, eq);
            String value = eq < 0 ? "" : pair.substring(eq + 1);
            params.computeIfAbsent(key, k -> new ArrayList<>()).add(value);
        }
        return params;
    }

    /**
     * Checks that {@code viewState} opens on {@code lab} ({@link #settings} for the playground, {@link #cnn}
     * for the CNN lab): ClassRefused (400, naming "Experiment") when it does not.
     */
    public static void check(Page lab, String viewState) {
        if (lab == Page.CNN) {
            cnn(viewState);
        } else if (lab == Page.PLAYGROUND) {
            settings(viewState);
        } else {
            throw new ClassRefused(400, "Experiment: a class opens the playground or the CNN lab, not " + lab.label() + ".");
        }
    }

    /**
     * The CNN lab's experiment of a view state (a CNN lab link's query string, CnnLinks.query); ClassRefused
     * (400, the message naming "Experiment") when it is empty, too long, has no experiment or does not open.
     */
    public static Experiment cnn(String viewState) {
        return open(viewState, "CNN lab", CnnLinks::parse).experiment();
    }

    /**
     * The playground settings of a view state; ClassRefused (400, the message naming "Experiment") when
     * it is empty, too long, has no experiment or does not open.
     */
    public static PlaygroundSettings settings(String viewState) {
        return open(viewState, "playground", ShareLinks::parsePlayground);
    }

    /** What {@code parse} (a lab's link reader) opens of a view state, or the refusal naming "Experiment". */
    private static <T> T open(String viewState, String lab, Function<Map<String, List<String>>, ShareLinks.Parsed<T>> parse) {
        String state = strip(viewState);
        if (state.isEmpty()) {
            throw new ClassRefused(400, "Experiment: nothing to push (no " + lab + " experiment).");
        }
        if (state.length() > MAX_CHARS) {
            throw new ClassRefused(400, "Experiment: the experiment is longer than a " + lab + " link holds.");
        }
        Map<String, List<String>> params = parameters(state);
        if (!params.containsKey(ShareLinks.EXPERIMENT)) {
            // a lab's link without one opens its defaults: a push must say what it pushes
            throw new ClassRefused(400, "Experiment: the link is not a " + lab + " link's (no experiment in it).");
        }
        ShareLinks.Parsed<T> parsed;
        try {
            parsed = parse.apply(params);
        } catch (RuntimeException e) {
            throw new ClassRefused(400, "Experiment: " + e.getMessage());
        }
        if (!parsed.ok()) {
            throw new ClassRefused(400, "Experiment: " + parsed.error());
        }
        return parsed.value();
    }
}
