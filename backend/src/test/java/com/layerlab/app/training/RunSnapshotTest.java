package com.layerlab.app.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.layerlab.app.lab.PlaygroundSettings;
import com.layerlab.engine.train.Trainer;
import java.util.List;
import org.junit.jupiter.api.Test;

class RunSnapshotTest {

    @Test
    void binarySnapshotHasOneMapPerNeuronInDiagramOrder() {
        Trainer run = new Trainer(PlaygroundSettings.DEFAULTS.toExperiment());
        RunSnapshot s = RunSnapshot.of(run, 32, 10);
        assertEquals(1, s.channels());
        assertEquals(32 * 32, s.output().length);
        assertEquals((7 + 4 + 2 + 1) * 100, s.neuronMaps().length, "7 features, 4 + 2 hidden, 1 output");
        assertEquals(3, s.weights().size());
        assertEquals(0, s.stats().epoch());
        // x1's map runs from orange (left, -6) to blue (right, +6) along every row
        assertEquals(0, s.neuronMaps()[0] & 0xff);
        assertEquals(255, s.neuronMaps()[9] & 0xff);
        // the output neuron's map is the output map at a coarser grid: both start undecided, near 128
        int last = s.neuronMaps()[s.neuronMaps().length - 1] & 0xff;
        assertTrue(last > 40 && last < 215, "an untrained network is unsure: " + last);
    }

    @Test
    void multiClassSnapshotCarriesKProbabilitiesPerCell() {
        PlaygroundSettings s = PlaygroundSettings.DEFAULTS.toBuilder().dataset("spiral").classes(4)
                .hiddenLayers(List.of(5)).build();
        Trainer run = new Trainer(s.toExperiment());
        run.trainEpoch();
        RunSnapshot snap = RunSnapshot.of(run, 16, 0);
        assertEquals(4, snap.channels());
        assertEquals(16 * 16 * 4, snap.output().length);
        assertNull(snap.neuronMaps());
        for (int cell = 0; cell < 256; cell++) {
            int sum = 0;
            for (int k = 0; k < 4; k++) {
                sum += snap.output()[cell * 4 + k] & 0xff;
            }
            assertTrue(Math.abs(sum - 255) <= 3, "probabilities add up to one: " + sum);
        }
        assertEquals(1, snap.stats().epoch());
    }
}
