package com.layerlab.app.training;

import java.util.Objects;

/**
 * A training asked for more than a limit of the server allows (runs at once, parameters, epochs, wall
 * time, storage). Thrown before anything is allocated; the pages show {@link #getMessage()}, the REST API
 * answers 422 with it in {@code detail}.
 *
 * @see TrainingRuntime#submit
 */
public final class OverLimit extends RuntimeException {

    private final String key;
    private final long value;

    /**
     * @param key     the configuration key of the limit, e.g. {@code layerlab.limits.runs-per-user}
     * @param value   the limit's value in force
     * @param message what was asked and what the limit allows, in words a learner understands
     *                ("you have 2 runs training, the limit per user (layerlab.limits.runs-per-user) is 2")
     */
    public OverLimit(String key, long value, String message) {
        super(Objects.requireNonNull(message));
        this.key = Objects.requireNonNull(key);
        this.value = value;
    }

    public String key() {
        return key;
    }

    public long value() {
        return value;
    }
}
