package com.layerlab.app.ui.cnn;

import com.layerlab.app.lab.CnnLinks;
import com.layerlab.app.training.CnnFrames;
import com.layerlab.app.ui.components.ImageGrid;
import com.layerlab.app.ui.components.StepTable;
import com.layerlab.engine.experiment.Experiment;
import com.layerlab.engine.train.StepReport;
import com.vaadin.flow.component.checkbox.Checkbox;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.select.Select;
import com.vaadin.flow.component.select.SelectVariant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.IntConsumer;

/**
 * What a training has learned, of one of its runs (a comparison picks which): the last step of
 * gradient descent, the confusion matrix, the test images with the model's guesses, the first layer's
 * filters and the feature maps of the test image picked.
 */
class CnnResults extends Div {

    private static final String NO_GUESSES_YET = "Test images and the model's top-3 guesses appear once training starts.";

    /** Which run of a comparison the details show. */
    private final Select<Integer> detailsRun = new Select<>();
    private final Div detailsBar;
    private final StepTable stepTable = new StepTable();
    private final CnnConfusionMatrix confusion = new CnnConfusionMatrix();
    private final Span confusionTitle = new Span();
    private final ImageGrid predictions = new ImageGrid();
    private final Checkbox wrongOnly = new Checkbox("Wrong predictions only");
    private final Select<Integer> imageSize = new Select<>();
    private final ImageGrid filters = new ImageGrid();
    private final CnnFeatureMaps featureMaps = new CnnFeatureMaps();
    private final Span featureTitle = new Span();

    private int shownRun;
    /** Where the training is, as its last frame said (the step table holds still while it trains). */
    private CnnFrames.Phase phase;
    private List<CnnFrames.RunHistory> lastRuns = List.of();
    private List<CnnFrames.Details> lastDetails = List.of();
    private List<CnnFrames.Guess> guesses = List.of();
    private List<CnnFrames.Planes> guessImages = List.of();
    /** The positions in {@code guesses} of the tiles shown, in order (all, or the wrong ones only). */
    private List<Integer> shownGuesses = List.of();
    private List<String> classNames = List.of();
    private int chosen;

    /** @param onChoose a test image picked (its index): the training sends its feature maps */
    CnnResults(IntConsumer onChoose) {
        detailsRun.setId("cnn-details-run");
        detailsRun.setLabel("Details for");
        detailsRun.setWidth("11em");
        detailsRun.addThemeVariants(SelectVariant.LUMO_SMALL);
        detailsRun.setVisible(false);
        detailsRun.addValueChangeListener(e -> {
            if (e.getValue() != null && e.getValue() != shownRun) {
                shownRun = e.getValue();
                if (shownRun < lastDetails.size()) {
                    showDetails(lastDetails.get(shownRun));
                }
                if (phase != CnnFrames.Phase.TRAINING) {
                    showStep();
                }
            }
        });
        Span detailsHint = new Span("The last step, the confusion matrix, predictions, filters and feature maps below are of this run.");
        detailsHint.addClassName("ll-hint");
        detailsBar = new Div(detailsRun, detailsHint);
        detailsBar.setId("cnn-details-bar");
        detailsBar.addClassName("cnn-details-bar");
        detailsBar.setVisible(false);

        stepTable.setId("cnn-step-table");
        Div stepCard = CnnCards.card("One step of gradient descent: the last batch, layer by layer", stepTable);
        stepCard.addClassName("cnn-step-card");

        confusion.setId("cnn-confusion");
        confusionTitle.setId("cnn-confusion-title");
        confusionTitle.addClassName("cnn-subtitle");
        confusionTitle.setText("Confusion matrix (test images)");
        predictions.setId("cnn-predictions");
        predictions.setTileSize(48);
        predictions.setSelectable(true);
        predictions.setEmptyText(NO_GUESSES_YET);
        predictions.addTileClickListener(e -> choose(e.index(), onChoose));
        wrongOnly.setId("cnn-wrong-only");
        wrongOnly.addValueChangeListener(e -> showGuesses());
        imageSize.setId("cnn-image-size");
        imageSize.setLabel("Image size");
        imageSize.setTooltipText("Test images, filters and feature maps, larger for a projector");
        imageSize.addThemeVariants(SelectVariant.LUMO_SMALL);
        imageSize.setItems(1, 2, 3);
        imageSize.setItemLabelGenerator(z -> z + "\u00d7");
        imageSize.setValue(1);
        // the image grids below scale their pictures by this factor (cnn-image-grid.js)
        imageSize.addValueChangeListener(e -> getStyle().set("--ll-image-zoom",
                String.valueOf(e.getValue() == null ? 1 : e.getValue())));
        filters.setId("cnn-filters");
        filters.setTileSize(36);
        filters.setEmptyText("The first layer has no Conv2d filters to show.");
        featureMaps.setId("cnn-feature-maps");
        featureTitle.setId("cnn-feature-title");
        featureTitle.addClassName("cnn-subtitle");
        featureTitle.setText("Feature maps: pick a test image above");

        Div imageTools = new Div(wrongOnly, imageSize);
        imageTools.addClassName("cnn-image-tools");
        Div predictionCard = CnnCards.card("Test images: class, then the top-3 guesses (red: wrong); click one for its "
                + "feature maps", imageTools, predictions);
        predictionCard.addClassName("cnn-wide");
        Div results = new Div(CnnCards.card(null, confusionTitle, confusion), predictionCard);
        results.addClassName("cnn-results");
        Div mapsCard = CnnCards.card(null, featureTitle, featureMaps);
        mapsCard.addClassName("cnn-wide");
        Div inside = new Div(CnnCards.card("First layer's filters (kernels), as images", filters), mapsCard);
        inside.addClassName("cnn-results");
        // the training panel lays these out as its own items
        getStyle().set("display", "contents");
        add(detailsBar, stepCard, results, inside);
    }

