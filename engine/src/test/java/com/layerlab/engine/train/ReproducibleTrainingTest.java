package com.layerlab.engine.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.layerlab.engine.experiment.DataSpec;
import com.layerlab.engine.experiment.Experiment;
import com.layerlab.engine.experiment.LayerSpec;
import com.layerlab.engine.experiment.LossSpec;
import com.layerlab.engine.experiment.OptimizerSpec;
import com.layerlab.engine.experiment.RegularizationSpec;
import com.layerlab.engine.tensor.Tensor;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The same experiment trained twice gives the same weights, bit for bit: every layer with state or
 * randomness (convolution, batch norm's running statistics, dropout's masks, shuffled batches, SGD's
 * momentum and weight decay) is in the model, so a hidden source of nondeterminism anywhere in the
 * training path shows here. The oracle tests can then trust that a difference is a real one.
 */
class ReproducibleTrainingTest {

    private static final List<LayerSpec> MODEL = List.of(
            LayerSpec.of("Conv2d", Map.of("out_channels", 4, "kernel_size", 3, "padding", 1)),
            LayerSpec.of("BatchNorm2d"),
            LayerSpec.of("ReLU"),
            LayerSpec.of("MaxPool2d", Map.of("kernel_size", 2)),
            LayerSpec.of("Conv2d", Map.of("out_channels", 6, "kernel_size", 3, "stride", 2)),
            LayerSpec.of("Tanh"),
            LayerSpec.of("Flatten"),
            LayerSpec.of("Dropout", Map.of("p", 0.3)),
            LayerSpec.linear(10));

    private static Experiment experiment(long seed) {
        return Experiment.of("reproducible", seed, "classification",
                new DataSpec("mnist", Map.of("limit", 320), null, 0.75, 16, true, false), MODEL,
                LossSpec.of("CrossEntropyLoss"), OptimizerSpec.sgd(0.05, 0.9, 1e-3, true), RegularizationSpec.NONE, 2);
    }

    /** Every tensor of the state dict (weights and buffers) after two epochs, copied out. */
    private static Map<String, float[]> train(Experiment e) {
        try (Trainer run = new Trainer(e, null)) {
            run.trainEpoch();
            run.trainEpoch();
            Map<String, float[]> state = new LinkedHashMap<>();
            for (Map.Entry<String, Tensor> t : run.model().stateDict().entrySet()) {
                state.put(t.getKey(), t.getValue().toHost());
            }
            return state;
        }
    }

    @Test
    void theSameExperimentTrainedTwiceGivesTheSameWeightsBitForBit() {
        Map<String, float[]> first = train(experiment(7));
        Map<String, float[]> second = train(experiment(7));
        assertEquals(first.keySet(), second.keySet());
        for (String key : first.keySet()) {
            // compare the bits, so that -0.0 against 0.0 or two different NaNs would also count as a difference
            assertArrayEquals(Bits.of(first.get(key)), Bits.of(second.get(key)), key);
        }
        // and the comparison can fail: another seed gives other weights
        Map<String, float[]> other = train(experiment(8));
        assertFalse(Arrays.equals(Bits.of(first.get("0.weight")), Bits.of(other.get("0.weight"))), "seed 8 gives other weights");
    }
}
