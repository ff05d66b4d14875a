package com.layerlab.app.lab;

import java.util.Optional;
import java.util.Set;

/**
 * The rule of a challenge's locked controls, in one place: what a student's playground may change of
 * the experiment their teacher pushed. The page disables the locked controls and refuses a change of
 * them; the server's scoring refuses a run that changed one (a student cannot get around a lock by a
 * link of their own).
 */
public final class ControlLocks {

    /** The playground's controls a challenge can lock, in the order the teacher's form lists them. */
    public enum Control {
        DATASET("Data set"), FEATURES("Features"), LAYERS("Layers"), NEURONS("Neurons"), ACTIVATION("Activation"),
        LEARNING_RATE("Learning rate"), REGULARIZATION("Regularisation");

        private final String label;

        Control(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    private ControlLocks() {
    }

    /**
     * {@code wanted} with every control that is not in {@code unlocked} set back to {@code pushed}'s
     * (what a student's page applies, whatever link they opened). Controls outside this list (the view
     * options, the seed, the epochs to train) stay the student's.
     */
    public static PlaygroundSettings enforce(Set<Control> unlocked, PlaygroundSettings pushed, PlaygroundSettings wanted) {
        throw new UnsupportedOperationException("H2");
    }

    /** The first locked control that {@code wanted} changes from {@code pushed}, if any: the notice names it. */
    public static Optional<Control> violated(Set<Control> unlocked, PlaygroundSettings pushed, PlaygroundSettings wanted) {
        throw new UnsupportedOperationException("H2");
    }
}
