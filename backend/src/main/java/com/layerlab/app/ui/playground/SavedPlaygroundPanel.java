package com.layerlab.app.ui.playground;

import com.layerlab.app.lab.PlaygroundSettings;
import com.layerlab.engine.train.EpochStats;
import com.layerlab.engine.train.Trainer;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.Span;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * A saved playground experiment as its short link shows it: its settings in one line, and what it learned
 * ({@link SavedOutput}: the boundary from the saved weights, the points, the loss curves).
 */
public class SavedPlaygroundPanel extends Div {

    /**
     * @param run      a run of the saved experiment holding the saved weights (it is only read, not kept)
     * @param settings the playground state saved with it (view options included)
     */
    public SavedPlaygroundPanel(Trainer run, PlaygroundSettings settings, List<EpochStats> metrics) {
        addClassName("ll-saved-playground");
        SavedOutput out = new SavedOutput(run, settings, metrics);
        out.map().setId("output-map");
        out.chart().setId("loss-chart");
        out.losses().setId("saved-losses");

        Div output = new Div(title("Output"), out);
        output.addClassNames("ll-panel", "ll-saved-output");
        Div network = new Div(title("Network"), new Span(describe(settings)));
        network.addClassNames("ll-panel", "ll-saved-network");
        network.setId("saved-network");
        add(network, output);
    }

    private static H2 title(String text) {
        H2 h = new H2(text);
        h.addClassName("ll-panel-title");
        return h;
    }

    /** The settings in one line, as a learner would say them. */
    static String describe(PlaygroundSettings s) {
        return describe(s, String.join(", ", s.activations().stream().distinct().toList()));
    }

    /** As {@link #describe(PlaygroundSettings)}, with the hidden layers' activations said as {@code activations}. */
    public static String describe(PlaygroundSettings s, String activations) {
        String layers = s.hiddenLayers().isEmpty() ? "no hidden layer"
                : s.hiddenLayers().stream().map(String::valueOf).collect(Collectors.joining("-")) + " hidden neurons ("
                + activations + ")";
        return String.format(Locale.ROOT, "%s data (%s), inputs %s, %s, learning rate %s, batch size %d, regularization %s.",
                s.dataset(), s.problem(), String.join(", ", s.features()), layers,
                PlaygroundSettings.formatRate(s.learningRate()), s.batchSize(),
                s.regularization().equals("none") ? "none" : s.regularization() + " "
                        + PlaygroundSettings.formatRate(s.regularizationRate()));
    }
}
