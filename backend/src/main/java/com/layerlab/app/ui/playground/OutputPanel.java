package com.layerlab.app.ui.playground;

import com.layerlab.app.lab.PlaygroundSettings;
import com.layerlab.app.lab.PointSets;
import com.layerlab.app.training.PointFrames;
import com.layerlab.app.training.RunDevice;
import com.layerlab.app.training.RunSnapshot;
import com.layerlab.app.ui.components.HeatMap;
import com.layerlab.app.ui.components.LiveText;
import com.layerlab.app.ui.components.LossChart;
import com.layerlab.engine.train.EpochStats;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.checkbox.Checkbox;
import com.vaadin.flow.component.html.Anchor;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.icon.VaadinIcon;
import com.vaadin.flow.component.select.Select;
import com.vaadin.flow.component.select.SelectVariant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The playground's output column: the losses and where the run stops, the loss curves (one point per
 * epoch), the output map with the points (or the drawing board in its place), the legend, the view
 * options, and the export and log downloads.
 */
class OutputPanel extends PlaygroundPanel {

    private final Span trainLoss = new Span("–");
    private final Span testLoss = new Span("–");
    private final Span accuracy = new Span();
    private final Select<Integer> stopAt = new Select<>();
    private final LossChart lossChart = new LossChart();
    private final HeatMap outputMap = new HeatMap(300);
    private final Div mapBox = new Div(outputMap);
    private final Div legend = new Div();
    private final Checkbox showTest = new Checkbox("Show test data");
    private final Checkbox discretize = new Checkbox("Discretize output");
    private final Div toggles = new Div(showTest, discretize);
    private final Anchor logsLink = new Anchor();
    private final Span engine = new Span();
    private final Anchor devicesLink = new Anchor("devices", "Devices");
    /** The scale the run's regression values are drawn on; 0 for a classification. */
    private double regressionScale;
    private int lastChartEpoch = -1;

    /**
     * @param drawingBoard where the learner draws points: in the map's place while drawing
     * @param onExport     "Export to PyTorch"
     */
    OutputPanel(DrawingBoard drawingBoard, SettingsEdit settings, Runnable onExport) {
        super("Output", "ll-output");
        Div numbers = new Div();
        numbers.addClassName("ll-losses");
        testLoss.setId("test-loss");
        trainLoss.setId("train-loss");
        accuracy.setId("accuracy");
        stopAt.setLabel("Stop at epoch");
        stopAt.setId("stop-select");
        stopAt.addThemeVariants(SelectVariant.LUMO_SMALL);
        stopAt.setItems(PlaygroundSettings.EPOCH_LIMITS);
        stopAt.setItemLabelGenerator(v -> String.format(Locale.ROOT, "%,d", v));
        stopAt.addValueChangeListener(e -> {
            if (e.isFromClient() && e.getValue() != null) {
                settings.edit(b -> b.epochs(e.getValue()));
            }
        });
        numbers.add(metric("Test loss", testLoss), metric("Training loss", trainLoss), stopAt);
        accuracy.addClassName("ll-accuracy");
        lossChart.setId("loss-chart");
        lossChart.setHeightPx(110);
        lossChart.setWidthFull();
        // short names: the legend shows each series' latest value next to it
        lossChart.setSeries(List.of(new LossChart.Series("Test", "#222222"), new LossChart.Series("Training", "#9a9a9a")));
        outputMap.setId("output-map");
        outputMap.setAxes(true);
        mapBox.addClassName("ll-mapbox");
        legend.addClassName("ll-legend");
        legend.setId("legend");
        showTest.setId("show-test");
        showTest.addValueChangeListener(e -> {
            if (e.isFromClient()) {
                settings.edit(b -> b.showTestData(e.getValue()));
            }
        });
        discretize.setId("discretize");
        discretize.addValueChangeListener(e -> {
            if (e.isFromClient()) {
                settings.edit(b -> b.discretize(e.getValue()));
            }
        });
        toggles.addClassName("ll-toggles");
        Button export = new Button("Export to PyTorch", VaadinIcon.CODE.create());
        export.setId("export-button");
        export.addThemeVariants(ButtonVariant.LUMO_SMALL);
        export.setTooltipText("This network as PyTorch code, and its weights as a safetensors file");
        export.addClickListener(e -> onExport.run());
        logsLink.setId("logs-link");
        logsLink.setText("TensorBoard logs (.zip)");
        logsLink.getElement().setAttribute("title", "This run's network, as TensorBoard event files: "
                + "unzip, then tensorboard --logdir <folder>");
        logsLink.addClassName("ll-compare-link");
        Div actions = new Div(export, logsLink);
        actions.addClassName("ll-output-actions");
        engine.setId("engine-device");
        devicesLink.setId("devices-link");
        devicesLink.getElement().setAttribute("router-link", true);
        Div footer = new Div(engine, devicesLink);
        footer.addClassName("ll-engine");
        add(numbers, accuracy, lossChart, mapBox, drawingBoard, legend, toggles, actions, footer);
    }

