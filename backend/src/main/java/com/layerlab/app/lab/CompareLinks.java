package com.layerlab.app.lab;

import com.layerlab.engine.experiment.Experiment;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The compare page's state and its URL: the shared network and data settings (the playground's
 * experiment, packed as {@link ShareLinks} packs it, parameter {@value ShareLinks#EXPERIMENT}) plus the
 * activations side by side (parameter {@value #ACTIVATIONS}, e.g. {@code ReLU.Tanh.Sigmoid}). A
 * playground link's query opens here as it is: without {@value #ACTIVATIONS} the three of the course
 * notes are compared.
 */
public final class CompareLinks {

    /**
     * The compared activations: PyTorch names joined by {@value #SEPARATOR}, a character URLs keep as it
     * is (a comma would come back as %2C from the router); commas are read too, for hand-written links.
     */
    public static final String ACTIVATIONS = "acts";
    public static final String SEPARATOR = ".";

    /** The path of the compare page. */
    public static final String ROUTE = "compare";

    /**
     * Opened without a link: the playground's data and rate on a deeper network (four hidden layers of
     * six), deep enough that Sigmoid's gradient visibly fades towards the input while ReLU's and
     * Tanh's do not.
     */
    public static final PlaygroundSettings DEFAULT_SETTINGS =
            PlaygroundSettings.DEFAULTS.toBuilder().hiddenLayers(List.of(6, 6, 6, 6)).build();

    public static final State DEFAULTS = new State(DEFAULT_SETTINGS, CompareActivation.DEFAULTS);

    /** Settings shared by every run, and the activations compared (two or more, in the page's order). */
    public record State(PlaygroundSettings settings, List<CompareActivation> activations) {
        public State {
            activations = canonical(activations);
            if (activations.size() < 2) {
                throw new IllegalArgumentException("compare at least two activations, got " + activations);
            }
        }

        /** One experiment per activation: the same settings and seed with every hidden activation replaced. */
        public List<Experiment> experiments() {
            List<Experiment> out = new ArrayList<>();
            for (CompareActivation a : activations) {
                out.add(experimentFor(settings, a));
            }
            return out;
        }
    }

    private CompareLinks() {
    }

    /**
     * The run of one activation. Its name says which activation it is, so a frame made by the training
     * thread can be matched to its card even while the page is changing the selection.
     */
    public static Experiment experimentFor(PlaygroundSettings settings, CompareActivation a) {
        Experiment e = settings.toBuilder().allActivations(a.layerType()).build().toExperiment();
        return e.withName(namePrefix(a) + settings.dataset());
    }

    /** Which activation a run made by {@link #experimentFor} trains. */
    public static CompareActivation activationOf(Experiment e) {
        String name = e.name() == null ? "" : e.name();
        for (CompareActivation a : CompareActivation.values()) {
            if (name.startsWith(namePrefix(a))) {
                return a;
            }
        }
        throw new IllegalArgumentException("not a compare run: \"" + name + "\"");
    }

    private static String namePrefix(CompareActivation a) {
        return "Compare " + a.layerType() + ": ";
    }

    /**
     * The state whose run trains {@code runs} (a run's experiments, made by {@link #experimentFor}): the
     * shared settings and the activations compared. Its link opens the page on what that run trains.
     */
    public static State stateOf(List<Experiment> runs) {
        return new State(PlaygroundSettings.fromExperiment(runs.get(0)), runs.stream().map(CompareLinks::activationOf).toList());
    }

    /** Query parameters (in order) that restore this state. */
    public static Map<String, String> query(State s) {
        Map<String, String> q = new LinkedHashMap<>();
        q.put(ShareLinks.EXPERIMENT, ShareLinks.pack(s.settings().toExperiment()));
        q.put(ACTIVATIONS, String.join(SEPARATOR, s.activations().stream().map(CompareActivation::layerType).toList()));
        return q;
    }

    /** The link (relative to the app's root) that opens this state. */
    public static String location(State s) {
        return ROUTE + "?" + ShareLinks.queryString(query(s));
    }

    /** The link (relative to the app's root) that compares activations on a playground state. */
    public static String fromPlayground(PlaygroundSettings s) {
        return ROUTE + "?" + ShareLinks.EXPERIMENT + "=" + ShareLinks.pack(s.toExperiment());
    }

    /**
     * The state of a link's query parameters: no parameters give the defaults; a broken part gives the
     * defaults and a message for the user, never an exception.
     */
    public static ShareLinks.Parsed<State> parse(Map<String, List<String>> params) {
        if (params == null || params.isEmpty()
                || !params.containsKey(ShareLinks.EXPERIMENT) && !params.containsKey(ACTIVATIONS)) {
            return new ShareLinks.Parsed<>(DEFAULTS, null);
        }
        try {
            PlaygroundSettings settings = DEFAULT_SETTINGS;
            String packed = ShareLinks.single(params, ShareLinks.EXPERIMENT);
            if (packed != null) {
                Experiment e = ShareLinks.unpack(packed);
                try {
                    settings = PlaygroundSettings.fromExperiment(e);
                } catch (IllegalArgumentException ex) {
                    throw new ShareLinks.ShareLinkException(
                            "The link's experiment cannot be compared here: " + ex.getMessage());
                }
            }
            String acts = ShareLinks.single(params, ACTIVATIONS);
            List<CompareActivation> activations = acts == null ? CompareActivation.DEFAULTS : parseActivations(acts);
            return new ShareLinks.Parsed<>(new State(settings, activations), null);
        } catch (ShareLinks.ShareLinkException ex) {
            return new ShareLinks.Parsed<>(DEFAULTS, ex.getMessage());
        }
    }

    private static List<CompareActivation> parseActivations(String text) {
        Set<CompareActivation> seen = EnumSet.noneOf(CompareActivation.class);
        for (String part : text.split("[.,]", -1)) {
            CompareActivation a;
            try {
                a = CompareActivation.parse(part);
            } catch (IllegalArgumentException ex) {
                throw new ShareLinks.ShareLinkException("The link is damaged: \"" + part
                        + "\" is not an activation this page compares (ReLU, Tanh, Sigmoid, LeakyReLU, Identity).");
            }
            if (!seen.add(a)) {
                throw new ShareLinks.ShareLinkException("The link is damaged: it lists " + a.layerType() + " twice.");
            }
        }
        if (seen.size() < 2) {
            throw new ShareLinks.ShareLinkException("The link names fewer than two activations: a comparison needs two or more.");
        }
        return List.copyOf(seen);
    }

    /** The activations in the page's order (the order of {@link CompareActivation}), each once. */
    static List<CompareActivation> canonical(List<CompareActivation> activations) {
        Set<CompareActivation> set = EnumSet.noneOf(CompareActivation.class);
        if (activations != null) {
            for (CompareActivation a : activations) {
                if (a != null) {
                    set.add(a);
                }
            }
        }
        return List.copyOf(set);
    }
}
