package com.layerlab.app.ui.playground;

import com.layerlab.app.lab.ControlLocks.Control;
import com.layerlab.app.lab.PlaygroundSettings;
import com.layerlab.app.training.PlotData;
import com.layerlab.app.ui.components.HeatMap;
import com.layerlab.app.ui.components.Slider;
import com.layerlab.datasets.Datasets2D;
import com.layerlab.datasets.Points2D;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.icon.VaadinIcon;
import com.vaadin.flow.component.select.Select;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The playground's data column: the generated sets as thumbnails, the learner's own sets, the classes,
 * the split, the noise, the batch size and the data seed.
 */
class DataPanel extends PlaygroundPanel {

    /** The generated sets' names, for people. */
    static final Map<String, String> NAMES = Map.of("circle", "Circle", "xor", "Exclusive or", "gauss", "Gaussian",
            "spiral", "Spiral", "plane", "Plane", "multi-gauss", "Multi Gaussian");

    private final SettingsEdit settings;
    private final PointSetControls ownData;
    private final Div thumbnails = new Div();
    private final Map<String, Div> thumbnailCards = new HashMap<>();
    /** What the thumbnails show (the sets and the classes): they are redrawn only when it changes. */
    private String thumbnailsKey;
    private final Select<Integer> classes = new Select<>();
    private final Slider trainPercent = new Slider("Ratio of training to test data", 10, 90, 10, 50, v -> v + " %");
    private final Slider noise = new Slider("Noise", 0, 50, 5, 0, v -> String.valueOf(v));
    private final Slider batchSize = new Slider("Batch size", 1, 30, 1, 10, v -> String.valueOf(v));
    private final Button regenerate = new Button("Regenerate", VaadinIcon.REFRESH.create());
    private final Span seedLabel = new Span();

    /** @param ownData the learner's own point sets */
    DataPanel(PointSetControls ownData, SettingsEdit settings) {
        super("Data", "ll-data");
        this.settings = settings;
        this.ownData = ownData;
        Span which = new Span("Which data set do you want to use?");
        which.addClassName("ll-hint");
        thumbnails.addClassName("ll-thumbnails");
        classes.setLabel("Classes");
        classes.setId("classes-select");
        classes.setItems(2, 3, 4, 5);
        classes.addValueChangeListener(e -> {
            if (e.isFromClient() && e.getValue() != null) {
                settings.edit(b -> b.classes(e.getValue()));
            }
        });
        trainPercent.setInputId("train-percent");
        trainPercent.setValueChangeListener(v -> settings.edit(b -> b.trainPercent(v)));
        noise.setInputId("noise");
        noise.setValueChangeListener(v -> settings.edit(b -> b.noise(v)));
        batchSize.setInputId("batch-size");
        batchSize.setValueChangeListener(v -> settings.edit(b -> b.batchSize(v)));
        regenerate.setId("regenerate-button");
        regenerate.setTooltipText("New points from a new data seed (same starting weights)");
        regenerate.addThemeVariants(ButtonVariant.LUMO_SMALL);
        regenerate.addClickListener(e -> settings.edit(b -> b.dataSeed(PlaygroundSettings.newSeed())));
        seedLabel.addClassName("ll-seeds");
        add(which, thumbnails, ownData, classes, trainPercent, noise, batchSize, regenerate, seedLabel);
    }

    /** Shows {@code s}; a locked data set (a class's challenge) disables the choice of data. */
    void show(PlaygroundSettings s, Set<Control> locked) {
        boolean dataLocked = locked.contains(Control.DATASET);
        classes.setVisible(!s.isRegression() && !s.isPointSet() && Datasets2D.supportsMultiClass(s.dataset()));
        noise.setVisible(!s.isPointSet());
        regenerate.setVisible(!s.isPointSet());
        if (classes.isVisible()) {
            classes.setValue(s.classes());
        }
        trainPercent.setValue(s.trainPercent());
        noise.setValue(s.noise());
        batchSize.setValue(s.batchSize());
        seedLabel.setText("Seed " + s.seed() + " · data seed " + s.dataSeed());
        showThumbnails(s);
        // the data set's lock covers the whole data column (ControlLocks: split, noise, batch, data seed too)
        classes.setEnabled(!dataLocked);
        trainPercent.setEnabled(!dataLocked);
        noise.setEnabled(!dataLocked);
        batchSize.setEnabled(!dataLocked);
        regenerate.setEnabled(!dataLocked);
        ownData.setLocked(dataLocked);
        // disabled elements send no clicks to the server (Vaadin drops them), and the attribute greys them out
        thumbnailCards.values().forEach(card -> {
            card.getElement().setEnabled(!dataLocked);
            card.getElement().setAttribute("aria-disabled", String.valueOf(dataLocked));
            card.getElement().setAttribute("tabindex", dataLocked ? "-1" : "0");
        });
    }

    private void showThumbnails(PlaygroundSettings s) {
        List<String> sets = s.isRegression() ? PlaygroundSettings.REGRESSION_SETS : PlaygroundSettings.CLASSIFICATION_SETS;
        String key = String.join(",", sets) + "/" + s.classes();
        if (!key.equals(thumbnailsKey)) {
            thumbnailsKey = key;
            thumbnails.removeAll();
            thumbnailCards.clear();
            for (String id : sets) {
                int k = s.isRegression() ? 0 : Datasets2D.supportsMultiClass(id) ? s.classes() : 2;
                Div card = thumbnail(id, k);
                thumbnails.add(card);
                thumbnailCards.put(id, card);
            }
        }
        thumbnailCards.forEach((id, card) -> {
            boolean sel = id.equals(s.dataset());
            card.setClassName("selected", sel);
            card.getElement().setAttribute("aria-pressed", String.valueOf(sel));
        });
    }

    /** A generated set as a small map of its points ({@code k} classes, 0 for a regression), a button. */
    private Div thumbnail(String id, int k) {
        Points2D pts = Datasets2D.generate(id, 240, 0, k, 7);
        HeatMap map = new HeatMap(64);
        map.setPointRadius(1.3);
        if (k > 2) {
            map.setClasses();
        } else {
            map.setBinary();
        }
        map.setTrainPoints(PlotData.points(pts, k > 2, Points2D.labelScale(pts)));
        Div card = new Div(map);
        card.addClassName("ll-thumb");
        card.setId("dataset-" + id);
        card.getElement().setAttribute("role", "button");
        card.getElement().setAttribute("tabindex", "0");
        card.getElement().setAttribute("aria-label", NAMES.get(id));
        card.getElement().setAttribute("title", NAMES.get(id));
        card.add(new Span(NAMES.get(id)));
        card.addClickListener(e -> settings.edit(b -> b.dataset(id)));
        card.getElement().addEventListener("keydown", e -> settings.edit(b -> b.dataset(id)))
                .setFilter("event.key === 'Enter' || event.key === ' '");
        return card;
    }
}