    private static Div metric(String caption, Span value) {
        Div d = new Div();
        d.addClassName("ll-metric");
        Span c = new Span(caption);
        c.addClassName("ll-caption");
        value.addClassName("ll-metric-value");
        d.add(c, value);
        return d;
    }

    /** The settings' view: where the run stops, the map's colours and options, the legend ({@code pointSet}'s class names). */
    void show(PlaygroundSettings s, Optional<PointSets.PointSet> pointSet) {
        stopAt.setValue(PlaygroundSettings.EPOCH_LIMITS.contains(s.epochs()) ? s.epochs() : null);
        showTest.setValue(s.showTestData());
        discretize.setValue(s.discretize());
        outputMap.setShowTest(s.showTestData());
        outputMap.setDiscretize(s.discretize());
        if (s.isMultiClass()) {
            outputMap.setClasses();
        } else if (s.isRegression()) {
            outputMap.setRegression(regressionScale > 0 ? regressionScale : 1);
        } else {
            outputMap.setBinary();
        }
        showLegend(s, pointSet.map(PointSets.PointSet::classNames).orElse(List.of()));
    }

    private void showLegend(PlaygroundSettings s, List<String> classNames) {
        legend.removeAll();
        if (s.isRegression()) {
            Span bar = new Span();
            bar.addClassName("ll-gradient");
            legend.add(new Span("low"), bar, new Span("high"));
            return;
        }
        for (int c = 0; c < s.classes(); c++) {
            Span chip = new Span();
            chip.addClassName("ll-chip");
            chip.getStyle().set("background", HeatMap.CLASS_COLORS.get(c));
            Span item = new Span(chip, new Span(c < classNames.size() ? classNames.get(c) : "class " + c));
            item.addClassName("ll-legend-item");
            item.getElement().setAttribute("data-color", HeatMap.CLASS_COLORS.get(c));
            legend.add(item);
        }
    }

    /** A new run: its curves so far ({@code history}, epoch 0 first), nothing else yet. */
    void startRun(List<EpochStats> history) {
        lossChart.clear();
        lastChartEpoch = -1;
        history.forEach(this::chart);
    }

    /** Where the run trains ({@link RunDevice#where}; "" when it was refused). */
    void showWhere(String where) {
        LiveText.set(engine, where.isEmpty() ? "" : "Trained " + where + " · ");
    }

    /** The run's points (sent once per run). */
    void showPoints(PointFrames.Points points, boolean regression) {
        outputMap.setTrainPoints(points.train());
        outputMap.setTestPoints(points.test());
        regressionScale = points.regressionScale();
        if (regression) {
            outputMap.setRegression(regressionScale > 0 ? regressionScale : 1);
        }
    }

    /** The run as it is now: its map, and the losses of its last whole epoch. */
    void showSnapshot(RunSnapshot s, List<EpochStats> history) {
        EpochStats stats = s.stats();
        outputMap.setGrid(s.gridN(), s.channels(), s.output());
        LiveText.set(trainLoss, formatLoss(stats.trainLoss()));
        LiveText.set(testLoss, formatLoss(stats.testLoss()));
        trainLoss.getElement().setAttribute("data-value", String.valueOf(stats.trainLoss()));
        testLoss.getElement().setAttribute("data-value", String.valueOf(stats.testLoss()));
        if (stats.trainAccuracy() != null && stats.testAccuracy() != null) {
            LiveText.set(accuracy, String.format(Locale.ROOT, "Accuracy: training %.1f %%, test %.1f %%",
                    100 * stats.trainAccuracy(), 100 * stats.testAccuracy()));
        } else {
            LiveText.set(accuracy, "");
        }
        chartUpTo(history, stats.epoch());
        chart(stats);
    }

    /**
     * Adds the epochs of the run's {@code history} after the last one charted, up to {@code epoch}: frames
     * come at most once per frame interval, and a fast run ends several epochs between two of them.
     */
    private void chartUpTo(List<EpochStats> history, int epoch) {
        int from = history.size();
        while (from > 0 && history.get(from - 1).epoch() > lastChartEpoch) {
            from--;
        }
        for (int i = from; i < history.size() && history.get(i).epoch() <= epoch; i++) {
            chart(history.get(i));
        }
    }

    /** Adds an epoch's losses to the chart, once per epoch. */
    private void chart(EpochStats stats) {
        if (stats.epoch() > lastChartEpoch) {
            lossChart.append(stats.epoch(), stats.testLoss(), stats.trainLoss());
            lastChartEpoch = stats.epoch();
        }
    }

    /** The run's TensorBoard files ({@link com.layerlab.app.ui.RunOnPage#linkLogs}). */
    Anchor logsLink() {
        return logsLink;
    }

    /** While the learner draws, the drawing board takes the map's place. */
    void showDrawing(boolean on) {
        mapBox.setVisible(!on);
        toggles.setVisible(!on);
    }

    static String formatLoss(double v) {
        if (!Double.isFinite(v)) {
            return "diverged";
        }
        // three decimals as TensorFlow Playground, but a loss that keeps falling below 0.001 stays visible
        return v != 0 && Math.abs(v) < 0.001 ? String.format(Locale.ROOT, "%.1e", v) : String.format(Locale.ROOT, "%.3f", v);
    }
}