    /** The run of a comparison whose details are shown (0 for a single run). */
    int shownRun() {
        return shownRun;
    }

    /** A new training of {@code runs}: nothing to show yet; a comparison offers its runs. */
    void reset(List<Experiment> runs) {
        lastDetails = List.of();
        lastRuns = List.of();
        stepTable.show(null);
        shownRun = 0;
        List<Integer> indices = new ArrayList<>();
        for (int i = 0; i < runs.size(); i++) {
            indices.add(i);
        }
        detailsRun.setItems(indices);
        detailsRun.setItemLabelGenerator(i -> i < runs.size() ? CnnLinks.activationOf(runs.get(i).name()) : String.valueOf(i));
        detailsRun.setValue(0);
        detailsRun.setVisible(runs.size() > 1);
        detailsBar.setVisible(runs.size() > 1);
        confusion.show(null, null);
        predictions.setTiles(List.of());
        filters.setTiles(List.of());
        featureMaps.clear();
        guesses = List.of();
        guessImages = List.of();
        shownGuesses = List.of();
        chosen = 0;
        confusionTitle.setText("Confusion matrix (test images)" + (runs.size() > 1 ? " of the "
                + CnnLinks.activationOf(runs.get(0).name()) + " run" : ""));
    }

    /** A frame of the training: the last step once it holds still, the details when it brings new ones. */
    void show(CnnFrames.Frame f, CnnFrames.Phase phase) {
        this.phase = phase;
        lastRuns = f.runs();
        if (phase != CnnFrames.Phase.TRAINING && phase != CnnFrames.Phase.LOADING) {
            showStep();
        }
        if (f.details() != null && !f.details().isEmpty()) {
            lastDetails = f.details();
            showDetails(lastDetails.get(Math.min(shownRun, lastDetails.size() - 1)));
        }
    }

    private void choose(int tile, IntConsumer onChoose) {
        if (tile < 0 || tile >= shownGuesses.size()) {
            return;
        }
        chosen = guesses.get(shownGuesses.get(tile)).index();
        showGuesses();
        onChoose.accept(chosen);
    }

    /** The last step of the run whose details are shown. */
    private void showStep() {
        stepTable.show(shownRun < lastRuns.size() ? lastRuns.get(shownRun).lastStep() : null);
    }

    private void showDetails(CnnFrames.Details d) {
        classNames = d.classNames();
        confusion.show(d.classNames(), d.confusion());
        int total = 0;
        int right = 0;
        for (int r = 0; r < d.confusion().length; r++) {
            for (int c = 0; c < d.confusion()[r].length; c++) {
                total += d.confusion()[r][c];
                right += r == c ? d.confusion()[r][c] : 0;
            }
        }
        String of = lastRuns.size() > 1 && d.run() < lastRuns.size()
                ? " of the " + CnnLinks.activationOf(lastRuns.get(d.run()).name()) + " run" : "";
        confusionTitle.setText(String.format(Locale.ROOT, "Confusion matrix%s after epoch %d: %,d of %,d test images right (%.1f%%)",
                of, d.epoch(), right, total, total == 0 ? 0 : 100.0 * right / total));
        guesses = d.guesses();
        guessImages = d.images();
        chosen = d.chosen();
        showGuesses();
        filters.setTiles(d.filters() == null ? List.of() : CnnImages.filters(d.filters()));
        featureTitle.setText("Feature maps of test image " + d.chosen() + " (class "
                + (d.guesses().stream().filter(g -> g.index() == d.chosen()).map(g -> classNameOf(g.label())).findFirst()
                .orElse("?")) + ") " + weightsWhen(d) + ": every layer's output");
        featureMaps.show(d.chosenImage(), d.featureMaps());
    }

    private void showGuesses() {
        List<ImageGrid.Tile> tiles = new ArrayList<>();
        List<Integer> shown = new ArrayList<>();
        for (int i : CnnImages.shown(guesses, wrongOnly.getValue())) {
            if (i < guessImages.size()) {
                CnnFrames.Guess g = guesses.get(i);
                tiles.add(CnnImages.guess(guessImages.get(i), g, classNames, g.index() == chosen));
                shown.add(i);
            }
        }
        shownGuesses = shown;
        predictions.setEmptyText(guesses.isEmpty() ? NO_GUESSES_YET : "The model gets all of these test images right.");
        predictions.setTiles(tiles);
    }

    /** When the weights of {@code d} are from: an epoch's end, or, paused mid-epoch, the batch a step held at. */
    private String weightsWhen(CnnFrames.Details d) {
        StepReport step = d.run() < lastRuns.size() ? lastRuns.get(d.run()).lastStep() : null;
        if (phase == CnnFrames.Phase.PAUSED && step != null && step.epoch() > d.epoch()) {
            return "after batch " + step.batch() + " of epoch " + step.epoch();
        }
        return "after epoch " + d.epoch();
    }

    private String classNameOf(int k) {
        return k >= 0 && k < classNames.size() ? classNames.get(k) : String.valueOf(k);
    }
}
