package com.layerlab.app.ui.playground;

import com.layerlab.app.lab.PlaygroundSettings;
import com.layerlab.app.ui.components.HeatMap;
import com.layerlab.app.ui.components.LossChart;
import com.layerlab.app.training.RunSnapshot;
import com.layerlab.engine.train.EpochStats;
import com.layerlab.engine.train.PointProbes;
import com.layerlab.engine.train.Trainer;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.Span;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * A saved playground experiment as its short link shows it: the decision boundary computed from the saved
 * weights exactly as the playground computes it (same grid, same encoding, same view options, so it looks as
 * it did when saved), the train and test points, and the loss curves from the saved metrics.
 */
public class SavedPlaygroundPanel extends Div {

    /**
     * @param run      a run of the saved experiment holding the saved weights (it is only read, not kept)
     * @param settings the playground state saved with it (view options included)
     */
    public SavedPlaygroundPanel(Trainer run, PlaygroundSettings settings, List<EpochStats> metrics) {
        addClassName("ll-saved-playground");
        HeatMap map = new HeatMap(300);
        map.setId("output-map");
        map.setAxes(true);
        map.setShowTest(settings.showTestData());
        map.setDiscretize(settings.discretize());
        PointProbes probes = new PointProbes(run);
        double scale = probes.labelScale();
        if (settings.isMultiClass()) {
            map.setClasses();
        } else if (settings.isRegression()) {
            map.setRegression(scale);
        } else {
            map.setBinary();
        }
        RunSnapshot snap = RunSnapshot.of(run, PlaygroundView.GRID_N, 0);
        map.setGrid(snap.gridN(), snap.channels(), snap.output());
        map.setTrainPoints(RunSnapshot.encodePoints(probes.trainPoints(), run.experiment(), scale));
        map.setTestPoints(RunSnapshot.encodePoints(probes.testPoints(), run.experiment(), scale));

        LossChart chart = new LossChart();
        chart.setId("loss-chart");
        chart.setHeightPx(160);
        chart.setWidthFull();
        chart.setSeries(List.of(new LossChart.Series("Test", "#222222"), new LossChart.Series("Training", "#9a9a9a")));
        for (EpochStats s : metrics) {
            chart.append(s.epoch(), s.testLoss(), s.trainLoss());
        }
        EpochStats last = metrics.isEmpty() ? null : metrics.get(metrics.size() - 1);
        Span losses = new Span(last == null ? "No epoch trained." : String.format(Locale.ROOT,
                "Epoch %s · test loss %s · training loss %s%s", PlayerControls.formatEpoch(last.epoch()),
                OutputPanel.formatLoss(last.testLoss()), OutputPanel.formatLoss(last.trainLoss()),
                last.testAccuracy() == null ? "" : String.format(Locale.ROOT, " · test accuracy %.1f %%",
                        100 * last.testAccuracy())));
        losses.setId("saved-losses");
        losses.addClassName("ll-saved-losses");
        if (last != null) {
            losses.getElement().setAttribute("data-epoch", String.valueOf(last.epoch()));
        }

        Div output = new Div(title("Output"), losses, chart, new Div(map));
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
        String layers = s.hiddenLayers().isEmpty() ? "no hidden layer"
                : s.hiddenLayers().stream().map(String::valueOf).collect(Collectors.joining("-")) + " hidden neurons ("
                + String.join(", ", s.activations().stream().distinct().toList()) + ")";
        return String.format(Locale.ROOT, "%s data (%s), inputs %s, %s, learning rate %s, batch size %d, regularization %s.",
                s.dataset(), s.problem(), String.join(", ", s.features()), layers,
                PlaygroundSettings.formatRate(s.learningRate()), s.batchSize(),
                s.regularization().equals("none") ? "none" : s.regularization() + " "
                        + PlaygroundSettings.formatRate(s.regularizationRate()));
    }
}
