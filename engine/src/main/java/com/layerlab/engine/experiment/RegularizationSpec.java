package com.layerlab.engine.experiment;

import java.util.List;

/** {@code regularization}: {@code none}, {@code L1} or {@code L2} with {@code rate}, added to the loss. */
public record RegularizationSpec(String type, double rate) {

    public static final List<String> TYPES = List.of("none", "L1", "L2");
    public static final RegularizationSpec NONE = new RegularizationSpec("none", 0.0);

    public static RegularizationSpec of(String type, double rate) {
        return new RegularizationSpec(type, rate);
    }
}
