package com.layerlab.app.ui.compare;

import com.layerlab.app.lab.CompareActivation;
import com.layerlab.app.lab.CompareLinks;
import com.layerlab.app.lab.PlaygroundSettings;
import com.layerlab.app.training.BackendChoices;
import com.layerlab.app.ui.components.BackendSelect;
import com.layerlab.engine.experiment.DataSets;
import com.vaadin.flow.component.checkbox.CheckboxGroup;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.notification.Notification;
import com.vaadin.flow.component.select.Select;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.DoubleConsumer;
import java.util.stream.IntStream;

/**
 * The comparison's settings: data, noise, hidden layers, neurons, learning rate, and the activations
 * compared (two at least), with the network's shape. A learner's change goes to the page as the new
 * settings, learning rate or activations; {@link #show} puts a state on the controls.
 */
class CompareSettings extends Div {

    private static final List<String> DATASETS = List.of("circle", "xor", "gauss", "spiral", "plane", "multi-gauss");

    private final Select<String> dataset = new Select<>();
    private final Select<Integer> noise = new Select<>();
    private final Select<Integer> layers = new Select<>();
    private final Select<Integer> neurons = new Select<>();
    private final Select<Double> learningRate = new Select<>();
    private final CheckboxGroup<CompareActivation> activations = new CheckboxGroup<>();
    private final Span shape = new Span();
    private final BackendSelect backend;
    /** What the controls show, the base of a learner's change. */
    private CompareLinks.State state = CompareLinks.DEFAULTS;

    /**
     * @param onSettings     the network or data changed (a new run)
     * @param onLearningRate the learning rate changed (the run trains on with it)
     * @param onActivations  the activations compared changed, two or more (a new run)
     * @param backends       where the runs may train (a choice only where this server has more than one backend)
     */
    CompareSettings(Consumer<PlaygroundSettings> onSettings, DoubleConsumer onLearningRate,
                    Consumer<List<CompareActivation>> onActivations, BackendChoices backends) {
        dataset.setId("compare-dataset");
        dataset.setLabel("Data");
        dataset.setItems(DATASETS);
        dataset.setItemLabelGenerator(id -> DataSets.isPoints(id) ? "Own points" : id);
        dataset.addValueChangeListener(e -> {
            if (e.isFromClient() && e.getValue() != null) {
                boolean regression = PlaygroundSettings.REGRESSION_SETS.contains(e.getValue());
                onSettings.accept(state.settings().toBuilder()
                        .problem(regression ? PlaygroundSettings.REGRESSION : PlaygroundSettings.CLASSIFICATION)
                        .dataset(e.getValue()).build());
            }
        });

        noise.setId("compare-noise");
        noise.setLabel("Noise %");
        noise.setItems(IntStream.rangeClosed(0, 10).map(i -> i * 5).boxed().toList());
        noise.addValueChangeListener(e -> {
            if (e.isFromClient() && e.getValue() != null) {
                onSettings.accept(state.settings().toBuilder().noise(e.getValue()).build());
            }
        });

        layers.setId("compare-layers");
        layers.setLabel("Hidden layers");
        layers.setItems(IntStream.rangeClosed(0, PlaygroundSettings.MAX_LAYERS).boxed().toList());
        layers.addValueChangeListener(e -> {
            if (e.isFromClient() && e.getValue() != null) {
                List<Integer> widths = new ArrayList<>(state.settings().hiddenLayers());
                int width = widths.isEmpty() ? neuronsOrDefault() : widths.get(widths.size() - 1);
                while (widths.size() < e.getValue()) {
                    widths.add(width);
                }
                while (widths.size() > e.getValue()) {
                    widths.remove(widths.size() - 1);
                }
                onSettings.accept(state.settings().toBuilder().hiddenLayers(widths).build());
            }
        });

        neurons.setId("compare-neurons");
        neurons.setLabel("Neurons per layer");
        neurons.setItems(IntStream.rangeClosed(1, PlaygroundSettings.MAX_NEURONS).boxed().toList());
        neurons.addValueChangeListener(e -> {
            if (e.isFromClient() && e.getValue() != null) {
                List<Integer> widths = state.settings().hiddenLayers().stream().map(w -> e.getValue()).toList();
                onSettings.accept(state.settings().toBuilder().hiddenLayers(widths).build());
            }
        });

        learningRate.setId("compare-learning-rate");
        learningRate.setLabel("Learning rate");
        learningRate.setItems(PlaygroundSettings.LEARNING_RATES);
        learningRate.setItemLabelGenerator(PlaygroundSettings::formatRate);
        learningRate.addValueChangeListener(e -> {
            if (e.isFromClient() && e.getValue() != null) {
                onLearningRate.accept(e.getValue());
            }
        });

        activations.setId("compare-activations");
        activations.setLabel("Activations to compare (two or more)");
        activations.setItems(CompareActivation.values());
        activations.setItemLabelGenerator(CompareActivation::layerType);
        activations.addValueChangeListener(e -> {
            if (!e.isFromClient()) {
                return;
            }
            if (e.getValue().size() < 2) {
                activations.setValue(e.getOldValue());
                Notification.show("Pick at least two activations to compare.", 3000, Notification.Position.MIDDLE);
                return;
            }
            onActivations.accept(new ArrayList<>(e.getValue()));
        });

        for (Select<?> s : List.of(dataset, noise, layers, neurons, learningRate)) {
            s.setWidth("9.5em");
        }
        shape.setId("compare-shape");
        shape.getStyle().set("align-self", "end").set("padding-bottom", "0.6em").set("color", "var(--lumo-secondary-text-color)")
                .set("font-size", "var(--lumo-font-size-s)");

        backend = new BackendSelect(backends, b -> onSettings.accept(state.settings().toBuilder().backend(b).build()));
        backend.setWidth("15em");
        Div row = new Div(dataset, noise, layers, neurons, learningRate, backend, shape);
        row.getStyle().set("display", "flex").set("flex-wrap", "wrap").set("gap", "var(--lumo-space-m)");
        add(row, activations);
        getStyle().set("display", "flex").set("flex-direction", "column").set("gap", "var(--lumo-space-xs)");
    }


