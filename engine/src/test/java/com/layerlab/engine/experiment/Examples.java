package com.layerlab.engine.experiment;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** FORMAT.md's examples and the example files shipped in the engine's resources. */
final class Examples {

    /** FORMAT.md's full example, verbatim. */
    static final String FORMAT_MD = """
            {
              "format": "layerlab/experiment@1",
              "name": "CIFAR-10 tutorial model",
              "seed": 42,
              "task": "classification",
              "data": {
                "dataset": "fashion-mnist",
                "options": {},
                "features": null,
                "train_fraction": 0.8,
                "batch_size": 64,
                "shuffle": true,
                "drop_last": false
              },
              "input_shape": [3, 32, 32],
              "model": [
                {"type": "Conv2d", "out_channels": 32, "kernel_size": 5, "padding": 2},
                {"type": "MaxPool2d", "kernel_size": 2},
                {"type": "Conv2d", "out_channels": 32, "kernel_size": 5, "padding": 2},
                {"type": "MaxPool2d", "kernel_size": 2},
                {"type": "Conv2d", "out_channels": 64, "kernel_size": 5, "padding": 2},
                {"type": "MaxPool2d", "kernel_size": 2},
                {"type": "Flatten"},
                {"type": "Linear", "out_features": 64},
                {"type": "Linear", "out_features": 10}
              ],
              "loss": {"type": "CrossEntropyLoss"},
              "optimizer": {"type": "SGD", "lr": 0.01, "momentum": 0.9, "weight_decay": 0.0},
              "regularization": {"type": "none", "rate": 0.0},
              "epochs": 10,
              "backend": "auto"
            }
            """;

    /** FORMAT.md's shallow network on 2D data, as a complete file. */
    static final String SHALLOW = """
            {
              "format": "layerlab/experiment@1",
              "seed": 5,
              "task": "classification",
              "data": {"dataset": "circle", "options": {"samples": 200, "noise": 10}, "features": ["x1", "x2"],
                       "train_fraction": 0.5, "batch_size": 10},
              "model": [
                {"type": "Linear", "out_features": 8},
                {"type": "ReLU"},
                {"type": "Linear", "out_features": 1}
              ],
              "loss": {"type": "BCEWithLogitsLoss"},
              "optimizer": {"type": "SGD", "lr": 0.03},
              "epochs": 5
            }
            """;

    static final String[] RESOURCE_NAMES = {"cifar10-tutorial", "perceptron-3", "conv-demo", "pooling-demo",
        "xor-tanh", "spiral-3-classes", "plane-regression"};

    private Examples() {
    }

    static String resource(String name) {
        try (InputStream in = Examples.class.getResourceAsStream("/layerlab/examples/" + name + ".json")) {
            if (in == null) {
                throw new IllegalStateException("missing example " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
