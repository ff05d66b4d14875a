package com.layerlab.app.ui.playground;

import com.layerlab.app.lab.PlaygroundSettings;
import com.layerlab.app.training.RunSnapshot;
import com.layerlab.app.ui.components.HeatMap;
import com.layerlab.app.ui.components.LossChart;

import com.layerlab.engine.train.EpochStats;
import com.layerlab.engine.train.PointProbes;
import com.layerlab.engine.train.Trainer;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.Span;
import java.util.List;
import java.util.Locale;

/**
 * What one saved 2D network learned: the losses of its last epoch, its loss curves from the saved metrics,
 * and its decision boundary computed from the saved weights exactly as the playground computes it (same
 * grid, same encoding, same view options, so it looks as it did when saved) with the train and test points.
 * Its parts carry classes, not ids ({@code ll-saved-losses}, {@code ll-saved-chart}, {@code ll-saved-map}),
 * so that a page can show several: a saved playground experiment one, a saved comparison one per network.
 */
public class SavedOutput extends Div {

    private final HeatMap map = new HeatMap(300);
    private final LossChart chart = new LossChart();
    private final Span losses = new Span();

    /**
     * @param run      a run of the saved network holding the saved weights (it is only read, not kept)
     * @param settings the playground state saved with it (view options included)
     */
    public SavedOutput(Trainer run, PlaygroundSettings settings, List<EpochStats> metrics) {
        addClassName("ll-saved-network-output");
        map.addClassName("ll-saved-map");
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

        chart.addClassName("ll-saved-chart");
        chart.setHeightPx(160);
        chart.setWidthFull();
        chart.setSeries(List.of(new LossChart.Series("Test", "#222222"), new LossChart.Series("Training", "#9a9a9a")));
        for (EpochStats s : metrics) {
            chart.append(s.epoch(), s.testLoss(), s.trainLoss());
        }
        EpochStats last = metrics.isEmpty() ? null : metrics.get(metrics.size() - 1);
        losses.setText(last == null ? "No epoch trained." : String.format(Locale.ROOT,
                "Epoch %s · test loss %s · training loss %s%s", PlayerControls.formatEpoch(last.epoch()),
                OutputPanel.formatLoss(last.testLoss()), OutputPanel.formatLoss(last.trainLoss()),
                last.testAccuracy() == null ? "" : String.format(Locale.ROOT, " · test accuracy %.1f %%",
                        100 * last.testAccuracy())));
        losses.addClassName("ll-saved-losses");
        if (last != null) {
            losses.getElement().setAttribute("data-epoch", String.valueOf(last.epoch()));
            losses.getElement().setAttribute("data-test-loss", String.valueOf(last.testLoss()));
        }
        add(losses, chart, new Div(map));
    }

    public HeatMap map() {
        return map;
    }

    public LossChart chart() {
        return chart;
    }

    /** The last epoch's losses in one line. */
    public Span losses() {
        return losses;
    }
}
