package com.layerlab.engine.experiment;

import java.util.List;

/** The layers of a model with their output shapes and parameter counts. */
public record ModelSummary(List<LayerInfo> layers, long totalParams) {

    public ModelSummary {
        layers = List.copyOf(layers);
    }

    /** The per-sample shape the model produces (its last layer's output). */
    public int[] outputShape() {
        return layers.get(layers.size() - 1).outputShape();
    }
}
