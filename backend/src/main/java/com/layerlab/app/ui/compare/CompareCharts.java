package com.layerlab.app.ui.compare;

import com.layerlab.app.lab.CompareActivation;
import com.layerlab.app.lab.CompareLinks;
import com.layerlab.app.lab.PlaygroundSettings;
import com.layerlab.app.training.PointFrames;
import com.layerlab.app.ui.components.GradientChart;
import com.layerlab.app.ui.components.LossChart;
import com.layerlab.engine.train.EpochStats;
import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Span;
import java.util.ArrayList;
import java.util.List;

/** The comparison's two charts: every network's losses by epoch, and each one's gradient size per layer. */
final class CompareCharts extends Div {

    private static final List<Integer> DASH = List.of(6, 4);

    private final LossChart lossChart = new LossChart();
    private final GradientChart gradientChart = new GradientChart();
    private List<String> layerLabels = List.of();
    private int lastEpoch = -1;

    CompareCharts() {
        lossChart.setId("compare-loss-chart");
        lossChart.setHeightPx(200);
        lossChart.setYLabel("loss");
        gradientChart.setId("compare-gradient-chart");
        gradientChart.setChartHeight(190);

        Div loss = section("Loss (solid: train, dashed: test)", lossChart);
        Div grad = section("Gradient size per layer, mean |dL/dW| over the last epoch (log scale)", gradientChart);
        Paragraph hint = new Paragraph("Each bar is how strongly the loss pulls on one layer's weights. "
                + "Bars that shrink towards the input (left) are a vanishing gradient: those layers learn slowly.");
        hint.getStyle().set("font-size", "var(--lumo-font-size-s)").set("color", "var(--lumo-secondary-text-color)")
                .set("margin", "var(--lumo-space-xs) 0 0 0");
        grad.add(hint);
        add(loss, grad);
        getStyle().set("flex", "1 1 420px").set("min-width", "320px").set("display", "flex")
                .set("flex-direction", "column").set("gap", "var(--lumo-space-m)");
    }

    private static Div section(String heading, Component body) {
        Span h = new Span(heading);
        h.getStyle().set("font-weight", "600").set("font-size", "var(--lumo-font-size-s)");
        Div d = new Div(h, body);
        d.getStyle().set("display", "flex").set("flex-direction", "column").set("gap", "var(--lumo-space-xs)");
        return d;
    }

    /** Empty charts for these activations of this network (a train and a test curve each, a bar per layer). */
    void reset(List<CompareActivation> activations, PlaygroundSettings settings) {
        List<LossChart.Series> series = new ArrayList<>();
        for (CompareActivation a : activations) {
            series.add(new LossChart.Series(a.layerType() + " train", a.color()));
        }
        for (CompareActivation a : activations) {
            series.add(new LossChart.Series(a.layerType() + " test", a.color(), DASH));
        }
        lossChart.setSeries(series);
        layerLabels = layerLabels(settings);
        gradientChart.show(layerLabels, List.of());
        lastEpoch = -1;
    }

    /** A run's curves so far: per network, its epochs (epoch 0 first). */
    void history(List<List<EpochStats>> history) {
        chartUpTo(history, Integer.MAX_VALUE);
    }

    /**
     * Adds the epochs of the run's {@code history} after the last one charted, up to {@code epoch}: frames
     * come at most once per frame interval, and a fast run ends several epochs between two of them.
     */
    private void chartUpTo(List<List<EpochStats>> history, int epoch) {
        if (history.isEmpty()) {
            return;
        }
        List<EpochStats> first = history.get(0);
        int from = first.size();
        while (from > 0 && first.get(from - 1).epoch() > lastEpoch) {
            from--;
        }
        for (int e = from; e < first.size() && first.get(e).epoch() <= epoch; e++) {
            List<EpochStats> atEpoch = new ArrayList<>();
            for (List<EpochStats> h : history) {
                atEpoch.add(e < h.size() ? h.get(e) : null);
            }
            losses(atEpoch);
        }
    }

    /** The networks as they are now: their last whole epoch's losses (once per epoch), their gradients. */
    void show(List<PointFrames.Item> items, List<List<EpochStats>> history) {
        List<EpochStats> stats = new ArrayList<>();
        List<GradientChart.Series> grads = new ArrayList<>();
        for (PointFrames.Item item : items) {
            stats.add(item.snapshot().stats());
            CompareActivation a = CompareLinks.activationOf(item.experiment());
            grads.add(new GradientChart.Series(a.layerType(), a.color(), item.snapshot().gradientNorms()));
        }
        if (stats.get(0) != null) {
            chartUpTo(history, stats.get(0).epoch());
        }
        losses(stats);
        gradientChart.show(layerLabels, grads);
    }

    /** Adds an epoch's losses of every network (all trained in lock step), once per epoch. */
    private void losses(List<EpochStats> stats) {
        EpochStats first = stats.get(0);
        if (first == null || first.epoch() <= lastEpoch) {
            return;
        }
        double[] ys = new double[stats.size() * 2];
        for (int i = 0; i < stats.size(); i++) {
            EpochStats s = stats.get(i);
            ys[i] = s == null ? Double.NaN : s.trainLoss();
            ys[stats.size() + i] = s == null ? Double.NaN : s.testLoss();
        }
        lossChart.append(first.epoch(), ys);
        lastEpoch = first.epoch();
    }

    /** "layer 1 (2→6)", ..., "output (6→1)": one per Linear layer. */
    private static List<String> layerLabels(PlaygroundSettings s) {
        List<Integer> widths = new ArrayList<>();
        widths.add(s.features().size());
        widths.addAll(s.hiddenLayers());
        widths.add(s.outputs());
        List<String> labels = new ArrayList<>();
        for (int i = 0; i + 1 < widths.size(); i++) {
            String which = i + 2 == widths.size() ? "output" : "layer " + (i + 1);
            labels.add(which + " (" + widths.get(i) + "\u2192" + widths.get(i + 1) + ")");
        }
        return labels;
    }
}
