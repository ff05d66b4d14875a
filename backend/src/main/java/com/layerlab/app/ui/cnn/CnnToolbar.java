package com.layerlab.app.ui.cnn;

import com.layerlab.app.lab.CnnLinks;
import com.layerlab.app.lab.CnnPresets;
import com.layerlab.app.lab.ControlLocks;
import com.layerlab.app.training.BackendChoices;
import com.layerlab.app.ui.components.BackendSelect;
import com.layerlab.engine.experiment.Experiment;
import com.layerlab.engine.experiment.OptimizerSpec;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.checkbox.Checkbox;
import com.vaadin.flow.component.html.Anchor;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.icon.VaadinIcon;
import com.vaadin.flow.component.notification.Notification;
import com.vaadin.flow.component.select.Select;
import com.vaadin.flow.component.textfield.IntegerField;
import com.vaadin.flow.data.value.ValueChangeMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * The CNN lab's toolbar: the preset, the epochs, the optimizer and its learning rate, the backend, the activation
 * comparison, the transport buttons, and the experiment's link, Save and Export.
 */
class CnnToolbar extends Div {

    static final List<Double> LEARNING_RATES = List.of(0.0001, 0.0003, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3);

    private final Select<CnnPresets.Preset> preset = new Select<>();
    private final Span presetDescription = new Span();
    private final IntegerField epochs = new IntegerField("Epochs");
    private final Select<String> optimizer = new Select<>();
    private final Select<Double> learningRate = new Select<>();
    private final BackendSelect backend;
    private final Checkbox compare = new Checkbox("Compare ReLU, Tanh, Sigmoid");
    private final Anchor shareLink = new Anchor();
    private final Button copyLink = new Button("Copy link", VaadinIcon.LINK.create());
    private final Button export = new Button("Export to PyTorch", VaadinIcon.CODE.create());
    private final Button workers = new Button("Train on the workers", VaadinIcon.SERVER.create());
    /** Whether the visitor may send a run to the workers: signed in, on a node of a cluster. */
    private boolean workersAllowed;
    /** Where the share link points; null while the model is broken. */
    private String location;
    /** Whether a class's challenge locks the layer stack, which a comparison changes. */
    private boolean layersLocked;
    private boolean comparable;

    /**
     * @param presets   the preset menu
     * @param maxEpochs the most epochs the server trains
     * @param backends  where the runs may train (a choice only where this server has more than one backend)
     * @param onPreset  a preset picked
     * @param edit      a change of the experiment (epochs, optimizer, learning rate)
     * @param onCompare the comparison of activations turned on or off
     * @param onSave    "Save"
     * @param onExport  "Export to PyTorch"
     * @param onWorkers "Train on the workers" (shown only on a node of a cluster: {@link #showWorkers})
     */
    CnnToolbar(List<CnnPresets.Preset> presets, int maxEpochs, BackendChoices backends, CnnTransport transport, Consumer<CnnPresets.Preset> onPreset,
               Consumer<UnaryOperator<Experiment>> edit, Consumer<Boolean> onCompare, Runnable onSave, Runnable onExport,
               Runnable onWorkers) {
        preset.setId("cnn-preset");
        preset.setLabel("Preset");
        preset.setItems(presets);
        preset.setItemLabelGenerator(CnnPresets.Preset::title);
        preset.setPlaceholder("Custom");
        preset.setWidth("17em");
        preset.addValueChangeListener(e -> {
            if (e.isFromClient() && e.getValue() != null) {
                onPreset.accept(e.getValue());
            }
        });
        presetDescription.setId("cnn-preset-description");
        presetDescription.addClassName("cnn-preset-description");

        epochs.setId("cnn-epochs");
        epochs.setMin(1);
        epochs.setMax(maxEpochs);
        epochs.setStepButtonsVisible(true);
        epochs.setWidth("7.5em");
        epochs.setValueChangeMode(ValueChangeMode.LAZY);
        epochs.addValueChangeListener(e -> {
            if (e.isFromClient() && e.getValue() != null) {
                edit.accept(x -> x.withEpochs(e.getValue()));
            }
        });

        optimizer.setId("cnn-optimizer");
        optimizer.setLabel("Optimizer");
        optimizer.setItems(OptimizerSpec.TYPES);
        optimizer.setWidth("7em");
        optimizer.addValueChangeListener(e -> {
            if (e.isFromClient() && e.getValue() != null) {
                edit.accept(x -> x.withOptimizer(e.getValue().equals(OptimizerSpec.ADAM)
                        ? OptimizerSpec.adam(x.optimizer().lr()) : OptimizerSpec.sgd(x.optimizer().lr(), 0.9, 0, false)));
            }
        });

        learningRate.setId("cnn-lr");
        learningRate.setLabel("Learning rate");
        learningRate.setWidth("8em");
        learningRate.setItemLabelGenerator(CnnProgressRow::rate);
        learningRate.addValueChangeListener(e -> {
            if (e.isFromClient() && e.getValue() != null) {
                edit.accept(x -> x.withOptimizer(x.optimizer().withLr(e.getValue())));
            }
        });

        backend = new BackendSelect(backends, b -> edit.accept(x -> x.withBackend(b)));
        backend.setWidth("14em");

        compare.setId("cnn-compare");
        compare.addValueChangeListener(e -> {
            if (e.isFromClient()) {
                onCompare.accept(e.getValue());
            }
        });

        shareLink.setId("cnn-share-link");
        shareLink.setText("Link to this experiment");
        shareLink.addClassName("cnn-share-link");
        copyLink.setId("cnn-copy-link");
        copyLink.addThemeVariants(ButtonVariant.LUMO_SMALL);
        copyLink.addClickListener(e -> copyLink());

        export.setId("cnn-export");
        export.addThemeVariants(ButtonVariant.LUMO_SMALL);
        export.setTooltipText("The model as PyTorch code, and its weights as a safetensors file");
        export.addClickListener(e -> onExport.run());

        Button save = new Button("Save", VaadinIcon.CLOUD_UPLOAD_O.create());
        save.setId("cnn-save");
        save.addThemeVariants(ButtonVariant.LUMO_SMALL);
        save.setTooltipText("Save this model with what its training learned, and get a short link to it");
        save.addClickListener(e -> onSave.run());
        workers.setId("cnn-train-workers");
        workers.addThemeVariants(ButtonVariant.LUMO_SMALL);
        workers.addClickListener(e -> onWorkers.run());
        workers.setVisible(false);
        Div links = new Div(shareLink, copyLink, save, export, workers);
        links.addClassName("cnn-links");
        Div controls = new Div(preset, epochs, optimizer, learningRate, backend, compare, transport);
        controls.addClassName("cnn-toolbar-row");
        Div about = new Div(presetDescription, links);
        about.addClassName("cnn-toolbar-about");
        add(controls, about);
        addClassNames("ll-panel", "cnn-toolbar");
    }

