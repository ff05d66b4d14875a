package com.layerlab.app.lab;

import com.layerlab.engine.experiment.DataSets;
import com.layerlab.engine.experiment.Experiment;
import com.layerlab.engine.experiment.LayerSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The CNN lab's state in a URL: the whole experiment (data, layers, optimizer, epochs), packed as
 * {@link ShareLinks} packs it (parameter {@value ShareLinks#EXPERIMENT}), and, when the page compares
 * activations, which ones (parameter {@value #COMPARE}, e.g. {@code ReLU.Tanh.Sigmoid}). A broken
 * link never throws: it opens the defaults with a message.
 */
public final class CnnLinks {

    public static final String ROUTE = "cnn";
    public static final String COMPARE = "cmp";
    /** A character URLs keep as it is (see CompareLinks). */
    public static final String SEPARATOR = ".";

    /** The page's state: the experiment, and the activations compared (empty: one run, no comparison). */
    public record State(Experiment experiment, List<String> compare) {
        public State {
            compare = List.copyOf(compare == null ? List.of() : compare);
        }

        public boolean comparing() {
            return compare.size() >= 2;
        }
    }

    public static final State DEFAULTS = new State(CnnPresets.defaultExperiment(), List.of());

    private CnnLinks() {
    }

    /** Query parameters (in order) that restore this state. */
    public static Map<String, String> query(State s) {
        Map<String, String> q = new LinkedHashMap<>();
        q.put(ShareLinks.EXPERIMENT, ShareLinks.pack(s.experiment()));
        if (s.comparing()) {
            q.put(COMPARE, String.join(SEPARATOR, s.compare()));
        }
        return q;
    }

    /** The link (relative to the app's root) that opens this state. */
    public static String location(State s) {
        return ROUTE + "?" + ShareLinks.queryString(query(s));
    }

    /** The state of a link's parameters: none give the defaults; a broken link the defaults and a message. */
    public static ShareLinks.Parsed<State> parse(Map<String, List<String>> params) {
        if (params == null || !params.containsKey(ShareLinks.EXPERIMENT) && !params.containsKey(COMPARE)) {
            return new ShareLinks.Parsed<>(DEFAULTS, null);
        }
        try {
            String packed = ShareLinks.single(params, ShareLinks.EXPERIMENT);
            if (packed == null) {
                throw new ShareLinks.ShareLinkException("The link is incomplete: it has no experiment in it.");
            }
            Experiment e = ShareLinks.unpack(packed);
            check(e);
            String cmp = ShareLinks.single(params, COMPARE);
            return new ShareLinks.Parsed<>(new State(e, cmp == null ? List.of() : activations(cmp)), null);
        } catch (ShareLinks.ShareLinkException ex) {
            return new ShareLinks.Parsed<>(DEFAULTS, ex.getMessage());
        }
    }

    /** Refuses what the lab cannot show: 2D playground experiments, layers its editor does not offer. */
    static void check(Experiment e) {
        if (e.data() == null || e.data().dataset() == null) {
            throw new ShareLinks.ShareLinkException("The link's experiment has no data set, so the lab cannot train it.");
        }
        String id = e.data().dataset();
        if (DataSets.is2D(id)) {
            throw new ShareLinks.ShareLinkException("The link is a 2D playground experiment (data set \"" + id
                    + "\"): open it in the Playground.");
        }
        if (!DataSets.isImage(id)) {
            throw new ShareLinks.ShareLinkException("The link's data set \"" + id + "\" is not an image data set.");
        }
        if (!e.missingForTraining().isEmpty()) {
            throw new ShareLinks.ShareLinkException("The link's experiment cannot be trained: it has no "
                    + String.join(", ", e.missingForTraining()) + ".");
        }
        if (!Experiment.CLASSIFICATION.equals(e.task())) {
            throw new ShareLinks.ShareLinkException("The link's experiment is not a classification, which is all the lab trains.");
        }
        for (int i = 0; i < e.model().size(); i++) {
            LayerSpec l = e.model().get(i);
            if (!CnnLayerTypes.isEditable(l.type())) {
                throw new ShareLinks.ShareLinkException("The link's layer " + i + " is a " + l.type()
                        + ", which the lab's editor does not offer (it offers " + String.join(", ", CnnLayerTypes.TYPES) + ").");
            }
        }
    }

    private static List<String> activations(String text) {
        Set<String> seen = new LinkedHashSet<>();
        for (String part : text.split("[.,]", -1)) {
            String match = CnnLayerTypes.ACTIVATIONS.stream().filter(a -> a.equalsIgnoreCase(part.trim())).findFirst()
                    .orElseThrow(() -> new ShareLinks.ShareLinkException("The link is damaged: \"" + part
                            + "\" is not an activation the lab compares (ReLU, Tanh, Sigmoid)."));
            if (!seen.add(match)) {
                throw new ShareLinks.ShareLinkException("The link is damaged: it lists " + match + " twice.");
            }
        }
        if (seen.size() < 2) {
            throw new ShareLinks.ShareLinkException("The link compares fewer than two activations.");
        }
        // the page's order, whatever the link's
        List<String> ordered = new ArrayList<>();
        for (String a : CnnLayerTypes.ACTIVATIONS) {
            if (seen.contains(a)) {
                ordered.add(a);
            }
        }
        return ordered;
    }

    /**
     * The experiment with every ReLU, Tanh and Sigmoid layer replaced by {@code activation}, named after
     * it: one run of a comparison. Same seed, data and layers otherwise, so the starting weights agree.
     */
    public static Experiment withActivation(Experiment e, String activation) {
        List<LayerSpec> model = new ArrayList<>();
        for (LayerSpec l : e.model()) {
            model.add(CnnLayerTypes.ACTIVATIONS.contains(l.type()) ? LayerSpec.of(activation) : l);
        }
        return e.withModel(model).withName(activation + ": " + (e.name() == null ? "CNN" : e.name()));
    }

    /** The experiments a training of {@code s} trains: its experiment, or one per activation compared ({@link #withActivation}). */
    public static List<Experiment> runsOf(State s) {
        if (!s.comparing()) {
            return List.of(s.experiment());
        }
        List<Experiment> runs = new ArrayList<>();
        for (String a : s.compare()) {
            runs.add(withActivation(s.experiment(), a));
        }
        return runs;
    }

    /** Whether a run of {@code trained} trains what {@code s} describes (a reload, a link and Save show only such a run). */
    public static boolean trains(List<Experiment> trained, State s) {
        return RunIdentity.same(trained, runsOf(s));
    }

    /** The activation a compared run is named after ({@link #withActivation}): "Tanh" of "Tanh: LeNet"; "" for another name. */
    public static String activationOf(String runName) {
        int colon = runName == null ? -1 : runName.indexOf(':');
        return colon > 0 ? runName.substring(0, colon) : "";
    }

    /** Whether the model has an activation a comparison could swap. */
    public static boolean hasActivation(Experiment e) {
        return e.model() != null && e.model().stream().anyMatch(l -> CnnLayerTypes.ACTIVATIONS.contains(l.type()));
    }

    /**
     * The state whose training trains {@code runs} (a run's experiments): one experiment as it is, or a
     * comparison's, one per activation ({@link #withActivation}), back as the experiment and the
     * activations compared. Its link opens the lab on the same model that run trains.
     */
    public static State stateOf(List<Experiment> runs) {
        if (runs.size() < 2) {
            return new State(runs.get(0), List.of());
        }
        List<String> compared = new ArrayList<>();
        for (Experiment e : runs) {
            compared.add(e.model().stream().map(LayerSpec::type).filter(CnnLayerTypes.ACTIVATIONS::contains).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("a compared run has no activation: " + e.name())));
        }
        Experiment first = runs.get(0);
        String prefix = compared.get(0) + ": ";
        String name = first.name() != null && first.name().startsWith(prefix) ? first.name().substring(prefix.length()) : first.name();
        return new State(first.withName(name), compared);
    }
}
