package com.layerlab.app.ui.cnn;

import com.layerlab.app.store.SavedEvaluation;
import com.layerlab.app.ui.components.LossChart;
import com.layerlab.engine.experiment.Experiment;
import com.layerlab.engine.train.EpochStats;
import com.layerlab.engine.train.Trainer;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.Span;
import java.util.List;
import java.util.Locale;

/**
 * A saved CNN lab experiment as its short link shows it: the confusion matrix computed from the saved
 * weights ({@link SavedEvaluation}), and the loss and accuracy curves from the saved metrics.
 */
public class SavedCnnPanel extends Div {

    /** @param run a run of the saved experiment holding the saved weights (only read, not kept) */
    public SavedCnnPanel(Trainer run, List<EpochStats> metrics) {
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
        add(curves, results);
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
