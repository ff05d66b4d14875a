package com.layerlab.engine.train;

/**
 * One layer's output for one sample, without the batch axis.
 *
 * @param layer  the layer's index in the model
 * @param type   its type ({@code Conv2d}, {@code ReLU}, ...)
 * @param shape  the output shape, e.g. {@code [6, 28, 28]}; as {@code Models.inspect} gives it
 * @param values the output, row-major over {@code shape}
 */
public record FeatureMap(int layer, String type, int[] shape, float[] values) {
}
