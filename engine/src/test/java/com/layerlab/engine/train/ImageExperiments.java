package com.layerlab.engine.train;

import com.layerlab.engine.experiment.DataSpec;
import com.layerlab.engine.experiment.Experiment;
import com.layerlab.engine.experiment.LayerSpec;
import com.layerlab.engine.experiment.LossSpec;
import com.layerlab.engine.experiment.OptimizerSpec;
import com.layerlab.engine.experiment.RegularizationSpec;
import java.util.List;
import java.util.Map;

/** Small image experiments for the tests: a few hundred MNIST digits and a tiny CNN, trained in a second or two. */
final class ImageExperiments {

    private ImageExperiments() {
    }

    /** Conv2d(4, 5) ReLU MaxPool2d(2) Flatten Linear(10): [4,24,24] [4,24,24] [4,12,12] [576] [10]. */
    static final List<LayerSpec> TINY_CNN = List.of(
            LayerSpec.of("Conv2d", Map.of("out_channels", 4, "kernel_size", 5)),
            LayerSpec.of("ReLU"),
            LayerSpec.of("MaxPool2d", Map.of("kernel_size", 2)),
            LayerSpec.of("Flatten"),
            LayerSpec.linear(10));

    /** The first {@code limit} MNIST digits, 80 % for training, batches of 32, shuffled. */
    static Experiment mnist(int limit, long seed, List<LayerSpec> model) {
        return Experiment.of("tiny mnist", seed, "classification",
                new DataSpec("mnist", Map.of("limit", limit), null, 0.8, 32, true, false), model,
                LossSpec.of("CrossEntropyLoss"), OptimizerSpec.adam(0.005), RegularizationSpec.NONE, 2);
    }
}
