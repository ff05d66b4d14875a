package com.layerlab.app.ui.playground;

import com.layerlab.app.lab.ControlLocks.Control;
import com.layerlab.app.lab.PlaygroundPresets;
import com.layerlab.app.lab.PlaygroundSettings;
import com.layerlab.app.training.BackendChoices;
import com.layerlab.app.ui.components.BackendSelect;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.select.Select;
import java.util.Set;

/**
 * The toolbar's settings: learning rate, activation of every layer, regularization, problem type, presets,
 * and where the runs train (where this server has more than one backend).
 */
class SettingsSelects extends Div {

    private final Select<Double> learningRate = new Select<>();
    private final Select<String> activation = new Select<>();
    private final Select<String> regularization = new Select<>();
    private final Select<Double> regularizationRate = new Select<>();
    private final Select<String> problem = new Select<>();
    private final Select<PlaygroundPresets.Preset> presets = new Select<>();
    private final BackendSelect backend;
    /** The settings shown (what a regularization choice starts from). */
    private PlaygroundSettings shown = PlaygroundSettings.DEFAULTS;

    SettingsSelects(SettingsEdit settings, BackendChoices backends) {
        addClassName("ll-selects");
        learningRate.setLabel("Learning rate");
        learningRate.setId("learning-rate-select");
        learningRate.setItems(PlaygroundSettings.LEARNING_RATES);
        learningRate.setItemLabelGenerator(PlaygroundSettings::formatRate);
        learningRate.addValueChangeListener(e -> {
            if (e.isFromClient() && e.getValue() != null) {
                settings.edit(b -> b.learningRate(e.getValue()));
            }
        });

        activation.setLabel("Activation");
        activation.setId("activation-select");
        activation.setItems(PlaygroundSettings.ACTIVATIONS);
        activation.setPlaceholder("per layer");
        activation.setTooltipText("Sets every hidden layer; each layer also has its own picker");
        activation.addValueChangeListener(e -> {
            if (e.isFromClient() && e.getValue() != null) {
                settings.edit(b -> b.allActivations(e.getValue()));
            }
        });

        regularization.setLabel("Regularization");
        regularization.setId("regularization-select");
        regularization.setItems(PlaygroundSettings.REGULARIZATIONS);
        regularization.setItemLabelGenerator(r -> r.equals("none") ? "None" : r);
        regularization.addValueChangeListener(e -> {
            if (e.isFromClient() && e.getValue() != null) {
                boolean noRate = !e.getValue().equals("none") && shown.regularizationRate() == 0;
                settings.edit(b -> noRate ? b.regularization(e.getValue()).regularizationRate(0.001)
                        : b.regularization(e.getValue()));
            }
        });

        regularizationRate.setLabel("Regularization rate");
        regularizationRate.setId("regularization-rate-select");
        regularizationRate.setItems(PlaygroundSettings.REGULARIZATION_RATES);
        regularizationRate.setItemLabelGenerator(PlaygroundSettings::formatRate);
        regularizationRate.addValueChangeListener(e -> {
            if (e.isFromClient() && e.getValue() != null) {
                settings.edit(b -> b.regularizationRate(e.getValue()));
            }
        });

        problem.setLabel("Problem type");
        problem.setId("problem-select");
        problem.setItems(PlaygroundSettings.CLASSIFICATION, PlaygroundSettings.REGRESSION);
        problem.setItemLabelGenerator(p -> p.equals(PlaygroundSettings.REGRESSION) ? "Regression" : "Classification");
        problem.addValueChangeListener(e -> {
            if (e.isFromClient() && e.getValue() != null) {
                settings.edit(b -> b.problem(e.getValue()));
            }
        });

        presets.setLabel("Presets");
        presets.setId("preset-select");
        presets.setPlaceholder("Choose…");
        presets.setItems(PlaygroundPresets.ALL);
        presets.setItemLabelGenerator(PlaygroundPresets.Preset::label);
        presets.addValueChangeListener(e -> {
            if (e.isFromClient() && e.getValue() != null) {
                settings.edit(e.getValue().change());
                presets.clear();
            }
        });
        backend = new BackendSelect(backends, b -> settings.edit(x -> x.backend(b)));
        add(learningRate, activation, regularization, regularizationRate, problem, presets, backend);
    }

    /** Shows {@code s}; the {@code locked} controls (a class's challenge) are disabled. */
    void show(PlaygroundSettings s, Set<Control> locked) {
        shown = s;
        learningRate.setValue(s.learningRate());
        if (s.activations().isEmpty()) {
            activation.clear();
            activation.setEnabled(false);
        } else {
            activation.setEnabled(true);
            boolean same = s.activations().stream().allMatch(a -> a.equals(s.activations().get(0)));
            if (same) {
                activation.setValue(s.activations().get(0));
            } else {
                activation.clear();
            }
        }
        regularization.setValue(s.regularization());
        regularizationRate.setValue(s.regularizationRate());
        regularizationRate.setEnabled(!s.regularization().equals("none"));
        problem.setValue(s.problem());
        backend.show(s.backend());
        learningRate.setEnabled(!locked.contains(Control.LEARNING_RATE));
        activation.setEnabled(activation.isEnabled() && !locked.contains(Control.ACTIVATION));
        regularization.setEnabled(!locked.contains(Control.REGULARIZATION));
        regularizationRate.setEnabled(regularizationRate.isEnabled() && !locked.contains(Control.REGULARIZATION));
        // the problem type picks the data sets; a preset changes many controls at once
        problem.setEnabled(!locked.contains(Control.DATASET));
        presets.setEnabled(locked.isEmpty());
    }
}
