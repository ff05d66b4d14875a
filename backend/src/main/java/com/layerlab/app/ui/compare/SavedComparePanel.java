package com.layerlab.app.ui.compare;

import com.layerlab.app.lab.CompareActivation;
import com.layerlab.app.lab.CompareCaptions;
import com.layerlab.app.lab.CompareLinks;
import com.layerlab.app.lab.CompareStats;
import com.layerlab.app.lab.PlaygroundSettings;
import com.layerlab.app.store.Metrics;
import com.layerlab.app.store.SavedNetwork;
import com.layerlab.app.ui.playground.SavedOutput;
import com.layerlab.app.ui.playground.SavedPlaygroundPanel;
import com.layerlab.engine.train.Trainer;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.Span;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * A saved comparison as its short link shows it: the settings its networks share, then one panel per
 * network as the compare page has one per activation (the activation in its colour, what the saved weights
 * show of its known trouble), each with what it learned ({@link SavedOutput}: the boundary from its saved
 * weights, its loss curves).
 */
public class SavedComparePanel extends Div {

    /**
     * @param networks the saved networks, in the order the compare page trained them
     * @param restore  a run of a saved network holding its saved weights; each is read, then closed
     */
    public SavedComparePanel(List<SavedNetwork> networks, Function<SavedNetwork, Trainer> restore) {
        addClassName("ll-saved-compare");
        List<Div> cards = new ArrayList<>();
        List<String> names = new ArrayList<>();
        PlaygroundSettings shared = null;
        for (SavedNetwork n : networks) {
            try (Trainer run = restore.apply(n)) {
                CompareActivation a = CompareLinks.activationOf(run.experiment());
                PlaygroundSettings settings = PlaygroundSettings.fromExperiment(run.experiment());
                shared = shared == null ? settings : shared;
                names.add(a.layerType());
                cards.add(card(a, run, settings, n));
            }
        }
        Div network = new Div(title("Network"), new Span(SavedPlaygroundPanel.describe(shared,
                String.join(", ", names) + ": one network each, from the same starting weights")));
        network.addClassNames("ll-panel", "ll-saved-network");
        network.setId("saved-network");
        Div grid = new Div();
        grid.addClassName("ll-saved-compare-cards");
        cards.forEach(grid::add);
        add(network, grid);
    }

    private static Div card(CompareActivation a, Trainer run, PlaygroundSettings settings, SavedNetwork n) {
        H2 name = title(a.layerType());
        name.getStyle().set("color", a.color());
        SavedOutput output = new SavedOutput(run, settings, Metrics.fromJson(n.metricsJson()));
        CompareCaptions.Caption c = CompareCaptions.ofWeights(a, CompareStats.measure(a, run));
        Span range = new Span(c.range());
        range.addClassName("ll-saved-compare-range");
        Span live = new Span(c.live());
        live.addClassName("ll-saved-compare-caption");
        Div card = new Div(name, output, range, live);
        card.setId("saved-compare-" + a.key());
        card.addClassNames("ll-panel", "ll-saved-compare-card");
        card.getElement().setAttribute("data-activation", a.layerType());
        card.getStyle().set("border-top-color", a.color());
        return card;
    }

    private static H2 title(String text) {
        H2 h = new H2(text);
        h.addClassName("ll-panel-title");
        return h;
    }
}
