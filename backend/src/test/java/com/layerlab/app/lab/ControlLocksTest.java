package com.layerlab.app.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.layerlab.app.lab.ControlLocks.Control;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The one rule of a challenge's locks: what {@link ControlLocks#enforce} keeps and {@link ControlLocks#violated} names. */
class ControlLocksTest {

    private static final PlaygroundSettings PUSHED = PlaygroundSettings.DEFAULTS.toBuilder().dataset("xor").noise(10)
            .hiddenLayers(List.of(3, 2)).allActivations("ReLU").learningRate(0.1).regularization("L2")
            .regularizationRate(0.01).build();
    private static final Set<Control> NONE = Set.of();
    private static final Set<Control> ALL = EnumSet.allOf(Control.class);

    /** The student's attempt to change everything a lock covers, and the things no lock covers. */
    private static PlaygroundSettings everythingChanged() {
        return PUSHED.toBuilder().dataset("spiral").classes(3).noise(30).trainPercent(70).batchSize(5).dataSeed(77)
                .features(List.of("x1", "x2", "sin(x1)")).hiddenLayers(List.of(5, 5, 5)).allActivations("Sigmoid")
                .learningRate(0.003).regularization("L1").regularizationRate(0.3)
                .seed(42).epochs(300).showTestData(true).discretize(true).build();
    }

    @Test
    void allLockedSetsBackEveryControlButKeepsTheStudentsSeedEpochsAndViewOptions() {
        PlaygroundSettings wanted = everythingChanged();
        PlaygroundSettings kept = ControlLocks.enforce(NONE, PUSHED, wanted);
        PlaygroundSettings expected = PUSHED.toBuilder().seed(42).epochs(300).showTestData(true).discretize(true).build();
        assertEquals(expected, kept);
        assertEquals(Optional.of(Control.DATASET), ControlLocks.violated(NONE, PUSHED, wanted), "the first in the form's order");
        assertEquals(Optional.empty(), ControlLocks.violated(NONE, PUSHED, kept));
        assertEquals(Optional.empty(), ControlLocks.violated(NONE, PUSHED,
                PUSHED.toBuilder().seed(9).epochs(100).build()), "new weights and another stop epoch are allowed");
    }

    @Test
    void allUnlockedKeepsWhatTheStudentWants() {
        PlaygroundSettings wanted = everythingChanged();
        assertEquals(wanted, ControlLocks.enforce(ALL, PUSHED, wanted));
        assertEquals(Optional.empty(), ControlLocks.violated(ALL, PUSHED, wanted));
    }

    @Test
    void eachLockNamesItsOwnControlAndCoversItsFields() {
        PlaygroundSettings base = PUSHED;
        assertLocked(Control.DATASET, base.toBuilder().noise(20).build());
        assertLocked(Control.DATASET, base.toBuilder().trainPercent(80).build());
        assertLocked(Control.DATASET, base.toBuilder().batchSize(1).build());
        assertLocked(Control.DATASET, base.toBuilder().dataSeed(5).build());
        assertLocked(Control.DATASET, base.toBuilder().problem(PlaygroundSettings.REGRESSION).build());
        assertLocked(Control.DATASET, base.toBuilder().pointSet("points:abc", 2).build());
        assertLocked(Control.FEATURES, base.toBuilder().toggleFeature("x1^2").build());
        assertLocked(Control.LAYERS, base.toBuilder().removeLayer().build());
        assertLocked(Control.NEURONS, base.toBuilder().neurons(0, 1).build());
        assertLocked(Control.ACTIVATION, base.toBuilder().activation(1, "Tanh").build());
        assertLocked(Control.ACTIVATION, base.toBuilder().sigmoidOutput(true).build());
        assertLocked(Control.LEARNING_RATE, base.toBuilder().learningRate(1.0).build());
        assertLocked(Control.REGULARIZATION, base.toBuilder().regularizationRate(0.1).build());
        assertLocked(Control.REGULARIZATION, base.toBuilder().regularization("none").build());
    }

    /** Locked alone, {@code c} is what {@code wanted} violates; unlocked alone (the rest locked), nothing is. */
    private static void assertLocked(Control c, PlaygroundSettings wanted) {
        Set<Control> allBut = EnumSet.allOf(Control.class);
        allBut.remove(c);
        assertEquals(Optional.of(c), ControlLocks.violated(allBut, PUSHED, wanted), c + " locked");
        assertEquals(PUSHED, ControlLocks.enforce(allBut, PUSHED, wanted), c + " set back");
        assertEquals(Optional.empty(), ControlLocks.violated(Set.of(c), PUSHED, wanted), c + " unlocked");
        assertEquals(wanted, ControlLocks.enforce(Set.of(c), PUSHED, wanted), c + " kept");
    }

