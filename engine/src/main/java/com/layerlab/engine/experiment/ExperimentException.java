package com.layerlab.engine.experiment;

/**
 * A wrong experiment file, model or weights file. The message names the field or layer at fault
 * (for instance {@code model[2] (Linear): out_features must be a positive integer, got "abc"}) and is
 * meant to be shown to the user as it is.
 */
public class ExperimentException extends RuntimeException {

    public ExperimentException(String message) {
        super(message);
    }

    public ExperimentException(String message, Throwable cause) {
        super(message, cause);
    }
}