    /** Shows {@code shown} on the controls. */
    void show(CompareLinks.State shown) {
        state = shown;
        PlaygroundSettings s = state.settings();
        // a learner's point set, from a playground link, is offered beside the generated sets while it is chosen
        List<String> sets = new ArrayList<>(DATASETS);
        if (s.isPointSet()) {
            sets.add(s.dataset());
        }
        if (!sets.equals(dataset.getListDataView().getItems().toList())) {
            dataset.setItems(sets);
        }
        dataset.setValue(s.dataset());
        noise.setValue(s.noise());
        layers.setValue(s.hiddenLayers().size());
        neurons.setValue(s.hiddenLayers().isEmpty() ? 4 : s.hiddenLayers().get(0));
        neurons.setEnabled(!s.hiddenLayers().isEmpty());
        learningRate.setValue(s.learningRate());
        backend.show(s.backend());
        activations.setValue(new LinkedHashSet<>(state.activations()));
        lockLastTwo();
        List<String> widths = new ArrayList<>();
        widths.add(String.valueOf(s.features().size()));
        s.hiddenLayers().forEach(w -> widths.add(String.valueOf(w)));
        widths.add(String.valueOf(s.outputs()));
        shape.setText("Network: " + String.join(" \u2192 ", widths));
    }

    /** With two left, neither can be unticked: a comparison needs two. */
    private void lockLastTwo() {
        List<CompareActivation> chosen = state.activations();
        activations.setItemEnabledProvider(a -> chosen.size() > 2 || !chosen.contains(a));
    }

    private int neuronsOrDefault() {
        return neurons.getValue() == null ? 4 : neurons.getValue();
    }

}
