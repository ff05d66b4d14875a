package com.layerlab.app.lab;

import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The activations the compare page can put side by side, with the colour each keeps in every chart of
 * that page (boundary title, loss curve, gradient bars) so the learner can follow one across them.
 */
public enum CompareActivation {
    RELU("ReLU", "#d62728"),
    TANH("Tanh", "#6a3d9a"),
    SIGMOID("Sigmoid", "#2ca02c"),
    LEAKY_RELU("LeakyReLU", "#8c564b"),
    IDENTITY("Identity", "#7f7f7f");

    /** What the page compares when nothing else is asked for: the three of the course notes. */
    public static final List<CompareActivation> DEFAULTS = List.of(RELU, TANH, SIGMOID);

    private static final Set<String> ACTIVATION_TYPES = Set.of("ReLU", "Tanh", "Sigmoid", "LeakyReLU", "Identity");

    private final String layerType;
    private final String color;

    CompareActivation(String layerType, String color) {
        this.layerType = layerType;
        this.color = color;
    }

    /** The PyTorch layer name, also the name shown and the one written in share links. */
    public String layerType() {
        return layerType;
    }

    public String color() {
        return color;
    }

    /** The activation named {@code name} (PyTorch spelling, any case). */
    public static CompareActivation parse(String name) {
        for (CompareActivation a : values()) {
            if (a.layerType.equalsIgnoreCase(name == null ? "" : name.trim())) {
                return a;
            }
        }
        throw new IllegalArgumentException("unknown activation \"" + name + "\" (known: ReLU, Tanh, Sigmoid, LeakyReLU, Identity)");
    }

    /** Whether a layer type is one of the activations this page knows. */
    public static boolean isActivation(String layerType) {
        return ACTIVATION_TYPES.contains(layerType);
    }

    @Override
    public String toString() {
        return layerType;
    }

    /** Lower-case key for element ids in the page ("relu", "leakyrelu"). */
    public String key() {
        return layerType.toLowerCase(Locale.ROOT);
    }
}
