package com.layerlab.app.lab;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.layerlab.engine.experiment.Experiment;
import java.util.List;
import org.junit.jupiter.api.Test;

class RunIdentityTest {

    private static final PlaygroundSettings BASE = PlaygroundSettings.DEFAULTS;

    @Test
    void theRateTheEpochsAndTheNameLeaveARunWhatItIs() {
        Experiment e = BASE.toExperiment();
        assertTrue(RunIdentity.same(e, BASE.toBuilder().learningRate(0.3).epochs(100).build().toExperiment()));
        assertTrue(RunIdentity.same(e, e.withName("another name")));
        assertTrue(RunIdentity.same(List.of(e, e), List.of(e.withEpochs(5), e)));
    }

    @Test
    void whatChangesTheTrainedWeightsMakesAnotherRun() {
        Experiment e = BASE.toExperiment();
        assertFalse(RunIdentity.same(e, BASE.toBuilder().seed(BASE.seed() + 1).build().toExperiment()), "the seed");
        assertFalse(RunIdentity.same(e, BASE.toBuilder().dataSeed(BASE.dataSeed() + 1).build().toExperiment()), "the data");
        assertFalse(RunIdentity.same(e, BASE.toBuilder().batchSize(20).build().toExperiment()), "the batch size");
        assertFalse(RunIdentity.same(e, BASE.toBuilder().allActivations("ReLU").build().toExperiment()), "the model");
        assertFalse(RunIdentity.same(List.of(e), List.of(e, e)), "how many are trained");
    }
}
