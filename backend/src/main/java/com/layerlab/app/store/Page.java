package com.layerlab.app.store;

import java.util.Arrays;

/** The page a saved experiment comes from, which also opens it again (and forks it). */
public enum Page {
    PLAYGROUND("playground", "Playground"),
    CNN("cnn", "CNN lab"),
    /** Several networks, one per activation, saved together: {@link ExperimentStore#saveComparison}. */
    COMPARE("compare", "Compare activations");

    private final String id;
    private final String label;

    Page(String id, String label) {
        this.id = id;
        this.label = label;
    }

    /** The value stored in the page column. */
    public String id() {
        return id;
    }

    public String label() {
        return label;
    }

    static Page of(String id) {
        return Arrays.stream(values()).filter(p -> p.id.equals(id)).findFirst()
                .orElseThrow(() -> new IllegalStateException("unknown page in the store: " + id));
    }
}
