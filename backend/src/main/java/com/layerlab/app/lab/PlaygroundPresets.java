package com.layerlab.app.lab;

import java.util.List;
import java.util.function.UnaryOperator;

/** The playground's starting points from the course; each keeps the seeds and the view options. */
public final class PlaygroundPresets {

    /** A starting point: what it changes in the settings. */
    public record Preset(String label, UnaryOperator<PlaygroundSettings.Builder> change) {
    }

    public static final List<Preset> ALL = List.of(
            new Preset("TensorFlow Playground default", b -> b.problem(PlaygroundSettings.CLASSIFICATION)
                    .dataset("circle").features(List.of("x1", "x2")).hiddenLayers(List.of(4, 2))
                    .allActivations("Tanh").sigmoidOutput(false).learningRate(0.03).regularization("none")
                    .noise(0).trainPercent(50).batchSize(10)),
            new Preset("Perceptron (no hidden layer)", b -> b.problem(PlaygroundSettings.CLASSIFICATION)
                    .dataset("gauss").classes(2).features(List.of("x1", "x2")).hiddenLayers(List.of())
                    .sigmoidOutput(false).learningRate(0.03).regularization("none")),
            // the course notes' perceptron: three inputs, weights and a bias, a sigmoid (4 parameters);
            // x1*x2 as the third input is what lets one neuron separate XOR
            new Preset("3-input perceptron", b -> b.problem(PlaygroundSettings.CLASSIFICATION)
                    .dataset("xor").features(List.of("x1", "x2", "x1*x2")).hiddenLayers(List.of())
                    .sigmoidOutput(true).learningRate(0.3).regularization("none")),
            new Preset("Shallow network (one hidden layer)", b -> b.problem(PlaygroundSettings.CLASSIFICATION)
                    .dataset("circle").features(List.of("x1", "x2")).hiddenLayers(List.of(8))
                    .allActivations("ReLU").sigmoidOutput(false).learningRate(0.03)),
            new Preset("Deep network (spiral)", b -> b.problem(PlaygroundSettings.CLASSIFICATION)
                    .dataset("spiral").classes(2).features(List.of("x1", "x2", "sin(x1)", "sin(x2)"))
                    .hiddenLayers(List.of(8, 8, 6)).allActivations("Tanh").sigmoidOutput(false).learningRate(0.03)),
            new Preset("Multi-class (3 Gaussians)", b -> b.problem(PlaygroundSettings.CLASSIFICATION)
                    .dataset("gauss").classes(3).features(List.of("x1", "x2")).hiddenLayers(List.of(4))
                    .allActivations("ReLU").learningRate(0.03)),
            new Preset("Regression (plane)", b -> b.problem(PlaygroundSettings.REGRESSION).dataset("plane")
                    .features(List.of("x1", "x2")).hiddenLayers(List.of(4, 2)).allActivations("Tanh")
                    .learningRate(0.01)));

    private PlaygroundPresets() {
    }
}
