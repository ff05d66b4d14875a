package com.layerlab.app.ui.cnn;

import com.layerlab.app.lab.CnnLinks;
import com.layerlab.app.lab.CompareActivation;
import com.layerlab.app.training.CnnFrames;
import com.layerlab.app.ui.components.GradientChart;
import com.layerlab.app.ui.components.LossChart;
import com.layerlab.engine.train.EpochStats;
import com.vaadin.flow.component.html.Div;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The training's curves: loss and accuracy per epoch (the training loss batch by batch too) and the
 * gradient size per layer; a comparison draws one curve per activation, in its colour.
 */
class CnnCurves extends Div {

    private static final String TRAIN_COLOR = "#0877bd";
    private static final String TEST_COLOR = "#f59322";
    private static final List<Integer> DASH = List.of(6, 4);

    private final LossChart lossChart = new LossChart();
    private final LossChart accuracyChart = new LossChart();
    private final GradientChart gradientChart = new GradientChart();
    private List<String> shownRunNames = List.of();
    /** The epochs of all runs whose gradient sizes are drawn (-1: none yet). */
    private int shownPoints = -1;
    /** Per run: the epochs and the batch-loss points the charts have. */
    private int[] chartedEpochs = new int[0];
    private int[] chartedBatchPoints = new int[0];

    CnnCurves() {
        lossChart.setId("cnn-loss-chart");
        lossChart.setHeightPx(180);
        lossChart.setYLabel("loss");
        accuracyChart.setId("cnn-accuracy-chart");
        accuracyChart.setHeightPx(180);
        accuracyChart.setYLabel("accuracy %");
        // while stepping, the loss has batch points inside an epoch that the accuracy does not have yet
        lossChart.setXGroup("cnn-epochs");
        accuracyChart.setXGroup("cnn-epochs");
        gradientChart.setId("cnn-gradient-chart");
        gradientChart.setChartHeight(180);
        add(CnnCards.card("Loss (solid: train, dashed: test)", lossChart),
                CnnCards.card("Accuracy % (solid: train, dashed: test)", accuracyChart),
                CnnCards.card("Gradient size per layer: mean |dL/dW| over the last epoch (log scale)", gradientChart));
        addClassName("cnn-charts");
    }

    /** A new training: empty charts. */
    void reset() {
        shownRunNames = List.of();
        shownPoints = -1;
        lossChart.setSeries(List.of());
        accuracyChart.setSeries(List.of());
        gradientChart.show(List.of(), List.of());
    }

    /**
     * Adds what is new since the last frame: per run, the test loss and the accuracies of each epoch,
     * and the training loss batch by batch (points between the epochs); a comparison's runs train one
     * after another, so their points are inserted where they belong on the shared epoch axis.
     */
    void show(List<CnnFrames.RunHistory> runs) {
        List<String> names = runs.stream().map(CnnFrames.RunHistory::name).toList();
        int n = runs.size();
        if (!names.equals(shownRunNames)) {
            shownRunNames = names;
            shownPoints = -1;
            chartedEpochs = new int[n];
            chartedBatchPoints = new int[n];
            List<LossChart.Series> series = new ArrayList<>();
            for (String name : names) {
                series.add(new LossChart.Series(label(name, n, "train"), color(name, n, TRAIN_COLOR)));
            }
            for (String name : names) {
                series.add(new LossChart.Series(label(name, n, "test"), color(name, n, TEST_COLOR), DASH));
            }
            lossChart.setSeries(series);
            accuracyChart.setSeries(series);
        }
        for (int i = 0; i < n; i++) {
            List<EpochStats> stats = runs.get(i).stats();
            for (int k = chartedEpochs[i]; k < stats.size(); k++) {
                EpochStats st = stats.get(k);
                double[] loss = nans(2 * n);
                double[] acc = nans(2 * n);
                if (st.epoch() == 0) {
                    // the untrained model's loss starts the training curve; later, the batches draw it
                    loss[i] = st.trainLoss();
                }
                loss[n + i] = st.testLoss();
                acc[i] = st.trainAccuracy() == null ? Double.NaN : st.trainAccuracy() * 100;
                acc[n + i] = st.testAccuracy() == null ? Double.NaN : st.testAccuracy() * 100;
                lossChart.add(st.epoch(), loss);
                accuracyChart.add(st.epoch(), acc);
            }
            chartedEpochs[i] = stats.size();
            List<CnnFrames.LossPoint> points = runs.get(i).batchLosses();
            for (int k = chartedBatchPoints[i]; k < points.size(); k++) {
                double[] loss = nans(2 * n);
                loss[i] = points.get(k).loss();
                lossChart.add(points.get(k).x(), loss);
            }
            chartedBatchPoints[i] = points.size();
        }
        int epochsDone = runs.stream().mapToInt(r -> r.stats().size()).sum();
        if (epochsDone != shownPoints) {
            shownPoints = epochsDone;
            List<GradientChart.Series> grads = new ArrayList<>();
            for (CnnFrames.RunHistory r : runs) {
                grads.add(new GradientChart.Series(n > 1 ? CnnLinks.activationOf(r.name()) : "gradient",
                        color(r.name(), n, TRAIN_COLOR), r.gradientNorms()));
            }
            gradientChart.show(runs.isEmpty() ? List.of() : runs.get(0).gradientLayers(), grads);
        }
    }

    private static double[] nans(int n) {
        double[] a = new double[n];
        Arrays.fill(a, Double.NaN);
        return a;
    }

    private static String label(String runName, int runs, String which) {
        return runs > 1 ? CnnLinks.activationOf(runName) + " " + which : which;
    }

    /** One run's curves in {@code single}; a comparison's in each activation's colour. */
    private static String color(String runName, int runs, String single) {
        if (runs < 2) {
            return single;
        }
        try {
            return CompareActivation.parse(CnnLinks.activationOf(runName)).color();
        } catch (IllegalArgumentException e) {
            return single;
        }
    }
}