    private void copyLink() {
        getElement().executeJs(
                "const url = new URL($0, document.baseURI).href;"
                        + "return (navigator.clipboard ? navigator.clipboard.writeText(url) : Promise.reject())"
                        + ".then(() => true, () => false);", location)
                .then(Boolean.class, ok -> Notification.show(Boolean.TRUE.equals(ok)
                                ? "Link copied: whoever opens it gets this experiment, layers, data and settings."
                                : "Copying was not allowed here: use \"Link to this experiment\" instead.", 3000,
                        Notification.Position.BOTTOM_START));
    }

    /** The whole state in the controls (a preset, a link); {@code matching}: the preset it is, or null. */
    void show(CnnLinks.State state, CnnPresets.Preset matching) {
        Experiment e = state.experiment();
        showPreset(matching);
        epochs.setValue(e.epochs());
        optimizer.setValue(e.optimizer().type());
        List<Double> rates = new ArrayList<>(LEARNING_RATES);
        if (!rates.contains(e.optimizer().lr())) {
            rates.add(e.optimizer().lr());
            rates.sort(Double::compare);
        }
        learningRate.setItems(rates);
        learningRate.setValue(e.optimizer().lr());
        backend.show(e.backend());
        compare.setValue(state.comparing());
    }

    /** The preset the experiment is, or null: the learner's own network. */
    void showPreset(CnnPresets.Preset matching) {
        preset.setValue(matching);
        presetDescription.setText(matching == null ? "Your own network." : matching.description());
    }

    /** Whether a comparison is possible (the model has an activation to swap) and on. */
    void showCompare(boolean comparable, boolean comparing) {
        this.comparable = comparable;
        compare.setEnabled(comparable && !layersLocked);
        compare.setValue(comparing && !layersLocked);
        compare.setTooltipText(layersLocked ? "A comparison trains other layers: the challenge locks the layer stack"
                : comparable ? "Trains one copy per activation, same seed and starting weights"
                : "The model has no ReLU, Tanh or Sigmoid to swap");
    }

    /**
     * Disables what a class's challenge locks ({@code locked}): the optimizer, the learning rate, a comparison
     * when the layer stack is locked, and the presets when anything is (a preset sets every control).
     */
    void lock(Set<ControlLocks.Control> locked) {
        preset.setEnabled(locked.isEmpty());
        optimizer.setEnabled(!locked.contains(ControlLocks.Control.OPTIMIZER));
        learningRate.setEnabled(!locked.contains(ControlLocks.Control.LEARNING_RATE));
        layersLocked = locked.contains(ControlLocks.Control.LAYER_STACK);
        showCompare(comparable, compare.getValue());
    }

    /**
     * "Train on the workers": shown on a node of a cluster ({@code cluster}) only; there, for a signed-in
     * visitor whose model can train ({@code problem} null), else disabled, its tooltip saying why.
     */
    void showWorkers(boolean cluster, boolean signedIn, String problem) {
        workers.setVisible(cluster);
        workersAllowed = cluster && signedIn;
        workers.setEnabled(workersAllowed && problem == null);
        workers.setTooltipText(!signedIn ? "Sign in to train on the server's worker nodes: such a run is kept under your "
                + "account, in My runs."
                : problem != null ? problem
                : "Trains this experiment on the server's worker nodes, from its seed's weights, for the epochs set "
                + "here: it goes on whatever page you open, and My runs shows it under On the workers.");
    }

    /** The experiment's link; null while the model is broken (a link must open a working model). */
    void showLink(String location) {
        this.location = location;
        shareLink.setVisible(location != null);
        export.setEnabled(location != null);
        copyLink.setEnabled(location != null);
        copyLink.setTooltipText(location == null ? "Fix the red layer first: a link carries a working model." : null);
        if (location != null) {
            shareLink.setHref(location);
        }
    }
}
