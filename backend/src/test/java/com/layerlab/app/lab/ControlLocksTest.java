package com.layerlab.app.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.layerlab.app.lab.ControlLocks.Control;
import com.layerlab.engine.experiment.Experiment;
import com.layerlab.engine.experiment.LayerSpec;
import com.layerlab.engine.experiment.OptimizerSpec;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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

    // ---- the CNN lab ----------------------------------------------------------------------------------

    private static final Experiment CNN_PUSHED = CnnPresets.byKey(CnnPresets.LENET, false).experiment();
    private static final Set<Control> CNN_ALL = EnumSet.copyOf(ControlLocks.CNN);

    /** {@code e} as a student's page gets it from a CNN lab link (CnnLinks.query, then parse). */
    private static Experiment viaLink(Experiment e) {
        Map<String, List<String>> params = new LinkedHashMap<>();
        CnnLinks.query(new CnnLinks.State(e, List.of())).forEach((k, v) -> params.put(k, List.of(v)));
        ShareLinks.Parsed<CnnLinks.State> parsed = CnnLinks.parse(params);
        assertTrue(parsed.ok(), parsed.error());
        return parsed.value().experiment();
    }

    /** The student's attempt to change everything a CNN lock covers, and the things no lock covers. */
    private static Experiment cnnEverythingChanged() {
        List<LayerSpec> model = new ArrayList<>(CNN_PUSHED.model());
        model.set(7, LayerSpec.linear(100));
        return CNN_PUSHED.withData(CNN_PUSHED.data().withDataset("fashion-mnist").withOption("limit", 500).withBatchSize(32)
                        .withTrainFraction(0.7).withShuffle(false).withDropLast(true))
                .withModel(model).withInputShape(List.of(1, 28, 28))
                .withOptimizer(OptimizerSpec.sgd(0.05, 0.9, 0.001, true))
                .withEpochs(20).withSeed(7).withName("Custom: mine").withBackend("cpu");
    }

    @Test
    void cnnAllLockedSetsBackEveryControlButKeepsTheStudentsEpochsSeedNameAndBackend() {
        Experiment wanted = cnnEverythingChanged();
        Experiment kept = ControlLocks.enforce(NONE, CNN_PUSHED, wanted);
        assertEquals(CNN_PUSHED.withEpochs(20).withSeed(7).withName("Custom: mine").withBackend("cpu"), kept);
        assertEquals(Optional.of(Control.DATASET), ControlLocks.violated(NONE, CNN_PUSHED, wanted), "the first in the form's order");
        assertEquals(Optional.empty(), ControlLocks.violated(NONE, CNN_PUSHED, kept));
        // the playground's controls are no CNN lab's: unlocking them frees nothing here
        Set<Control> playground = EnumSet.copyOf(ControlLocks.PLAYGROUND);
        playground.remove(Control.DATASET);
        playground.remove(Control.LEARNING_RATE);
        assertEquals(kept, ControlLocks.enforce(playground, CNN_PUSHED, wanted));
    }

    @Test
    void cnnAllUnlockedKeepsWhatTheStudentWants() {
        Experiment wanted = cnnEverythingChanged();
        assertSame(wanted, ControlLocks.enforce(CNN_ALL, CNN_PUSHED, wanted));
        assertEquals(Optional.empty(), ControlLocks.violated(CNN_ALL, CNN_PUSHED, wanted));
    }

    @Test
    void cnnEachLockNamesItsOwnControlAndCoversItsFields() {
        Experiment e = CNN_PUSHED;
        assertCnnLocked(Control.DATASET, e.withData(e.data().withDataset("fashion-mnist")));
        assertCnnLocked(Control.DATASET, e.withData(e.data().withOption("limit", 1000)));
        assertCnnLocked(Control.DATASET, e.withData(e.data().withOption("limit", null)));
        assertCnnLocked(Control.DATASET, e.withData(e.data().withBatchSize(8)));
        assertCnnLocked(Control.DATASET, e.withData(e.data().withTrainFraction(0.5)));
        assertCnnLocked(Control.DATASET, e.withData(e.data().withShuffle(!e.data().shuffle())));
        assertCnnLocked(Control.DATASET, e.withData(e.data().withDropLast(!e.data().dropLast())));
        List<LayerSpec> wider = new ArrayList<>(e.model());
        wider.set(0, wider.get(0).withArg("out_channels", 8));
        assertCnnLocked(Control.LAYER_STACK, e.withModel(wider));
        List<LayerSpec> deeper = new ArrayList<>(e.model());
        deeper.add(1, LayerSpec.of("BatchNorm2d"));
        assertCnnLocked(Control.LAYER_STACK, e.withModel(deeper));
        List<LayerSpec> swapped = new ArrayList<>(e.model());
        swapped.set(1, LayerSpec.of("Tanh"));
        assertCnnLocked(Control.LAYER_STACK, e.withModel(swapped));
        assertCnnLocked(Control.LAYER_STACK, e.withInputShape(List.of(1, 28, 28)));
        double lr = e.optimizer().lr();
        assertCnnLocked(Control.OPTIMIZER, e.withOptimizer(OptimizerSpec.sgd(lr)));
        assertCnnLocked(Control.OPTIMIZER, e.withOptimizer(OptimizerSpec.adam(lr, 0.8, 0.999, 1e-8, 0)));
        assertCnnLocked(Control.OPTIMIZER, e.withOptimizer(OptimizerSpec.adam(lr, 0.9, 0.999, 1e-8, 0.01)));
        assertCnnLocked(Control.LEARNING_RATE, e.withOptimizer(e.optimizer().withLr(0.1)));
    }

    /** Locked alone, {@code c} is what {@code wanted} violates; unlocked alone (the rest locked), nothing is. */
    private static void assertCnnLocked(Control c, Experiment wanted) {
        Set<Control> allBut = EnumSet.allOf(Control.class);
        allBut.remove(c);
        assertEquals(Optional.of(c), ControlLocks.violated(allBut, CNN_PUSHED, wanted), c + " locked");
        assertEquals(CNN_PUSHED, ControlLocks.enforce(allBut, CNN_PUSHED, wanted), c + " set back");
        assertEquals(Optional.empty(), ControlLocks.violated(Set.of(c), CNN_PUSHED, wanted), c + " unlocked");
        assertEquals(wanted, ControlLocks.enforce(Set.of(c), CNN_PUSHED, wanted), c + " kept");
    }

    @Test
    void cnnOptimizerAndLearningRateAreLockedApart() {
        Experiment sgdFast = CNN_PUSHED.withOptimizer(OptimizerSpec.sgd(0.1, 0.9, 0, false));
        // another optimizer allowed, its rate not: the student's SGD at the pushed rate
        Set<Control> optimizerOnly = EnumSet.of(Control.OPTIMIZER);
        assertEquals(Optional.of(Control.LEARNING_RATE), ControlLocks.violated(optimizerOnly, CNN_PUSHED, sgdFast));
        assertEquals(OptimizerSpec.sgd(CNN_PUSHED.optimizer().lr(), 0.9, 0, false),
                ControlLocks.enforce(optimizerOnly, CNN_PUSHED, sgdFast).optimizer());
        // the rate allowed, the optimizer not: the pushed Adam at the student's rate
        Set<Control> rateOnly = EnumSet.of(Control.LEARNING_RATE);
        assertEquals(Optional.of(Control.OPTIMIZER), ControlLocks.violated(rateOnly, CNN_PUSHED, sgdFast));
        assertEquals(CNN_PUSHED.optimizer().withLr(0.1), ControlLocks.enforce(rateOnly, CNN_PUSHED, sgdFast).optimizer());
        // a setting SGD does not have is not compared between two SGDs (the file drops it)
        Experiment sgd = CNN_PUSHED.withOptimizer(OptimizerSpec.sgd(0.01));
        Experiment sgdOddBetas = CNN_PUSHED.withOptimizer(new OptimizerSpec(OptimizerSpec.SGD, 0.01, 0, 0, false, 0.5, 0.5, 1));
        assertEquals(Optional.empty(), ControlLocks.violated(NONE, sgd, sgdOddBetas));
        assertEquals(Optional.empty(), ControlLocks.violated(NONE, sgd, viaLink(sgdOddBetas)));
    }

    @Test
    void cnnExperimentsThatWentThroughALinkKeepTheirLocks() {
        for (CnnPresets.Preset p : CnnPresets.all(false)) {
            Experiment back = viaLink(p.experiment());
            assertEquals(Optional.empty(), ControlLocks.violated(NONE, p.experiment(), back), p.key());
            assertSame(back, ControlLocks.enforce(NONE, p.experiment(), back), p.key() + ": nothing to set back");
        }
        // numbers typed otherwise than a link reads them back: Long options and arguments, a Double argument
        // given as an Integer, an Integer list given as Longs
        List<LayerSpec> model = new ArrayList<>(CNN_PUSHED.model());
        model.set(0, model.get(0).withArg("kernel_size", List.of(5L, 5L)).withArg("padding", 2L));
        model.add(8, LayerSpec.of("Dropout", Map.of("p", 0.0)));
        Experiment pushed = CNN_PUSHED.withModel(model).withData(CNN_PUSHED.data().withOption("limit", 2000L))
                .withOptimizer(OptimizerSpec.sgd(0.01, 1, 0, false));
        List<LayerSpec> typedOtherwise = new ArrayList<>(model);
        typedOtherwise.set(0, model.get(0).withArg("kernel_size", List.of(5, 5.0)).withArg("padding", 2));
        typedOtherwise.set(8, LayerSpec.of("Dropout", Map.of("p", 0)));
        Experiment wanted = pushed.withModel(typedOtherwise).withData(pushed.data().withOption("limit", 2000.0));
        assertEquals(Optional.empty(), ControlLocks.violated(NONE, pushed, wanted));
        assertSame(wanted, ControlLocks.enforce(NONE, pushed, wanted));
        Experiment back = viaLink(pushed);
        assertEquals(Optional.empty(), ControlLocks.violated(NONE, pushed, back));
        assertEquals(Optional.empty(), ControlLocks.violated(NONE, back, pushed));
        assertSame(back, ControlLocks.enforce(NONE, pushed, back));
        // a real change through a link is still one
        Experiment changed = viaLink(pushed.withData(pushed.data().withOption("limit", 2001)));
        assertEquals(Optional.of(Control.DATASET), ControlLocks.violated(NONE, pushed, changed));
    }

    @Test
    void numbersCompareByValueWhateverTheirType() {
        assertTrue(ControlLocks.sameValue(2, 2.0));
        assertTrue(ControlLocks.sameValue(2L, 2));
        assertTrue(ControlLocks.sameValue(List.of(1, 2L), List.of(1.0, 2)));
        assertTrue(ControlLocks.sameValue(Map.of("a", 1, "b", List.of(3)), Map.of("b", List.of(3.0), "a", 1L)));
        assertTrue(ControlLocks.sameValue(null, null));
        assertTrue(ControlLocks.sameValue(Double.NaN, Double.NaN));
        assertFalse(ControlLocks.sameValue(0.1, 0.1f), "a float's 0.1 is another number");
        assertFalse(ControlLocks.sameValue(2, 2.5));
        assertFalse(ControlLocks.sameValue(2, "2"));
        assertFalse(ControlLocks.sameValue(true, 1));
        assertFalse(ControlLocks.sameValue(List.of(1), List.of(1, 1)));
        assertFalse(ControlLocks.sameValue(Map.of("a", 1), Map.of("b", 1)));
        assertFalse(ControlLocks.sameValue(Map.of("a", 1), null));
    }

    @Test
    void cnnEnforcedExperimentsAlwaysPassTheCheckAndNothingElseChanges() {
        List<Experiment> wanteds = List.of(cnnEverythingChanged(), viaLink(cnnEverythingChanged()), viaLink(CNN_PUSHED),
                CNN_PUSHED.withOptimizer(OptimizerSpec.sgd(0.2)), CNN_PUSHED.withEpochs(50));
        List<Control> cnn = ControlLocks.CNN;
        for (Experiment wanted : wanteds) {
            for (int mask = 0; mask < 1 << cnn.size(); mask++) {
                Set<Control> unlocked = EnumSet.noneOf(Control.class);
                for (int i = 0; i < cnn.size(); i++) {
                    if ((mask & 1 << i) != 0) {
                        unlocked.add(cnn.get(i));
                    }
                }
                Experiment kept = ControlLocks.enforce(unlocked, CNN_PUSHED, wanted);
                assertTrue(ControlLocks.violated(unlocked, CNN_PUSHED, kept).isEmpty(), unlocked + ": " + kept);
                assertSame(kept, ControlLocks.enforce(unlocked, CNN_PUSHED, kept), unlocked + ": enforce is idempotent");
                assertEquals(ControlLocks.violated(unlocked, CNN_PUSHED, wanted).isEmpty(), kept == wanted,
                        unlocked + ": violated is empty exactly when enforce changes nothing");
                assertEquals(wanted.epochs(), kept.epochs());
                assertEquals(wanted.seed(), kept.seed());
                assertEquals(wanted.name(), kept.name());
                assertEquals(wanted.backend(), kept.backend());
            }
        }
    }
}
