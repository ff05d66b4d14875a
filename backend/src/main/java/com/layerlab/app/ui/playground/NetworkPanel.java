package com.layerlab.app.ui.playground;

import com.layerlab.app.lab.ControlLocks.Control;
import com.layerlab.app.lab.PlaygroundSettings;
import com.layerlab.app.training.RunSnapshot;
import com.layerlab.app.ui.components.HeatMap;
import com.layerlab.app.ui.components.NetworkDiagram;
import com.layerlab.app.ui.components.StepTable;
import com.layerlab.datasets.Features2D;
import com.vaadin.flow.component.checkbox.Checkbox;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.notification.Notification;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The playground's network column: the diagram (features to click, layers and neurons to add or remove,
 * each neuron's map and each weight), the parameter count, the sigmoid output option, and what the last
 * step of gradient descent did to each layer.
 */
class NetworkPanel extends PlaygroundPanel {

    private static final Map<String, String> FEATURE_LABELS = Map.of("x1", "x1", "x2", "x2", "x1^2", "x1²",
            "x2^2", "x2²", "x1*x2", "x1·x2", "sin(x1)", "sin(x1)", "sin(x2)", "sin(x2)");

    /** The locks the diagram's own controls obey (named in lower case in its layout). */
    private static final Set<Control> DIAGRAM_LOCKS = Set.of(Control.FEATURES, Control.LAYERS, Control.NEURONS,
            Control.ACTIVATION);

    private final NetworkDiagram diagram = new NetworkDiagram();
    private final Span paramCount = new Span();
    private final Checkbox sigmoidOutput = new Checkbox("Sigmoid output, trained with MSELoss (the course's perceptron)");
    private final StepTable stepTable = new StepTable();
    /** The diagram's layout as last sent: it is sent again only when it changes. */
    private String diagramKey;
    private PlaygroundSettings shown = PlaygroundSettings.DEFAULTS;

    NetworkPanel(SettingsEdit settings) {
        super("Network", "ll-network");
        diagram.setId("network");
        diagram.setWidthFull();
        diagram.addFeatureToggleListener(i -> {
            if (i >= 0 && i < Features2D.NAMES.size()) {
                String f = Features2D.NAMES.get(i);
                if (shown.features().size() == 1 && shown.features().contains(f)) {
                    Notification.show("The network needs at least one input feature.", 2500, Notification.Position.BOTTOM_CENTER);
                    return;
                }
                settings.edit(b -> b.toggleFeature(f));
            }
        });
        diagram.addLayerAddListener(() -> settings.edit(PlaygroundSettings.Builder::addLayer));
        diagram.addLayerRemoveListener(() -> settings.edit(PlaygroundSettings.Builder::removeLayer));
        diagram.addNeuronChangeListener((layer, delta) -> settings.edit(b -> b.neurons(layer, delta)));
        diagram.addActivationChangeListener((layer, value) -> settings.edit(b -> b.activation(layer, value)));
        sigmoidOutput.setId("sigmoid-output");
        sigmoidOutput.addValueChangeListener(e -> {
            if (e.isFromClient()) {
                settings.edit(b -> b.sigmoidOutput(e.getValue()));
            }
        });
        paramCount.setId("param-count");
        paramCount.addClassName("ll-hint");
        Div foot = new Div(paramCount, sigmoidOutput);
        foot.addClassName("ll-network-foot");
        stepTable.setId("step-table");
        stepTable.setEmptyText("Press play or step: this table then shows what the latest step did to each layer.");
        Span stepTitle = new Span("Gradient descent, the last step (the last batch trained)");
        stepTitle.addClassName("ll-subtitle");
        Div stepSection = new Div(stepTitle, stepTable);
        stepSection.addClassName("ll-step-section");
        add(diagram, foot, stepSection);
    }

    /** Shows {@code s}; the {@code locked} controls (a class's challenge) are disabled in the diagram. */
    void show(PlaygroundSettings s, Set<Control> locked) {
        shown = s;
        sigmoidOutput.setValue(s.sigmoidOutput());
        sigmoidOutput.setVisible(!s.isRegression() && !s.isMultiClass());
        sigmoidOutput.setEnabled(!locked.contains(Control.ACTIVATION)); // the output's activation
        NetworkDiagram.Layout layout = layout(s, locked);
        String key = layout.toString();
        if (!key.equals(diagramKey)) {
            diagramKey = key;
            diagram.setLayout(layout);
        }
        long params = 0;
        int in = s.features().size();
        for (int n : s.hiddenLayers()) {
            params += (long) (in + 1) * n;
            in = n;
        }
        params += (long) (in + 1) * s.outputs();
        paramCount.setText(String.format(Locale.ROOT, "%,d parameters", params));
    }

    /** A run's weights, neuron maps and last step. */
    void showSnapshot(RunSnapshot s) {
        diagram.setFrame(s.weights(), s.neuronN(), s.neuronMaps());
        stepTable.show(s.lastStep());
    }

    /** A new run: no step yet. */
    void clearStep() {
        stepTable.show(null);
    }

    /** The diagram's columns: every feature (used or not), each hidden layer, the outputs. */
    private static NetworkDiagram.Layout layout(PlaygroundSettings s, Set<Control> locked) {
        List<NetworkDiagram.Column> cols = new ArrayList<>();
        List<NetworkDiagram.Neuron> inputs = new ArrayList<>();
        int grid = 0;
        for (String f : Features2D.NAMES) {
            inputs.add(new NetworkDiagram.Neuron(FEATURE_LABELS.get(f), s.features().contains(f), grid++));
        }
        cols.add(new NetworkDiagram.Column("input", "Features", "click to use", null, inputs));
        for (int l = 0; l < s.hiddenLayers().size(); l++) {
            List<NetworkDiagram.Neuron> ns = new ArrayList<>();
            for (int j = 0; j < s.hiddenLayers().get(l); j++) {
                ns.add(new NetworkDiagram.Neuron("Layer " + (l + 1) + ", neuron " + (j + 1), null, grid++));
            }
            cols.add(new NetworkDiagram.Column("hidden", "Layer " + (l + 1), s.hiddenLayers().get(l) + " neurons",
                    s.activations().get(l), ns));
        }
        List<NetworkDiagram.Neuron> outs = new ArrayList<>();
        String subtitle;
        if (s.isMultiClass()) {
            for (int c = 0; c < s.classes(); c++) {
                outs.add(new NetworkDiagram.Neuron("P(class " + c + ")", null, grid++));
            }
            subtitle = "softmax";
        } else {
            outs.add(new NetworkDiagram.Neuron(s.isRegression() ? "Output value" : "P(class 1)", null, grid++));
            subtitle = s.isRegression() ? "value" : s.sigmoidOutput() ? "sigmoid" : "sigmoid of logit";
        }
        cols.add(new NetworkDiagram.Column("output", "Output", subtitle, null, outs));
        return new NetworkDiagram.Layout(true, PlaygroundSettings.ACTIVATIONS, 0, PlaygroundSettings.MAX_LAYERS, 1,
                PlaygroundSettings.MAX_NEURONS, s.isMultiClass() ? "classes" : "diverging", HeatMap.CLASS_COLORS, cols,
                locked.stream().filter(DIAGRAM_LOCKS::contains).map(c -> c.name().toLowerCase(Locale.ROOT)).sorted().toList());
    }
}
