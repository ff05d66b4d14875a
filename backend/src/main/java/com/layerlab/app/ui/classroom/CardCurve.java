package com.layerlab.app.ui.classroom;

import com.layerlab.app.classroom.Challenge;
import com.layerlab.engine.train.EpochStats;
import com.vaadin.flow.component.html.Image;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * A CNN run's curve on its student's card, where a playground card has its decision boundary: the test
 * (orange, as the CNN lab draws it) and training (blue) accuracy or loss per epoch, over the epochs the run
 * trains, so the line also shows how far it got. Drawn here as a small SVG image (the page's CSP allows
 * data: images): a card redraws it once per epoch, a few hundred bytes, and thirty cards need no
 * chart script each.
 */
class CardCurve extends Image {

    static final int WIDTH = 150;
    static final int HEIGHT = 132;
    static final String TEST_COLOR = "#f59322";
    static final String TRAIN_COLOR = "#0877bd";
    private static final double LEFT = 6;
    private static final double RIGHT = WIDTH - 6;
    private static final double TOP = 20;
    private static final double BOTTOM = HEIGHT - 8;

    /** What is drawn now: a card whose run did not end an epoch since sends nothing. */
    private List<EpochStats> drawn;
    private Challenge.Metric drawnMetric;
    private int drawnEpochs = -1;

    CardCurve() {
        addClassName("ll-class-card-curve");
        setWidth(WIDTH + "px");
        setHeight(HEIGHT + "px");
        setAlt("");
    }

    /** Shows {@code history} (epoch 0 first) of a run of {@code epochs} epochs (0: until stopped) in {@code metric}'s terms. */
    void show(List<EpochStats> history, int epochs, Challenge.Metric metric) {
        if (history == drawn && metric == drawnMetric && epochs == drawnEpochs) {
            return;
        }
        drawn = history;
        drawnMetric = metric;
        drawnEpochs = epochs;
        String what = metric == Challenge.Metric.TEST_ACCURACY ? "accuracy" : "loss";
        setAlt("Test and training " + what + " per epoch");
        getElement().setAttribute("data-metric", metric.name());
        getElement().setAttribute("data-points", String.valueOf(history.size()));
        setSrc("data:image/svg+xml;base64," + Base64.getEncoder().encodeToString(
                svg(history, epochs, metric).getBytes(StandardCharsets.UTF_8)));
    }

    /** The curve as an SVG document. */
    static String svg(List<EpochStats> history, int epochs, Challenge.Metric metric) {
        boolean accuracy = metric == Challenge.Metric.TEST_ACCURACY;
        Function<EpochStats, Double> test = accuracy ? EpochStats::testAccuracy : EpochStats::testLoss;
        Function<EpochStats, Double> train = accuracy ? EpochStats::trainAccuracy : EpochStats::trainLoss;
        int lastEpoch = history.isEmpty() ? 0 : history.get(history.size() - 1).epoch();
        double xMax = Math.max(1, Math.max(epochs, lastEpoch));
        double yMax = 1;
        if (!accuracy) {
            // the loss's scale: its largest value (the untrained model's, mostly), never a diverged one
            yMax = 0;
            for (EpochStats e : history) {
                yMax = Math.max(yMax, finite(e.testLoss()));
                yMax = Math.max(yMax, finite(e.trainLoss()));
            }
            yMax = yMax <= 0 ? 1 : yMax * 1.05;
        }
        StringBuilder s = new StringBuilder();
        s.append("<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 ").append(WIDTH).append(' ').append(HEIGHT)
                .append("\" width=\"").append(WIDTH).append("\" height=\"").append(HEIGHT).append("\" font-family=\"sans-serif\">")
                .append("<rect width=\"100%\" height=\"100%\" rx=\"4\" fill=\"#ffffff\"/>");
        // gridlines: a quarter of the scale each; the top one says what the scale is
        for (int i = 0; i <= 4; i++) {
            double y = BOTTOM - (BOTTOM - TOP) * i / 4;
            s.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" stroke-width=\"1\"/>",
                    LEFT, RIGHT, y, y, i == 0 ? "#c9ced6" : "#eceef2"));
        }
        String scale = accuracy ? "100 %" : ClassCard.loss(yMax);
        s.append("<text x=\"").append((int) LEFT).append("\" y=\"12\" font-size=\"10\" fill=\"#6b7280\">")
                .append(accuracy ? "accuracy" : "loss").append(" <tspan fill=\"").append(TEST_COLOR)
                .append("\" font-weight=\"bold\">test</tspan> <tspan fill=\"").append(TRAIN_COLOR).append("\">train</tspan></text>")
                .append("<text x=\"").append((int) RIGHT).append("\" y=\"12\" font-size=\"9\" fill=\"#9aa1ab\" text-anchor=\"end\">")
                .append(scale).append("</text>");
        line(s, history, train, xMax, yMax, TRAIN_COLOR, 1.2, 0.75);
        line(s, history, test, xMax, yMax, TEST_COLOR, 2, 1);
        return s.append("</svg>").toString();
    }

    private static void line(StringBuilder s, List<EpochStats> history, Function<EpochStats, Double> value, double xMax,
                             double yMax, String color, double width, double opacity) {
        List<double[]> points = new ArrayList<>();
        for (EpochStats e : history) {
            Double v = value.apply(e);
            if (v != null && Double.isFinite(v)) {
                double x = LEFT + (RIGHT - LEFT) * e.epoch() / xMax;
                double y = BOTTOM - (BOTTOM - TOP) * Math.max(0, Math.min(1, v / yMax));
                points.add(new double[] {x, y});
            }
        }
        if (points.isEmpty()) {
            return;
        }
        if (points.size() == 1) {
            s.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"%.1f\" fill=\"%s\" opacity=\"%.2f\"/>",
                    points.get(0)[0], points.get(0)[1], width + 0.5, color, opacity));
            return;
        }
        StringBuilder d = new StringBuilder();
        for (double[] p : points) {
            d.append(d.length() == 0 ? "" : " ").append(String.format(Locale.ROOT, "%.1f,%.1f", p[0], p[1]));
        }
        s.append(String.format(Locale.ROOT, "<polyline points=\"%s\" fill=\"none\" stroke=\"%s\" stroke-width=\"%.1f\" "
                + "stroke-linejoin=\"round\" stroke-linecap=\"round\" opacity=\"%.2f\"/>", d, color, width, opacity));
    }

    private static double finite(double v) {
        return Double.isFinite(v) ? v : 0;
    }
}
