package com.layerlab.app.ui.compare;

import com.layerlab.app.lab.CompareActivation;
import com.layerlab.app.lab.CompareCaptions;
import com.layerlab.app.training.PointFrames;
import com.layerlab.app.training.RunSnapshot;
import com.layerlab.app.ui.components.HeatMap;
import com.layerlab.app.ui.components.LiveText;
import com.layerlab.engine.train.EpochStats;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.Span;
import java.util.Locale;

/** One activation's card on the comparison: its boundary with the points, its losses and what its hidden layers do. */
final class CompareCard extends Div {

    private static final int MAP_PX = 240;

    private final CompareActivation activation;
    private final HeatMap map = new HeatMap(MAP_PX);
    private final Span numbers = new Span();
    private final Span range = new Span();
    private final Span live = new Span();
    private String points;
    private double regressionScale;
    /** How the map draws: 0 two classes, 1 a regression, 2 several classes; -1 not set yet. */
    private int mode = -1;

    CompareCard(CompareActivation a) {
        this.activation = a;
        setId("compare-card-" + a.key());
        addClassName("compare-card");
        getElement().setAttribute("data-activation", a.layerType());
        getStyle().set("flex", "0 1 " + (MAP_PX + 24) + "px").set("padding", "var(--lumo-space-s)")
                .set("border", "1px solid var(--lumo-contrast-10pct)").set("border-radius", "var(--lumo-border-radius-l)")
                .set("border-top", "4px solid " + a.color()).set("display", "flex").set("flex-direction", "column")
                .set("gap", "var(--lumo-space-xs)");
        Span name = new Span(a.layerType());
        name.getStyle().set("font-weight", "700").set("color", a.color()).set("font-size", "var(--lumo-font-size-l)");
        numbers.addClassName("compare-numbers");
        numbers.getStyle().set("font-size", "var(--lumo-font-size-s)").set("font-variant-numeric", "tabular-nums");
        range.addClassName("compare-range");
        range.getStyle().set("font-size", "var(--lumo-font-size-s)").set("font-weight", "600");
        live.addClassName("compare-caption");
        live.getStyle().set("font-size", "var(--lumo-font-size-s)").set("color", "var(--lumo-secondary-text-color)");
        Div caption = new Div(range, live);
        caption.getStyle().set("display", "flex").set("flex-direction", "column").set("gap", "2px");
        add(name, map, numbers, caption);
    }

    /** The run's points (sent once per run). */
    void showPoints(PointFrames.Points p) {
        if (!p.train().equals(points)) {
            points = p.train();
            map.setTrainPoints(points);
        }
        if (p.regressionScale() != regressionScale) {
            regressionScale = p.regressionScale();
            mode = -1;
        }
    }

    /** The network as it is now: its boundary, the losses of its last whole epoch, its captions. */
    void show(PointFrames.Item item) {
        RunSnapshot s = item.snapshot();
        int newMode = s.channels() > 1 ? 2 : regressionScale > 0 ? 1 : 0;
        if (newMode != mode) {
            mode = newMode;
            if (mode == 2) {
                map.setClasses();
            } else if (mode == 1) {
                map.setRegression(regressionScale);
            } else {
                map.setBinary();
            }
        }
        map.setGrid(s.gridN(), s.channels(), s.output());
        EpochStats st = s.stats();
        StringBuilder sb = new StringBuilder("Epoch ").append(st == null ? 0 : st.epoch());
        if (st != null) {
            sb.append(" \u00b7 train loss ").append(loss(st.trainLoss())).append(" \u00b7 test loss ").append(loss(st.testLoss()));
            numbers.getElement().setAttribute("data-test-loss", String.valueOf(st.testLoss()));
            if (st.testAccuracy() != null) {
                sb.append(String.format(Locale.ROOT, " \u00b7 test acc. %.0f%%", st.testAccuracy() * 100));
            }
        }
        LiveText.set(numbers, sb.toString());
        CompareCaptions.Caption c = CompareCaptions.caption(activation, item.activations());
        LiveText.set(range, c.range());
        LiveText.set(live, c.live());
    }

    private static String loss(double v) {
        if (!Double.isFinite(v)) {
            return "\u2013";
        }
        // a regression can reach losses that three decimals would show as 0.000
        return String.format(Locale.ROOT, v == 0 || Math.abs(v) >= 0.01 ? "%.3f" : "%.1e", v);
    }
}
