package com.layerlab.app.ui.components;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.layerlab.app.training.PlotData;
import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.HasSize;
import com.vaadin.flow.component.HasStyle;
import com.vaadin.flow.component.Tag;
import com.vaadin.flow.component.dependency.JsModule;
import com.vaadin.flow.shared.Registration;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.IntConsumer;

/**
 * The network drawn as TensorFlow Playground draws it (client side: network-diagram.js): columns of
 * neurons, each a small heat map, and edges coloured by weight sign and sized by magnitude, with the
 * value on hover. Editable diagrams also carry the +/- buttons, per-layer activation pickers and
 * clickable input features, and report them as events.
 */
@Tag("network-diagram")
@JsModule("./components/network-diagram.js")
public class NetworkDiagram extends Component implements HasSize, HasStyle {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** A neuron: label, whether it is used (inputs), and the index of its map in the frame's grids (-1: none). */
    public record Neuron(String label, Boolean active, int grid) {
    }

    /** A column: kind {@code input}, {@code hidden} or {@code output}. */
    public record Column(String kind, String title, String subtitle, String activation, List<Neuron> neurons) {
    }

    /**
     * The whole drawing; {@code outputMode} is {@code diverging} or {@code classes}; {@code locked} names the
     * editable diagram's controls that are disabled ({@code features}, {@code layers}, {@code neurons},
     * {@code activation}: a class's challenge locks them).
     */
    public record Layout(boolean editable, List<String> activations, int minLayers, int maxLayers, int minNeurons,
                         int maxNeurons, String outputMode, List<String> classColors, List<Column> columns,
                         List<String> locked) {

        public Layout(boolean editable, List<String> activations, int minLayers, int maxLayers, int minNeurons,
                      int maxNeurons, String outputMode, List<String> classColors, List<Column> columns) {
            this(editable, activations, minLayers, maxLayers, minNeurons, maxNeurons, outputMode, classColors, columns,
                    List.of());
        }
    }

    public void setLayout(Layout layout) {
        try {
            getElement().setProperty("layout", JSON.writeValueAsString(layout));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("network layout is not serialisable", e);
        }
    }

    /**
     * A frame: the weights of every Linear layer ([out][in]) and the neuron maps, gridN*gridN bytes
     * each, in the order the layout's {@code grid} indices give.
     */
    public void setFrame(List<float[][]> weights, int gridN, byte[] grids) {
        getElement().setProperty("weights", PlotData.weightsJson(weights));
        getElement().setProperty("gridN", gridN);
        getElement().setProperty("grids", PlotData.base64(grids));
    }

    /** Clicks on an input feature, with its index in the input column. */
    public Registration addFeatureToggleListener(IntConsumer listener) {
        return getElement().addEventListener("feature-toggle",
                e -> listener.accept((int) e.getEventData().getNumber("event.detail.index")))
                .addEventData("event.detail.index");
    }

    public Registration addLayerAddListener(Runnable listener) {
        return getElement().addEventListener("layer-add", e -> listener.run());
    }

    public Registration addLayerRemoveListener(Runnable listener) {
        return getElement().addEventListener("layer-remove", e -> listener.run());
    }

    /** +1 or -1 neuron on a hidden layer (counted from 0). */
    public Registration addNeuronChangeListener(BiConsumer<Integer, Integer> listener) {
        Registration add = getElement().addEventListener("neuron-add",
                e -> listener.accept((int) e.getEventData().getNumber("event.detail.layer"), 1))
                .addEventData("event.detail.layer");
        Registration remove = getElement().addEventListener("neuron-remove",
                e -> listener.accept((int) e.getEventData().getNumber("event.detail.layer"), -1))
                .addEventData("event.detail.layer");
        return () -> {
            add.remove();
            remove.remove();
        };
    }

    /** A hidden layer's (from 0) new activation. */
    public Registration addActivationChangeListener(BiConsumer<Integer, String> listener) {
        return getElement().addEventListener("activation-change",
                e -> listener.accept((int) e.getEventData().getNumber("event.detail.layer"),
                        e.getEventData().getString("event.detail.value")))
                .addEventData("event.detail.layer").addEventData("event.detail.value");
    }
}
