package com.layerlab.engine.experiment;

import java.util.List;

/** {@code loss}: {@code CrossEntropyLoss}, {@code MSELoss} or {@code BCEWithLogitsLoss}. */
public record LossSpec(String type) {

    public static final String CROSS_ENTROPY = "CrossEntropyLoss";
    public static final String MSE = "MSELoss";
    public static final String BCE_WITH_LOGITS = "BCEWithLogitsLoss";
    public static final List<String> TYPES = List.of(CROSS_ENTROPY, MSE, BCE_WITH_LOGITS);

    public static LossSpec of(String type) {
        return new LossSpec(type);
    }
}
