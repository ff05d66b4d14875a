package com.layerlab.app.ui.cnn;

import com.layerlab.app.store.SavedEvaluation;
import com.layerlab.app.training.CnnFrames;
import com.layerlab.app.ui.components.ImageGrid;
import com.layerlab.app.ui.components.LossChart;
import com.layerlab.engine.experiment.Experiment;
import com.layerlab.engine.train.EpochStats;
import com.layerlab.engine.train.Trainer;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.Span;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * A saved CNN lab experiment as its short link shows it: the confusion matrix computed from the saved
 * weights ({@link SavedEvaluation}), test images with the saved model's guesses and the feature maps of
 * the one picked (as the lab draws them, {@link CnnFrames#details}), and the loss and accuracy curves from
 * the saved metrics.
 */
public class SavedCnnPanel extends Div {

    private final Supplier<Trainer> restore;
    private final ImageGrid predictions = new ImageGrid();
    private final Span featureTitle = new Span();
    private final CnnFeatureMaps featureMaps = new CnnFeatureMaps();
    private final Span problem = new Span();
    private CnnFrames.Details details;

    /**
     * @param run     a run of the saved experiment holding the saved weights (only read, not kept)
     * @param restore another such run, for the feature maps of another test image (closed after use)
     */
    public SavedCnnPanel(Trainer run, List<EpochStats> metrics, Supplier<Trainer> restore) {
        this.restore = restore;
        addClassName("ll-saved-cnn");
        SavedEvaluation eval = SavedEvaluation.of(run);
        CnnConfusionMatrix matrix = new CnnConfusionMatrix();
        matrix.setId("saved-confusion");
        matrix.show(eval.classes(), eval.confusion());
        matrix.getElement().setAttribute("data-images", String.valueOf(eval.images()));
        Span accuracy = new Span(String.format(Locale.ROOT, "Test accuracy from the saved weights: %.1f %% of the "
                + "first %,d test images.", 100 * eval.accuracy(), eval.images()));
        accuracy.setId("saved-accuracy");
        accuracy.getElement().setAttribute("data-value", String.valueOf(eval.accuracy()));
        accuracy.addClassName("ll-saved-losses");

        LossChart loss = new LossChart();
        loss.setId("loss-chart");
        loss.setHeightPx(160);
        loss.setWidthFull();
        loss.setSeries(List.of(new LossChart.Series("Test loss", "#f59322"), new LossChart.Series("Training loss", "#0877bd")));
        LossChart acc = new LossChart();
        acc.setId("accuracy-chart");
        acc.setHeightPx(160);
        acc.setYLabel("accuracy");
        acc.setWidthFull();
        acc.setSeries(List.of(new LossChart.Series("Test accuracy", "#f59322"),
                new LossChart.Series("Training accuracy", "#0877bd")));
        for (EpochStats s : metrics) {
            loss.append(s.epoch(), s.testLoss(), s.trainLoss());
            acc.append(s.epoch(), value(s.testAccuracy()), value(s.trainAccuracy()));
        }
        Experiment e = run.experiment();
        Span model = new Span(String.format(Locale.ROOT, "%d layers on %s, %s with learning rate %s, batch size %d.",
                e.model().size(), e.data().dataset(), e.optimizer().type(), e.optimizer().lr(), e.data().batchSize()));
        model.addClassName("ll-hint");

        Div curves = new Div(title("Curves"), model, loss, acc);
        curves.addClassNames("ll-panel", "ll-saved-network");
        Div results = new Div(title("Confusion matrix"), accuracy, matrix);
        results.addClassNames("ll-panel", "ll-saved-output");
        add(curves, results, inside(run));
    }

    /** The test images with their guesses, and the feature maps of the one picked (the first at first). */
    private Div inside(Trainer run) {
        details = CnnFrames.details(run, 0);
        predictions.setId("saved-predictions");
        predictions.setTileSize(48);
        predictions.setSelectable(true);
        predictions.addTileClickListener(e -> choose(e.index()));
        featureTitle.setId("saved-feature-title");
        featureTitle.addClassName("cnn-subtitle");
        featureMaps.setId("saved-feature-maps");
        problem.setId("saved-feature-error");
        problem.addClassName("ll-error");
        problem.setVisible(false);
        Span hint = new Span("Each test image with its class, then the saved model's top-3 guesses (red: wrong). "
                + "Click one for its feature maps.");
        hint.addClassName("ll-hint");
        showDetails();
        Div inside = new Div(title("Test images and feature maps"), hint, predictions, problem, featureTitle, featureMaps);
        inside.addClassNames("ll-panel", "ll-saved-wide");
        return inside;
    }

    private void choose(int tile) {
        if (tile < 0 || tile >= details.guesses().size()) {
            return;
        }
        int index = details.guesses().get(tile).index();
        try (Trainer run = restore.get()) {
            details = CnnFrames.choose(details, run, index);
            problem.setVisible(false);
        } catch (RuntimeException e) {
            problem.setText("The feature maps of test image " + index + " cannot be computed: " + e.getMessage());
            problem.setVisible(true);
            return;
        }
        showDetails();
    }

    private void showDetails() {
        List<ImageGrid.Tile> tiles = new ArrayList<>();
        List<CnnFrames.Guess> guesses = details.guesses();
        for (int i = 0; i < guesses.size() && i < details.images().size(); i++) {
            CnnFrames.Guess g = guesses.get(i);
            tiles.add(CnnImages.guess(details.images().get(i), g, details.classNames(), g.index() == details.chosen()));
        }
        predictions.setTiles(tiles);
        String cls = guesses.stream().filter(g -> g.index() == details.chosen())
                .map(g -> CnnImages.className(details.classNames(), g.label())).findFirst().orElse("?");
        featureTitle.setText("Feature maps of test image " + details.chosen() + " (class " + cls
                + ") from the saved weights: every layer's output");
        featureTitle.getElement().setAttribute("data-image", String.valueOf(details.chosen()));
        featureMaps.show(details.chosenImage(), details.featureMaps());
    }

    private static double value(Double d) {
        return d == null ? Double.NaN : d;
    }

    private static H2 title(String text) {
        H2 h = new H2(text);
        h.addClassName("ll-panel-title");
        return h;
    }
}
