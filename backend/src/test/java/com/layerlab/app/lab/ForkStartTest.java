package com.layerlab.app.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.layerlab.engine.experiment.Experiment;
import java.util.List;
import org.junit.jupiter.api.Test;

class ForkStartTest {

    private static final List<Experiment> SAVED = CompareLinks.DEFAULTS.experiments();
    private static final List<byte[]> WEIGHTS = List.of(new byte[] {1}, new byte[] {2}, new byte[] {3});
    private static final ForkStart FORK = new ForkStart("abc", SAVED, WEIGHTS);

    private static List<Experiment> with(PlaygroundSettings settings) {
        return new CompareLinks.State(settings, CompareLinks.DEFAULTS.activations()).experiments();
    }

    @Test
    void theSavedWeightsApplyWhileTheRunsTrainWhatWasSaved() {
        assertEquals(WEIGHTS, FORK.startWeights(SAVED));
        // the rate changes while a run trains: the weights still fit
        assertEquals(WEIGHTS, FORK.startWeights(with(CompareLinks.DEFAULT_SETTINGS.toBuilder().learningRate(0.3).build())));
        List<Experiment> otherData = with(CompareLinks.DEFAULT_SETTINGS.toBuilder().dataset("xor").build());
        assertEquals(List.of(), FORK.startWeights(otherData));
        assertEquals(List.of(), ForkStart.NONE.startWeights(SAVED));
    }

    @Test
    void theLinkNamesTheForkWhileItApplies() {
        assertEquals("compare?e=x&fork=abc", FORK.link("compare?e=x", SAVED));
        List<Experiment> otherData = with(CompareLinks.DEFAULT_SETTINGS.toBuilder().dataset("xor").build());
        assertEquals("compare?e=x", FORK.link("compare?e=x", otherData));
        assertEquals("compare?e=x", ForkStart.NONE.link("compare?e=x", SAVED));
    }

    @Test
    void aRunFoundAgainFitsOnlyWhenItStartedWhereANewOneWould() {
        assertTrue(FORK.sameStart(List.of(new byte[] {1}, new byte[] {2}, new byte[] {3}), SAVED), "equal bytes, read again");
        assertFalse(FORK.sameStart(List.of(), SAVED), "a run from the seeds' weights is not the fork's");
        assertTrue(ForkStart.NONE.sameStart(List.of(), SAVED));
        assertFalse(ForkStart.NONE.sameStart(WEIGHTS, SAVED), "a fork's run is not shown for a plain link");
    }

    @Test
    void aForksLinkKeepsItsSettingsOnlyWhenTheyTrainWhatWasSaved() {
        assertTrue(FORK.keepsLinkSettings(true, SAVED));
        assertFalse(FORK.keepsLinkSettings(false, SAVED));
        assertFalse(FORK.keepsLinkSettings(true, with(CompareLinks.DEFAULT_SETTINGS.toBuilder().noise(20).build())));
    }

    @Test
    void oneWeightsFilePerExperiment() {
        assertThrows(IllegalArgumentException.class, () -> new ForkStart("abc", SAVED, WEIGHTS.subList(0, 2)));
    }
}
