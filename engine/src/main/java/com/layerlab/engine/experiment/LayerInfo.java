package com.layerlab.engine.experiment;

/** One layer of an inspected model: its index in {@code model}, type, per-sample output shape and parameter count. */
public record LayerInfo(int index, String type, int[] outputShape, long params) {

    public LayerInfo {
        outputShape = outputShape.clone();
    }

    @Override
    public int[] outputShape() {
        return outputShape.clone();
    }
}