    @Test
    void layersUnlockedNeuronsLockedANewLayerGetsThePushedLastLayersNeurons() {
        Set<Control> layersOnly = EnumSet.of(Control.LAYERS);
        // the page's "add layer" copies the last layer's neurons and activation: allowed as it is
        PlaygroundSettings added = PUSHED.toBuilder().addLayer().build();
        assertEquals(List.of(3, 2, 2), added.hiddenLayers());
        assertEquals(Optional.empty(), ControlLocks.violated(layersOnly, PUSHED, added));
        assertEquals(added, ControlLocks.enforce(layersOnly, PUSHED, added));

        // a new layer with other neurons: the neurons' lock is broken, and enforce gives it the rule's
        PlaygroundSettings bigger = PUSHED.toBuilder().hiddenLayers(List.of(3, 2, 8)).build();
        assertEquals(Optional.of(Control.NEURONS), ControlLocks.violated(layersOnly, PUSHED, bigger));
        assertEquals(List.of(3, 2, 2), ControlLocks.enforce(layersOnly, PUSHED, bigger).hiddenLayers());

        // fewer layers keep the pushed ones' neurons
        PlaygroundSettings fewer = PUSHED.toBuilder().removeLayer().build();
        assertEquals(Optional.empty(), ControlLocks.violated(layersOnly, PUSHED, fewer));
        PlaygroundSettings none = PUSHED.toBuilder().hiddenLayers(List.of()).build();
        assertEquals(List.of(), ControlLocks.enforce(layersOnly, PUSHED, none).hiddenLayers());

        // a pushed network without hidden layers: a new one gets 4 neurons and Tanh
        PlaygroundSettings flat = PUSHED.toBuilder().hiddenLayers(List.of()).build();
        PlaygroundSettings oneMore = ControlLocks.enforce(layersOnly, flat, flat.toBuilder().hiddenLayers(List.of(7)).build());
        assertEquals(List.of(ControlLocks.NEW_LAYER_NEURONS), oneMore.hiddenLayers());
        assertEquals(List.of(ControlLocks.NEW_LAYER_ACTIVATION), oneMore.activations());
    }

    @Test
    void neuronsUnlockedLayersLockedKeepsThePushedCountWithTheStudentsNeurons() {
        Set<Control> neuronsOnly = EnumSet.of(Control.NEURONS);
        PlaygroundSettings wider = PUSHED.toBuilder().neurons(0, 5).neurons(1, 1).build();
        assertEquals(Optional.empty(), ControlLocks.violated(neuronsOnly, PUSHED, wider));
        assertEquals(List.of(8, 3), ControlLocks.enforce(neuronsOnly, PUSHED, wider).hiddenLayers());

        PlaygroundSettings deeper = wider.toBuilder().hiddenLayers(List.of(8, 3, 6)).build();
        assertEquals(Optional.of(Control.LAYERS), ControlLocks.violated(neuronsOnly, PUSHED, deeper));
        assertEquals(List.of(8, 3), ControlLocks.enforce(neuronsOnly, PUSHED, deeper).hiddenLayers(), "the extra layer goes");

        PlaygroundSettings shallower = PUSHED.toBuilder().hiddenLayers(List.of(6)).build();
        assertEquals(List.of(6, 2), ControlLocks.enforce(neuronsOnly, PUSHED, shallower).hiddenLayers(),
                "the missing layer comes back with the pushed neurons");
    }

    @Test
    void activationsLockedFollowTheLayersANewOneCopiesTheLast() {
        Set<Control> layers = EnumSet.of(Control.LAYERS, Control.NEURONS);
        PlaygroundSettings wanted = PUSHED.toBuilder().addLayer().allActivations("Sigmoid").build();
        assertEquals(Optional.of(Control.ACTIVATION), ControlLocks.violated(layers, PUSHED, wanted));
        PlaygroundSettings kept = ControlLocks.enforce(layers, PUSHED, wanted);
        assertEquals(List.of("ReLU", "ReLU", "ReLU"), kept.activations());
        assertEquals(3, kept.hiddenLayers().size());
        assertFalse(ControlLocks.violated(layers, PUSHED, kept).isPresent());
    }

    @Test
    void enforcedSettingsAlwaysPassTheCheck() {
        PlaygroundSettings wanted = everythingChanged();
        // every subset of the controls: what a page applies passes the server's check
        Control[] all = Control.values();
        for (int mask = 0; mask < 1 << all.length; mask++) {
            Set<Control> unlocked = EnumSet.noneOf(Control.class);
            for (int i = 0; i < all.length; i++) {
                if ((mask & 1 << i) != 0) {
                    unlocked.add(all[i]);
                }
            }
            PlaygroundSettings kept = ControlLocks.enforce(unlocked, PUSHED, wanted);
            assertTrue(ControlLocks.violated(unlocked, PUSHED, kept).isEmpty(), unlocked + ": " + kept);
            assertEquals(kept, ControlLocks.enforce(unlocked, PUSHED, kept), unlocked + ": enforce is idempotent");
        }
    }
}
